/**
 * Laws of the engine, checked with fast-check over generated policies:
 * - expansion is monotone in the pattern (a more general pattern never expands to fewer actions);
 * - a statement never allows an action its NotAction names;
 * - an explicit deny always wins, whatever else the policies say and whatever the context;
 * - computePrincipalFacts and evaluateRequest agree on which actions are allowed.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  computePrincipalFacts,
  evaluateRequest,
  listActionGrants,
  listGrantedActionNames,
  loadActionCatalog,
  parsePolicyDocument,
  type ActionCatalog,
  type PrincipalPolicies,
} from "../../src/iam/index.js";
import type { PolicyDocument } from "../../src/model/document.js";

let catalog: ActionCatalog;
beforeAll(async () => {
  catalog = await loadActionCatalog();
});

const SERVICES = ["s3", "dynamodb", "lambda", "sqs", "xray", "iam", "kms"];
const arbConcreteAction = () => fc.constantFrom(...SERVICES).chain((s) => fc.constantFrom(...catalog.expand(`${s}:*`)));

/** Generalise an action name: replace characters by ? and runs by *, keep the service prefix sometimes. */
function generalise(action: string, rnd: number[]): string {
  let out = "";
  for (let i = 0; i < action.length; i++) {
    const r = rnd[i % rnd.length] as number;
    const ch = action[i] as string;
    if (ch === ":") out += ":";
    else if (r < 0.1) out += "?";
    else if (r < 0.18) {
      out += "*";
      while (i + 1 < action.length && action[i + 1] !== ":" && (rnd[(i + 1) % rnd.length] as number) < 0.6) i++;
    } else out += r > 0.9 ? ch.toUpperCase() : ch;
  }
  return out;
}
const arbRnd = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 16 });

const arbPattern = () =>
  fc.oneof(
    fc.constant("*"),
    fc.constantFrom(...SERVICES).map((s) => `${s}:*`),
    fc.tuple(arbConcreteAction(), arbRnd).map(([a, r]) => generalise(a, r)),
    arbConcreteAction(),
  );

describe("properties", () => {
  it("expansion is monotone: a generalised pattern expands to a superset, up to service:* and *", () => {
    fc.assert(
      fc.property(arbConcreteAction(), arbRnd, (action, r1) => {
        const [service, name] = action.split(":") as [string, string];
        const p = `${service}:${generalise(name, r1)}`;
        const specific = catalog.expandToSet(p);
        const exact = catalog.expandToSet(action);
        expect(exact.count()).toBe(1);
        expect(exact.isSubsetOf(specific)).toBe(true);
        expect(specific.isSubsetOf(catalog.expandToSet(`${action.split(":")[0]}:*`))).toBe(true);
        expect(specific.isSubsetOf(catalog.expandToSet("*"))).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it("expansion is monotone for pattern pairs in glob order (patternA ⊒ patternB ⇒ expand(B) ⊆ expand(A))", async () => {
    const { globCovers } = await import("../../src/iam/wildcard.js");
    fc.assert(
      fc.property(arbPattern(), arbPattern(), (a, b) => {
        if (globCovers(a, b, true)) expect(catalog.expandToSet(b).isSubsetOf(catalog.expandToSet(a))).toBe(true);
        // The expansion of a pattern matches the pattern.
        for (const name of catalog.expand(b).slice(0, 20)) expect(new RegExp(`^${b.replace(/[.+^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*").replaceAll("?", ".")}$`, "i").test(name)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("a statement never allows an action its NotAction names", () => {
    fc.assert(
      fc.property(fc.array(arbPattern(), { minLength: 1, maxLength: 3 }), arbConcreteAction(), (notAction, probe) => {
        const document = parsePolicyDocument({ Version: "2012-10-17", Statement: [{ Effect: "Allow", NotAction: notAction, Resource: "*" }] });
        const named = catalog.expandAllToSet(notAction);
        const facts = computePrincipalFacts({ inlinePolicies: [{ name: "p", document }], managedPolicies: [] }, catalog);
        expect(facts.allowedActionCount).toBe(catalog.size - named.count());
        for (const action of [probe, ...catalog.names(named, 10)]) {
          const decision = evaluateRequest({ identityPolicies: [document], request: { action, resource: "arn:aws:s3:::b/k", contextComplete: true } }).decision;
          const isNamed = named.has(catalog.action(action)?.index ?? -1);
          expect(decision).toBe(isNamed ? "implicit-deny" : "allowed");
        }
      }),
      { numRuns: 300 },
    );
  });

  const arbStatement = fc.record(
    {
      Effect: fc.constantFrom("Allow", "Deny"),
      Action: fc.array(arbPattern(), { minLength: 1, maxLength: 3 }),
      Resource: fc.array(fc.constantFrom("*", "arn:aws:s3:::b/*", "arn:aws:s3:::other/*", "arn:aws:dynamodb:*:*:table/t"), { minLength: 1, maxLength: 2 }),
      Condition: fc.constantFrom(undefined, { StringEquals: { "aws:PrincipalTag/team": "blue" } }, { Bool: { "aws:SecureTransport": "true" } }),
    },
    { requiredKeys: ["Effect", "Action", "Resource"] },
  );
  const arbPolicy = fc.array(arbStatement, { minLength: 1, maxLength: 4 }).map((Statement) => parsePolicyDocument({ Version: "2012-10-17", Statement: Statement.map((s) => JSON.parse(JSON.stringify(s))) }));
  const arbContext = fc.record({ "aws:PrincipalTag/team": fc.constantFrom("blue", "red"), "aws:SecureTransport": fc.constantFrom("true", "false") }, { requiredKeys: [] });

  it("an explicit deny always wins", () => {
    fc.assert(
      fc.property(
        fc.array(arbPolicy, { maxLength: 3 }),
        fc.option(arbPolicy),
        arbConcreteAction(),
        arbContext,
        fc.boolean(),
        fc.nat(3),
        (policies, boundary, action, context, complete, where) => {
          const deny: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: [action], Resource: ["*"] }] };
          const identity = [...policies];
          identity.splice(Math.min(where, identity.length), 0, deny);
          const r = evaluateRequest({ identityPolicies: identity, permissionsBoundary: boundary, request: { action, resource: "arn:aws:s3:::b/k", context, contextComplete: complete } });
          expect(r.decision).toBe("explicit-deny");
          expect(r.explanation.statements.some((s) => s.effect === "Deny")).toBe(true);
          // A deny in the boundary wins as well.
          const r2 = evaluateRequest({ identityPolicies: policies, permissionsBoundary: deny, request: { action, resource: "arn:aws:s3:::b/k", context, contextComplete: complete } });
          expect(r2.decision).toBe("explicit-deny");
        },
      ),
      { numRuns: 300 },
    );
  });

  it("never a silent allow: an incomplete context never turns a conditional grant into 'allowed'", () => {
    fc.assert(
      fc.property(fc.array(arbPolicy, { minLength: 1, maxLength: 3 }), arbConcreteAction(), (policies, action) => {
        const r = evaluateRequest({ identityPolicies: policies, request: { action, resource: "arn:aws:s3:::b/k" } });
        if (r.decision === "allowed") expect(r.explanation.statements.every((st) => st.match === "applies")).toBe(true);
        if (r.decision === "conditional") expect(r.explanation.missingContextKeys.length).toBeGreaterThan(0);
        for (const context of [{ "aws:PrincipalTag/team": "blue", "aws:SecureTransport": "true" }, { "aws:PrincipalTag/team": "red", "aws:SecureTransport": "false" }]) {
          const full = evaluateRequest({ identityPolicies: policies, request: { action, resource: "arn:aws:s3:::b/k", context, contextComplete: true } }).decision;
          // Whatever the context turns out to be, a definite answer without it stays true with it
          // (an implicit deny may become explicit when a conditional Deny applies: denied either way).
          if (r.decision === "allowed" || r.decision === "explicit-deny") expect(full).toBe(r.decision);
          if (r.decision === "implicit-deny") expect(full).not.toBe("allowed");
        }
      }),
      { numRuns: 300 },
    );
  });

  it("computePrincipalFacts and evaluateRequest agree (unconditional policies on *)", () => {
    const arbPlain = fc
      .array(
        fc.record({
          Effect: fc.constantFrom("Allow", "Allow", "Deny"),
          kind: fc.constantFrom("Action", "Action", "NotAction"),
          patterns: fc.array(arbPattern(), { minLength: 1, maxLength: 3 }),
        }),
        { minLength: 1, maxLength: 4 },
      )
      .map((sts) => parsePolicyDocument({ Version: "2012-10-17", Statement: sts.map((s) => ({ Effect: s.Effect, [s.kind]: s.patterns, Resource: "*" })) }));
    fc.assert(
      fc.property(arbPlain, fc.option(arbPlain), fc.constantFrom(...SERVICES), (document, boundaryDoc, service) => {
        const principal: PrincipalPolicies = {
          inlinePolicies: [{ name: "p", document }],
          managedPolicies: [],
          permissionsBoundary: boundaryDoc ? { arn: "arn:aws:iam::1:policy/b", document: boundaryDoc } : null,
        };
        const listed = listActionGrants(principal, catalog, { service }).map((g) => g.action);
        // The names-only listing (usage labels) is the same list, in the same order, per service and whole.
        expect(listGrantedActionNames(principal, catalog, { service })).toEqual(listed);
        expect(listGrantedActionNames(principal, catalog)).toEqual(listActionGrants(principal, catalog).map((g) => g.action));
        const grants = new Set(listed);
        for (const action of catalog.expand(`${service}:*`)) {
          const d = evaluateRequest({ identityPolicies: [document], permissionsBoundary: boundaryDoc, request: { action, resource: "arn:aws:s3:::b/k", contextComplete: true } }).decision;
          expect(grants.has(action), action).toBe(d === "allowed");
        }
        const facts = computePrincipalFacts(principal, catalog);
        const levelTotal = Object.values(facts.accessLevelCounts).reduce((a, b) => a + b, 0);
        expect(levelTotal).toBe(facts.allowedActionCount);
        if (!facts.servicesTruncated) expect(facts.services.reduce((n, s) => n + s.actionCount, 0)).toBe(facts.allowedActionCount);
      }),
      { numRuns: 60 },
    );
  });
});
