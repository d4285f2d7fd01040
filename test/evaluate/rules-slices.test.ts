/**
 * The built-in pack evaluated slice by slice (src/evaluate/rules-slices.ts) finds exactly what it
 * finds on the whole document: on a generated 1,000-function account with CloudTrail usage, on
 * the hand-made edge cases, a synthetic document and the public corpus, at slice sizes that cut
 * through every role group, at account scope (IAM users and groups) and at the default one.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { analyzeDocument } from "../../src/analysis/index.js";
import { encodeDocument, evaluateDocument, evaluatePackRaw, loadBuiltinPack } from "../../src/evaluate/index.js";
import { builtinRulesView } from "../../src/evaluate/rules-view.js";
import { sliceRulesView } from "../../src/evaluate/rules-slices.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import type { CanonicalDocument } from "../../src/model/document.js";
import { normalize } from "../../src/audit/normalize-paths.js";
import { CORPUS, corpusInputs } from "../golden/corpus-inputs.js";
import { canonicalJson } from "../support/canonical-json.js";
import { generatedAccountDocument } from "../support/generated-account.js";
import { ACCOUNT, allow, documentOf, fn, functionArn, policy, REGION, role, roleArn, user } from "../fixtures/rules/builders.js";
import { syntheticDocument } from "../support/synthetic-document.js";

const account = generatedAccountDocument({ functions: 1000, records: 20_000, seed: 11 }, 300_000);
let generated: CanonicalDocument;
beforeAll(() => {
  generated = account();
});

const SIZES = [1, 7, 50];
const LAYER = `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:common:3`;
const SCOPES = [undefined, { scope: "account" }];

function sorted(findings: unknown): string[] {
  return (findings as unknown[]).map(canonicalJson).sort();
}

/** Each slice size gives the whole document's findings (serialised in one piece: no view, no slices). */
function expectSplitEqualsWhole(doc: CanonicalDocument): number {
  const pack = loadBuiltinPack();
  let found = 0;
  for (const config of SCOPES) {
    const whole = sorted(evaluatePackRaw(pack, encodeDocument(doc), config));
    found += whole.length;
    for (const size of SIZES) expect(sorted(evaluatePackRaw(pack, doc, config, size)), `slices of ${size}`).toEqual(whole);
  }
  return found;
}

describe("the built-in pack slice by slice", () => {
  it("finds what the whole document gives on a generated 1,000-function account with usage", () => {
    expect(sliceRulesView(builtinRulesView(generated), 7).length).toBeGreaterThan(100);
    // Not vacuous: usage findings (unused, denied), shared and orphaned roles are there.
    const rules = new Set(evaluateDocument(generated, [loadBuiltinPack()]).findings.map((f) => f.ruleId));
    for (const id of ["LR001", "LR008", "LR009"]) expect(rules).toContain(id);
    expect(expectSplitEqualsWhole(generated)).toBeGreaterThan(1000);
  }, 300_000);

  it("finds what the whole document gives on the edge cases and a synthetic document", () => {
    const edge = JSON.parse(readFileSync(join(import.meta.dirname, "..", "fixtures", "documents", "edge-cases.json"), "utf8")) as CanonicalDocument;
    for (const doc of [edge, syntheticDocument(300, 2)]) expect(expectSplitEqualsWhole(doc)).toBeGreaterThan(0);
  }, 120_000);

  it("names a template's targets in other slices as the whole document does (LR014's roles and functions, LR022's functions)", () => {
    // Each function with its own role, so slices of 1 put every role and function apart; the
    // layer version goes in the first slice. The names come from the analysis, not from the slice.
    const fns = ["a", "b", "c"].map((n) => ({ ...fn(n, n), displayName: `module.${n}`, layers: [LAYER] }));
    const roles = ["a", "b", "c"].map((n) => ({ ...role(n), displayName: `aws_iam_role.${n}` }));
    roles[0] = { ...roles[0]!, inlinePolicies: [{ name: "p", document: policy(allow(["iam:PutRolePolicy"], [roleArn("c")]), allow(["lambda:UpdateFunctionCode"], [functionArn("b")])), source: null }] };
    // b's role holds what a's lacks: taking over b's code is a gain (a role holding nothing more is no target).
    roles[1] = { ...roles[1]!, inlinePolicies: [{ name: "q", document: policy(allow(["s3:GetObject"])), source: null }] };
    const layer = { arn: LAYER, name: "common", version: "3", accountId: ACCOUNT, region: REGION, policy: policy({ Sid: "share", Effect: "Allow", Principal: "*", Action: ["lambda:GetLayerVersion"], Resource: [LAYER] }), functions: fns.map((f) => f.arn), source: null };
    const doc = analyzeDocument({ ...documentOf({ roles, functions: fns }), layerVersions: [layer] }, loadActionCatalogSync());
    expectSplitEqualsWhole(doc);
    const messages = (evaluatePackRaw(loadBuiltinPack(), doc, undefined, 1) as Array<{ message: string }>).map((f) => f.message);
    expect(messages).toContain("Role aws_iam_role.a has 2 privilege-escalation paths: Inline policy on a role (iam:PutRolePolicy on aws_iam_role.c); Update another function's code (lambda:UpdateFunctionCode on module.b)");
    expect(messages.filter((m) => m.startsWith("Layer common version 3"))).toEqual([expect.stringMatching(/; used by 3 functions of the inputs: module\.a, module\.b, module\.c$/)]);
  });

  it("holds LR016 back in every slice when a plan's function has an execution role the inputs cannot name", () => {
    // A plan's roles and functions (no account entry: defined by the plan); c's role is known only
    // after apply and its reference could not be followed, so its ARN is a placeholder.
    const fns = [fn("a", "a"), fn("b", "b"), { ...fn("c", "c"), roleArn: `arn:aws:iam::${ACCOUNT}:role/\${aws_lambda_function.c.role}` }];
    const roles = [role("a", { functions: [functionArn("a")] }), role("b", { functions: [functionArn("b")] }), role("spare", { inline: { p: policy(allow(["s3:PutObject"], ["*"])) } })];
    const doc = analyzeDocument({ ...documentOf({ roles, functions: fns }), accounts: [] }, loadActionCatalogSync());
    expect(expectSplitEqualsWhole(doc)).toBeGreaterThan(0);
    for (const size of SIZES) {
      const lr016 = (evaluatePackRaw(loadBuiltinPack(), doc, undefined, size) as Array<{ message: string; severity: string }>).filter((f) => f.message.startsWith("Role spare trusts Lambda"));
      expect(lr016, `slices of ${size}`).toEqual([expect.objectContaining({ severity: "low", message: expect.stringContaining("the execution role of a function in them is known only after apply and may be it") })]);
    }
  });

  it.skipIf(!existsSync(CORPUS))("finds what the whole document gives on the public corpus", async () => {
    const catalog = loadActionCatalogSync();
    for (const { path } of corpusInputs()) {
      const { document } = await normalize([join(CORPUS, path)]);
      expectSplitEqualsWhole(analyzeDocument(document, catalog));
    }
  }, 300_000);

  it("finds what the whole document gives on IAM users and groups at account scope (LR014 reads them slimmed: rules-view.ts slimIdentity)", () => {
    const users = [
      user("admin", {}, ["arn:aws:iam::aws:policy/AdministratorAccess"]),
      user("keys", { p: policy(allow(["iam:CreateAccessKey"], [`arn:aws:iam::${ACCOUNT}:user/*`])) }),
      user("deployer", { p: policy(allow(["lambda:UpdateFunctionCode"], [functionArn("a*")]), allow(["iam:PassRole"], [roleArn("r*")])) }),
      { ...user("ops", { p: policy(allow(["iam:AttachGroupPolicy"])) }), type: "group" as const, arn: `arn:aws:iam::${ACCOUNT}:group/ops` },
      user("reader", { p: policy(allow(["s3:GetObject"])) }),
    ];
    const roles = ["r1", "r2", "r3"].map((n) => role(n, { inline: { p: policy(allow(["dynamodb:GetItem"])) } }));
    const functions = ["a1", "a2", "b1", "b2", "c1"].map((n, i) => fn(n, `r${(i % 3) + 1}`));
    const doc = analyzeDocument(documentOf({ roles, functions, principals: users }), loadActionCatalogSync());
    // Not vacuous: users with paths, reported at account scope.
    const scoped = sorted(evaluatePackRaw(loadBuiltinPack(), encodeDocument(doc), { scope: "account" }));
    const principalFindings = scoped.filter((f) => f.includes('"type":"principal"') && f.includes("privilege_escalation"));
    expect(principalFindings.map((f) => /user\/(\w+)|group\/(\w+)/.exec(f)?.slice(1).find(Boolean)).sort()).toEqual(["deployer", "keys"]);
    expect(expectSplitEqualsWhole(doc)).toBeGreaterThan(0);
    // The view carries no user's policies or facts.
    const view = builtinRulesView(doc) as { principals: Array<Record<string, unknown>> };
    expect(view.principals.every((p) => !("facts" in p) && !("inlinePolicies" in p) && !("attachedPolicies" in p))).toBe(true);
  }, 60_000);

  it("cuts the last two slices' worth of functions four times finer (the evaluation's end waits on them), every function once", () => {
    // Each function with its own role, so every group is one function and the cuts fall where the caps say.
    const name = (i: number): string => `f${String(i).padStart(2, "0")}`;
    const fns = Array.from({ length: 40 }, (_, i) => fn(name(i), name(i)));
    const roles = fns.map((_, i) => role(name(i)));
    const slices = sliceRulesView(builtinRulesView(documentOf({ roles, functions: fns })), 8) as Array<{ functions: Array<{ arn: string }> }>;
    // 24 functions in slices of 8 (the first also holds the entities of no group: none here), the last 16 in slices of 2.
    expect(slices.map((s) => s.functions.length)).toEqual([8, 8, 8, 2, 2, 2, 2, 2, 2, 2, 2]);
    expect(slices.flatMap((s) => s.functions.map((f) => f.arn))).toEqual(fns.map((f) => f.arn));
    // A group larger than the tail's cap is never split.
    const big = Array.from({ length: 12 }, (_, i) => fn(`g${String(i).padStart(2, "0")}`, "shared"));
    const bigSlices = sliceRulesView(builtinRulesView(documentOf({ roles: [...roles, role("shared")], functions: [...fns, ...big] })), 8) as Array<{ functions: Array<{ arn: string }> }>;
    expect(bigSlices.some((s) => s.functions.length === 12 && s.functions.every((f) => f.arn.includes(":g")))).toBe(true);
    expect(bigSlices.reduce((n, s) => n + s.functions.length, 0)).toBe(52);
  });

  it("keeps a role, its functions and their usage in one slice, and IAM users and groups in the first", () => {
    const slices = sliceRulesView(builtinRulesView(generated), 1) as Array<{
      functions: Array<{ arn: string; roleArn: string }>;
      roles: Array<{ arn: string; functions: string[] }>;
      principals?: unknown[];
      usage: { labels: Array<{ functionArn: string }> };
    }>;
    for (const s of slices) {
      const fns = new Set(s.functions.map((f) => f.arn));
      for (const r of s.roles) for (const f of r.functions) expect(fns.has(f)).toBe(true);
      for (const l of s.usage.labels) expect(fns.has(l.functionArn)).toBe(true);
    }
    expect(slices.slice(1).every((s) => s.principals === undefined || s.principals.length === 0)).toBe(true);
    expect(slices.reduce((n, s) => n + s.functions.length, 0)).toBe(generated.functions.length);
    expect(slices.reduce((n, s) => n + s.roles.length, 0)).toBe(generated.roles.length);
  });

  it("gives LR008 on a CDK handler's function its role's advice in every slice (the role is in its usage's group)", () => {
    // The generated account's roles of functions with unused actions, marked as LogRetention
    // handlers as the template reader marks the CDK's (Role.cdkHandler).
    const unused = new Set(evaluateDocument(generated, [loadBuiltinPack()]).findings.filter((f) => f.ruleId === "LR008").map((f) => (f.evidence as { roleArn: string }).roleArn));
    const marked = new Set([...unused].sort().slice(0, 25));
    expect(marked.size).toBe(25);
    const doc: CanonicalDocument = {
      ...generated,
      roles: generated.roles.map((r) => (marked.has(r.arn) ? { ...r, cdkHandler: { kind: "log-retention" as const, construct: `S/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a` } } : r)),
    };
    const pack = loadBuiltinPack();
    for (const size of SIZES) {
      const lr008 = (evaluatePackRaw(pack, doc, undefined, size) as Array<{ rule: string; message: string; evidence: { roleArn: string } }>).filter((f) => f.message.startsWith("Function ") && "unused" in f.evidence);
      const noted = lr008.filter((f) => f.message.includes(". The CDK's LogRetention handler S/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a runs only when CloudFormation creates, updates or deletes its custom resources"));
      expect(new Set(noted.map((f) => f.evidence.roleArn)), `slices of ${size}`).toEqual(marked);
      expect(lr008.filter((f) => !marked.has(f.evidence.roleArn)).every((f) => !f.message.includes("CDK"))).toBe(true);
    }
  }, 300_000);
});

describe("roles no function uses", () => {
  // LR016 needs some function of a role's account beside it; such roles are dealt out to their
  // account's groups (rules-slices.ts planSlices), and a group can hold functions of two accounts
  // (a role naming another account's function: union-find over role.functions).
  it("each sit in a slice with a function of their own account, dealt out over that account's groups", () => {
    const A = "111111111111";
    const B = "222222222222";
    const fnOf = (acct: string, name: string, role: string) => ({ arn: `arn:aws:lambda:us-east-1:${acct}:function:${name}`, accountId: acct, roleArn: `arn:aws:iam::${acct}:role/${role}` });
    // B's only function is in a group whose first function is A's.
    const functions = [fnOf(A, "c", "rc"), fnOf(A, "a", "ra"), fnOf(B, "b", "rb")];
    const roleOf = (acct: string, name: string, fns: string[] = []) => ({ arn: `arn:aws:iam::${acct}:role/${name}`, accountId: acct, functions: fns });
    const roles = [
      roleOf(A, "rc", [functions[0]!.arn]),
      // ra names b, whose role is rb (another account): ra and rb are one group, listed under A first.
      roleOf(A, "ra", [functions[1]!.arn, functions[2]!.arn]),
      roleOf(B, "rb", [functions[2]!.arn]),
      ...["o1", "o2", "o3", "o4"].map((n) => roleOf(B, n)),
      ...["p1", "p2"].map((n) => roleOf(A, n)),
    ];
    const slices = sliceRulesView({ functions, roles, principals: [] }, 1) as Array<{ functions: Array<{ accountId: string }>; roles: Array<{ arn: string; accountId: string; functions: string[] }> }>;
    const unused = new Map<string, number>();
    slices.forEach((s, i) => {
      for (const r of s.roles.filter((x) => x.functions.length === 0)) {
        expect(s.functions.some((f) => f.accountId === r.accountId), `${r.arn} beside a function of its account`).toBe(true);
        unused.set(r.arn, i);
      }
    });
    expect(unused.size).toBe(6);
    // Dealt out: A's two over both of A's groups; B's four to B's one.
    expect(new Set(["o1", "o2", "o3", "o4"].map((n) => unused.get(`arn:aws:iam::${B}:role/${n}`))).size).toBe(1);
    expect(new Set(["p1", "p2"].map((n) => unused.get(`arn:aws:iam::${A}:role/${n}`))).size).toBe(2);
  });
});
