/**
 * Law of the scope suggestions (LR017): replacing a granted pattern by its suggestions keeps every
 * resource the functions used under it allowed — the resources beyond a truncated usage sample
 * included, which the sample does not list (only each parent's prefix says where they are).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzeDocument } from "../../src/analysis/index.js";
import { arnMatches, loadActionCatalogSync } from "../../src/iam/index.js";
import { emptyUsage, type ActionUsage } from "../../src/model/usage.js";
import { parentList, parentsOf } from "../../src/usage/parents.js";
import { ACCOUNT, allow, documentOf, fn, functionArn, policy, role, roleArn } from "../fixtures/rules/builders.js";

const catalog = loadActionCatalogSync();
const name = fc.tuple(fc.constantFrom("orders", "orders-eu", "payments", "o", "audit-2026"), fc.constantFrom("", "-1", "-2", "-x")).map(([a, b]) => `${a}${b}`);
const used = fc.oneof(
  name.map((n) => ({ action: "dynamodb:GetItem", arn: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${n}` })),
  name.map((n) => ({ action: "dynamodb:GetItem", arn: `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/${n}` })),
  fc.tuple(fc.constantFrom("b1", "b2", "reports"), name).map(([b, n]) => ({ action: "s3:GetObject", arn: `arn:aws:s3:::${b}/in/${n}.json` })),
);
const granted = fc.constantFrom("*", `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/*`, `arn:aws:dynamodb:*:${ACCOUNT}:table/*`, "arn:aws:s3:::*", "arn:aws:s3:::b1/*", "arn:aws:s3:::*/in/*");

/** As the usage stage writes a sample: the `cap` smallest, the prefix of all, each parent's when truncated. */
function usageOf(action: string, all: string[], cap: number): ActionUsage {
  const sorted = [...new Set(all)].sort();
  const truncated = sorted.length > cap;
  let prefix = sorted[0] as string;
  for (const r of sorted) while (!r.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const u: ActionUsage = {
    action, count: sorted.length, deniedCount: 0, firstSeen: "2026-10-01T00:00:00Z", lastSeen: "2026-10-30T00:00:00Z",
    resources: sorted.slice(0, cap), resourcesTruncated: truncated, resourcePrefix: sorted.length > 1 ? `${prefix}*` : null, errorCodes: {},
  };
  const parents = truncated ? parentList(parentsOf(sorted)) : undefined;
  if (parents !== undefined) u.resourceParents = parents;
  return u;
}

describe("scope suggestions", () => {
  it("cover every resource used under the grant they narrow, beyond a truncated sample too", () => {
    fc.assert(
      fc.property(fc.array(used, { minLength: 1, maxLength: 40 }), granted, fc.integer({ min: 1, max: 6 }), fc.boolean(), (calls, grant, cap, withParents) => {
        const doc = documentOf({ roles: [role("r", { inline: { data: policy(allow(["dynamodb:GetItem", "s3:GetObject"], [grant])) } })], functions: [fn("api", "r")] });
        const usage = emptyUsage();
        usage.present = true;
        const actions = [...new Set(calls.map((c) => c.action))].sort().map((a) => {
          const u = usageOf(a, calls.filter((c) => c.action === a).map((c) => c.arn), cap);
          // An older document, or more than 32 parents: only the one prefix.
          if (!withParents) delete u.resourceParents;
          return u;
        });
        usage.principals.push({
          accountId: ACCOUNT, roleArn: roleArn("r"), functionName: "api", functionArn: functionArn("api"), sessionKind: "function", sessionName: "api", invokedBy: null, regions: ["us-east-1"],
          actions, unmapped: {}, firstSeen: "2026-10-01T00:00:00Z", lastSeen: "2026-10-30T00:00:00Z",
        });
        doc.usage = usage;
        const suggestions = analyzeDocument(doc, catalog).roles[0]?.analysis?.scopeSuggestions ?? [];
        if (suggestions.length === 0) return;
        for (const c of calls) {
          if (!arnMatches(grant, c.arn, {})) continue;
          expect(suggestions.some((s) => arnMatches(s.suggested, c.arn, {})), `${c.arn} escapes ${suggestions.map((s) => s.suggested).join(", ")}`).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });
});
