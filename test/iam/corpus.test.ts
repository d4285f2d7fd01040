/**
 * Every policy document in the real public corpus (/work/shared/corpus: IAM authorization-details
 * exports, CloudMapper account data, SAM translator outputs, Terraform plans) goes through the
 * parser. The only rejections allowed are CloudFormation intrinsics (`{"Fn::Sub": …}`), which the
 * IaC readers resolve before parsing; everything else must parse, and facts must be computable.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { computePrincipalFacts, loadActionCatalog, tryParsePolicyDocument, type ActionCatalog } from "../../src/iam/index.js";

const CORPUS = "/work/shared/corpus";
const POLICY_KEYS = /^(PolicyDocument|AssumeRolePolicyDocument|Document|policy|assume_role_policy|Policy)$/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return /CloudTrail|stratus/.test(p) ? [] : files(p);
    return p.endsWith(".json") ? [p] : [];
  });
}

function looksLikePolicy(v: unknown): boolean {
  if (typeof v === "string") return /^\s*(\{|%7B)/i.test(v) && /Statement/.test(decodeURIComponentSafe(v));
  return typeof v === "object" && v !== null && !Array.isArray(v) && "Statement" in v;
}
function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
const hasIntrinsic = (v: unknown): boolean => JSON.stringify(v ?? null).includes('"Fn::') || JSON.stringify(v ?? null).includes('"Ref"');

let catalog: ActionCatalog;
beforeAll(async () => {
  catalog = await loadActionCatalog();
});

describe.skipIf(!existsSync(CORPUS))("public corpus", () => {
  it("parses every policy document (intrinsics excepted) and computes facts for each", () => {
    let parsed = 0;
    const unexpected: string[] = [];
    const walk = (v: unknown, path: string, file: string): void => {
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`, file));
      else if (v !== null && typeof v === "object") {
        for (const [k, x] of Object.entries(v)) {
          const at = path === "" ? k : `${path}.${k}`;
          if (POLICY_KEYS.test(k) && looksLikePolicy(x)) {
            const r = tryParsePolicyDocument(x, { file, path: at });
            if (r.document) {
              parsed++;
              const facts = computePrincipalFacts({ inlinePolicies: [{ name: at, document: r.document }], managedPolicies: [] }, catalog);
              expect(facts.statements.length).toBe(r.document.Statement.length);
            } else if (!hasIntrinsic(x)) unexpected.push(String(r.error));
          } else walk(x, at, file);
        }
      }
    };
    for (const file of files(CORPUS)) {
      let data: unknown;
      try {
        data = JSON.parse(readFileSync(file, "utf8"));
      } catch {
        continue; // not JSON (or JSON lines): not this test's business
      }
      walk(data, "", file);
    }
    expect(unexpected).toEqual([]);
    console.log(`corpus: ${parsed} policy documents parsed`);
    expect(parsed).toBeGreaterThan(60);
  });
});
