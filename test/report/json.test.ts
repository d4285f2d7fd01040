/**
 * The JSON report (src/report/json.ts): evidence is written with every object's keys sorted,
 * whatever order the rules produced them in (OPA's is its own), with the same content; written in
 * pieces it is byte for byte the report written at once; the findings passed in are not changed.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toJsonReport, writeJsonReport, type AuditReport } from "../../src/report/json.js";
import type { Finding } from "../../src/model/findings.js";

/** The reference: a copy with sorted keys, built the plain way. */
function sortedCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedCopy);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortedCopy((v as Record<string, unknown>)[k])]));
  return v;
}

/** Keys that are array indices ("0", "12") always come first in a JavaScript object, in numeric order: not checked. */
function keysSortedEverywhere(v: unknown): boolean {
  if (Array.isArray(v)) return v.every(keysSortedEverywhere);
  if (v !== null && typeof v === "object") {
    const keys = Object.keys(v).filter((k) => !/^(0|[1-9]\d*)$/.test(k));
    return keys.every((k, i) => i === 0 || (keys[i - 1] as string) < k) && Object.values(v).every(keysSortedEverywhere);
  }
  return true;
}

const evidence = fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 6 });

function report(evidences: Array<{ [key: string]: unknown }>): AuditReport {
  const findings: Finding[] = evidences.map((e, i) => ({
    ruleId: "LR002",
    name: "wildcard-action",
    severity: "high",
    resource: { type: "role", arn: `arn:aws:iam::123456789012:role/r${i}`, name: `r${i}` },
    message: "m",
    evidence: e,
    remediation: "r",
    fingerprint: `f${i}`,
    suppressed: null,
    location: null,
  }));
  return { schemaVersion: "1.2", tool: { name: "leastrole", version: "0", rulesVersion: "x", iamDataVersion: "y" }, summary: { functions: 0, roles: 0, findings: findings.length, suppressed: 0, bySeverity: {}, partial: false, partialReasons: [], failedPacks: [] }, findings, diagnostics: [], warnings: [] };
}

describe("the JSON report's evidence", () => {
  it("has sorted keys at every depth and the same content, and leaves the findings as they were", () => {
    fc.assert(
      fc.property(fc.array(evidence, { maxLength: 5 }), (evidences) => {
        const r = report(evidences);
        const before = JSON.stringify(r);
        const written = JSON.parse(toJsonReport(r)) as AuditReport;
        expect(JSON.stringify(r)).toBe(before);
        written.findings.forEach((f, i) => {
          expect(keysSortedEverywhere(f.evidence)).toBe(true);
          expect(JSON.stringify(f.evidence)).toBe(JSON.stringify(sortedCopy(evidences[i])));
        });
      }),
      { numRuns: 300 },
    );
  });

  it("is sorted when only a nested object is out of order, and kept when all is in order", () => {
    const r = report([{ a: [1, { z: 1, b: [{ y: 2, x: 1 }] }], b: "s" }, { a: ["x", "y"], b: { c: 1 } }]);
    const text = toJsonReport(r);
    expect(text).toContain(`"a": [\n          1,\n          {\n            "b": [\n              {\n                "x": 1,\n                "y": 2\n              }\n            ],\n            "z": 1`);
    let pieces = "";
    writeJsonReport(r, (s) => (pieces += s));
    expect(pieces).toBe(text);
    expect(text).toBe(`${JSON.stringify({ ...r, findings: r.findings.map((f) => ({ ...f, evidence: sortedCopy(f.evidence) })) }, null, 2)}\n`);
  });
});
