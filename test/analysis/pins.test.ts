/**
 * One table (test/fixtures/pins-cases.ts) of conditions that do or do not pin the caller, checked
 * through both rules that ask: LR011 (a trust statement letting `*` assume an execution role) and
 * LR012 (a resource-policy statement letting `*` invoke a function). Both read src/analysis/pins.ts
 * through the analysis; this runs the real analysis and the compiled rule pack.
 * Needs `npm run build:policies` (as `npm test` does).
 */
import { describe, expect, it } from "vitest";
import { analyzeDocument } from "../../src/analysis/index.js";
import { evaluateDocument, loadBuiltinPack } from "../../src/evaluate/index.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import { ACCOUNT, documentOf, fn, functionArn, LAMBDA_TRUST, role } from "../fixtures/rules/builders.js";
import { PIN_CASES } from "../fixtures/pins-cases.js";

const roles = PIN_CASES.map((c, i) =>
  role(`trusting-${i}`, {
    trust: { Version: "2012-10-17", Statement: [...LAMBDA_TRUST.Statement, { Effect: "Allow", Principal: "*", Action: ["sts:AssumeRole"], Condition: c.condition }] },
  }),
);
const functions = PIN_CASES.map((c, i) =>
  fn(`invoked-${i}`, "app", {
    resourcePolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: ["lambda:InvokeFunction"], Resource: [functionArn(`invoked-${i}`)], Condition: c.condition }] },
  }),
);
const document = analyzeDocument(documentOf({ roles: [...roles, role("app")], functions }), loadActionCatalogSync());
const { findings, diagnostics } = evaluateDocument(document, [loadBuiltinPack()], { today: "2026-11-01" });

/** "lets anyone …" → public, "lets account X …" → account:X (the finding's kind, from its message). */
const kindOf = (message: string): string => (/ lets anyone /.test(message) ? "public" : `account:${/ lets account (.+?) invoke/.exec(message)?.[1] ?? "?"}`);

describe("one pinning rule for LR011 and LR012", () => {
  it("evaluates without diagnostics", () => expect(diagnostics).toEqual([]));

  PIN_CASES.forEach((c, i) => {
    it(`${c.name}: ${c.pins ? "pins" : "does not pin"}`, () => {
      // LR011: the wildcard principal is restricted exactly when the condition pins.
      const trusted = document.roles.find((r) => r.name === `trusting-${i}`)!.analysis!.trust.principals.find((p) => p.kind === "wildcard")!;
      expect(trusted.restricted).toBe(c.pins);
      const lr011 = findings.filter((f) => f.ruleId === "LR011" && f.resource.name === `trusting-${i}`).map((f) => f.severity);
      expect(lr011).toEqual([c.pins ? (c.ownAccount ? "medium" : "high") : "critical"]);
      // LR012: public when not pinned; nothing when pinned to the own account; another account's grant otherwise.
      const lr012 = findings.filter((f) => f.ruleId === "LR012" && f.resource.name === `invoked-${i}`).map((f) => [kindOf(f.message), f.severity]);
      const expected = !c.pins ? [["public", "critical"]] : c.others ? [[`account:${c.others.join(", ")}`, "medium"]] : [];
      expect(lr012).toEqual(expected);
    });
  });

  it("the function's account is the fixtures'", () => expect(functions[0]!.accountId).toBe(ACCOUNT));
});
