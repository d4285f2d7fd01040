/**
 * A prefix pattern made of dated names (S3 keys under `2026/10/…`, monthly tables) ends in the
 * window's date: names of a later month or year fall outside it. generate says so, naming the
 * part before the date to keep with a kept exception.
 */
import { describe, expect, it } from "vitest";
import { datedPrefix } from "../../src/generate/dated-prefixes.js";
import { generatePolicy } from "../../src/generate/index.js";
import { evaluateRequest, loadActionCatalogSync } from "../../src/iam/index.js";
import type { PolicyDocument } from "../../src/model/document.js";
import { ACCOUNT, REGION, action, document, lambdaFunction, role, roleArn, session } from "./fixtures.js";

const catalog = loadActionCatalogSync();
const O = (key: string) => `arn:aws:s3:::shop-ingest/${key}`;
const T = (name: string) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;

function allowed(policy: PolicyDocument, a: string, resource: string): boolean {
  return evaluateRequest({ identityPolicies: [policy], request: { action: a, resource } }).decision === "allowed";
}

describe("prefix patterns that end in a date", () => {
  it("finds the date at the end of the pattern, leftmost year first, after the parent", () => {
    expect(datedPrefix(O("incoming/2026/1*"))).toEqual({ date: "2026/1", before: O("incoming/*") });
    expect(datedPrefix(O("exports/2026/2026-1*"))).toEqual({ date: "2026/2026-1", before: O("exports/*") });
    expect(datedPrefix(T("billing-2026-*"))).toEqual({ date: "2026-", before: T("billing-*") });
    expect(datedPrefix(O("logs/20261125*"))).toEqual({ date: "20261125", before: O("logs/*") });
    // Not a date, or not at the end: a name's own digits, the account ID, the bucket.
    expect(datedPrefix(T("catalog-*"))).toBeNull();
    expect(datedPrefix(O("v2/report-*"))).toBeNull();
    expect(datedPrefix(O("2026/archive/a*"))).toBeNull();
    // Buckets named by date are dated too (s3:ListBucket over logs-2026-10, logs-2026-11 …).
    expect(datedPrefix("arn:aws:s3:::logs-2026-1*")).toEqual({ date: "2026-1", before: "arn:aws:s3:::logs-*" });
  });

  const r = roleArn("ingest-role");
  const fn = lambdaFunction("ingest-writer", r);
  const today: { name: string; document: PolicyDocument } = { name: "crud", document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:PutObject"], Resource: [O("*")] }] } };
  // A month of dated keys: incoming/2026/10/… and incoming/2026/11/…
  const keys = ["incoming/2026/10/30/a.json", "incoming/2026/10/31/b.json", "incoming/2026/11/01/c.json", "incoming/2026/11/02/d.json"].map(O);
  const doc = document([fn], [role(r, [fn.arn], [today])], [session(fn, [action("s3:PutObject", 40, keys)])], { dataEvents: "logged" });

  it("warns that the observed pattern refuses the next year's keys, and names the part before the date", () => {
    const g = generatePolicy(doc, fn.arn, {}, catalog);
    expect(allowed(g.policy, "s3:PutObject", O("incoming/2026/11/03/e.json"))).toBe(true);
    // The function's first call of January is refused: what the warning is about.
    expect(allowed(g.policy, "s3:PutObject", O("incoming/2027/01/01/f.json"))).toBe(false);
    // Before: no warning; the policy broke on 1 January with nothing said.
    expect(g.warnings.filter((w) => w.code === "prefix-ends-in-a-date").map((w) => w.message)).toEqual([
      `s3:PutObject on ${O("incoming/2026/1*")}: the names observed share a date (2026/1), so names of a later date (the next month or year) fall outside the pattern and their calls will be refused. If the names are dated, keep the action on the part before the date (${O("incoming/*")}) with a kept exception.`,
    ]);
  });

  it("is gone once a kept exception on the part before the date covers the pattern", () => {
    const g = generatePolicy(doc, fn.arn, { exceptions: [{ function: "ingest-writer", actions: ["s3:PutObject"], resources: [O("incoming/*")], reason: "keys are dated" }] }, catalog);
    expect(allowed(g.policy, "s3:PutObject", O("incoming/2027/01/01/f.json"))).toBe(true);
    expect(g.warnings.map((w) => w.code)).not.toContain("prefix-ends-in-a-date");
  });

  it("says nothing of a prefix that is not a date", () => {
    const t = ["catalog-eu", "catalog-us", "catalog-ap"].map(T);
    const d = document([fn], [role(r, [fn.arn])], [session(fn, [action("dynamodb:Query", 9, t)])], { dataEvents: "logged" });
    const g = generatePolicy(d, fn.arn, {}, catalog);
    expect(g.policy.Statement.flatMap((s) => s.Resource)).toContain(T("catalog-*"));
    expect(g.warnings.map((w) => w.code)).not.toContain("prefix-ends-in-a-date");
  });
});
