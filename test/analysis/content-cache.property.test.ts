/**
 * The analysis caches what depends only on a statement's actions by their content (actionKeyOf in
 * src/analysis/policies.ts: grants.ts, escalation.ts), so that roles repeating an action list with
 * their own resources share one computation. Law: the analysis is the same as when no two
 * statements share a cache entry. The oracle makes every Allow statement's action list unique by
 * adding an action of a service that does not exist, which grants nothing and matches no request,
 * so it changes no result, only the cache keys.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateAccount } from "../../bench/scale/generate.js";
import { analyzeDocument } from "../../src/analysis/index.js";
import { buildDocument } from "../../src/audit/build-document.js";
import type { CanonicalDocument, PolicyStatement } from "../../src/model/document.js";

const work = mkdtempSync(join(tmpdir(), "lr-content-cache-"));
let base: CanonicalDocument;
beforeAll(async () => {
  const { dir } = generateAccount(join(work, "a"), { functions: 24, records: 0, seed: 3 });
  base = await buildDocument([dir], { workers: 1 });
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Action lists that roles share, chosen to reach every branch the caches cover: full and service
// wildcards, write wildcards, escalation actions, actions documented on `*` (VPC), tracing, logs.
const ACTIONS: readonly string[][] = [
  ["s3:GetObject"],
  ["s3:*"],
  ["*"],
  ["s3:Put*", "s3:Get*"],
  ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"],
  ["iam:*"],
  ["iam:CreatePolicyVersion"],
  ["iam:PutRolePolicy", "iam:AttachRolePolicy"],
  ["lambda:UpdateFunctionCode"],
  ["lambda:GetFunctionConfiguration"],
  ["sqs:SendMessage", "sns:Publish"],
  ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"],
  ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
  ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
];
const RESOURCES: readonly string[][] = [["*"], ["arn:aws:s3:::bucket/*"], ["arn:aws:iam::*:role/*"], ["arn:aws:logs:*:*:*"], ["*", "arn:aws:s3:::other"]];

const statement: fc.Arbitrary<PolicyStatement> = fc
  .record({
    deny: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
    notAction: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
    actions: fc.constantFrom(...ACTIONS),
    resources: fc.constantFrom(...RESOURCES),
    notResource: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
    condition: fc.boolean(),
    sid: fc.option(fc.constantFrom("A", "B"), { nil: undefined }),
  })
  .map((s) => ({
    Effect: s.deny ? "Deny" : "Allow",
    ...(s.sid !== undefined ? { Sid: s.sid } : {}),
    ...(s.notAction ? { NotAction: [...s.actions] } : { Action: [...s.actions] }),
    ...(s.notResource ? { NotResource: [...s.resources] } : { Resource: [...s.resources] }),
    ...(s.condition ? { Condition: { StringEquals: { "aws:RequestedRegion": ["eu-west-1"] } } } : {}),
  }));

let unique = 0;
/** The same statements, each Allow action list made unique by an action no service has. */
function uncached(doc: CanonicalDocument): CanonicalDocument {
  const mark = (st: PolicyStatement): PolicyStatement => (st.Effect === "Allow" && st.Action !== undefined ? { ...st, Action: [...st.Action, `zzlrnotaservice:Call${unique++}`] } : st);
  return { ...doc, roles: doc.roles.map((r) => ({ ...r, inlinePolicies: r.inlinePolicies.map((p) => ({ ...p, document: { ...p.document, Statement: p.document.Statement.map(mark) } })) })) };
}

/** Each entity's analysis by ARN. */
function analyses(doc: CanonicalDocument): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const r of doc.roles) out.set(r.arn, r.analysis);
  for (const f of doc.functions) out.set(f.arn, f.analysis);
  for (const p of doc.principals) out.set(p.arn, p.analysis);
  return out;
}

describe("the analysis's content caches", () => {
  it("give the analysis of statements that share no cache entry", () => {
    fc.assert(
      fc.property(fc.array(fc.array(statement, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 24 }), (perRole) => {
        // Roles get statements from the same small pools: most action lists are shared between roles.
        const doc: CanonicalDocument = {
          ...base,
          roles: base.roles.map((r, i) => {
            const extra = perRole[i % perRole.length] as PolicyStatement[];
            return { ...r, inlinePolicies: [...r.inlinePolicies, { name: "extra", document: { Version: "2012-10-17", Statement: extra }, source: null }] };
          }),
        };
        const cached = analyses(analyzeDocument(doc));
        const fresh = analyses(analyzeDocument(uncached(doc)));
        expect(cached.size).toBe(fresh.size);
        for (const [arn, a] of fresh) expect(cached.get(arn), arn).toEqual(a);
      }),
      { numRuns: 25 },
    );
  });

  it("is not vacuous: the generated roles reach wildcard findings, escalation paths and unneeded capabilities", () => {
    const st = (Action: string[], Resource: string[]): PolicyStatement => ({ Effect: "Allow", Action, Resource });
    const doc: CanonicalDocument = {
      ...base,
      roles: base.roles.map((r) => ({ ...r, inlinePolicies: [...r.inlinePolicies, { name: "extra", document: { Version: "2012-10-17", Statement: [st(["s3:Put*"], ["*"]), st(["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], ["*"]), st(["xray:PutTraceSegments"], ["*"])] }, source: null }] })),
    };
    const out = analyzeDocument(doc);
    expect(out.roles.every((r) => r.analysis!.grants.some((g) => g.writeWildcards.includes("s3:Put*")))).toBe(true);
    expect(out.roles.every((r) => r.analysis!.escalationPaths.length > 0)).toBe(true);
    expect(out.functions.some((f) => f.analysis!.unneededCapabilities.length > 0)).toBe(true);
    expect(analyses(analyzeDocument(uncached(doc)))).toEqual(analyses(out));
  });
});
