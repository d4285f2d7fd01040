/**
 * analyzeDocument (src/analysis/) on synthetic accounts, and the rule pack evaluated on its output.
 * Reference measured in the same run: the configuration-readers question (LR013) answered naively —
 * one evaluateRequest per (principal, action, function) on the principals' full policies — against
 * the indexed answer inside analyzeDocument, on the same document.
 *
 *   npm run build:policies && npx tsx bench/analysis/analyze.ts [--sizes 1000,10000] [--users 300]
 *
 * Document: syntheticDocument(N) (seeded; roles shared by 1–5 functions), plus per role the real
 * AWSLambdaBasicExecutionRole and an inline policy (scoped DynamoDB/S3/SQS grants; one role in ten
 * with a wildcard statement, one in twenty with iam:PassRole + lambda:*), and `--users` IAM users,
 * a third of them able to read Lambda configurations (on `*`, on a prefix, or conditionally).
 */
import { cpus, totalmem } from "node:os";
import { analyzeDocument } from "../../src/analysis/index.js";
import { evaluateDocument, loadBuiltinPack } from "../../src/evaluate/index.js";
import { evaluateRequest, loadActionCatalogSync, lookupAwsManagedPolicyDocument, type NamedPolicy } from "../../src/iam/index.js";
import type { CanonicalDocument, PolicyDocument, Principal } from "../../src/model/document.js";
import { rng, syntheticDocument } from "../../test/support/synthetic-document.js";

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? def : process.argv[i + 1]!;
};
const sizes = arg("sizes", "1000,10000").split(",").map(Number);
const userCount = Number(arg("users", "300"));
const BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

export function build(n: number): CanonicalDocument {
  const doc = syntheticDocument(n, 7);
  const rand = rng(99);
  const basic = lookupAwsManagedPolicyDocument(BASIC)!;
  doc.policies[BASIC] = { arn: BASIC, name: "AWSLambdaBasicExecutionRole", path: "/service-role/", awsManaged: true, defaultVersionId: "v1", document: basic, resolution: "aws-managed-data", otherVersions: [], attachmentCount: null, source: null };
  doc.roles.forEach((r, i) => {
    const st: PolicyDocument["Statement"] = [
      { Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], Resource: [`arn:aws:dynamodb:us-east-1:123456789012:table/${r.name}-*`] },
      { Effect: "Allow", Action: ["s3:GetObject"], Resource: [`arn:aws:s3:::bucket-${i % 50}/*`] },
      { Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [`arn:aws:sqs:us-east-1:123456789012:q-${i % 30}`] },
    ];
    if (rand() < 0.1) st.push({ Effect: "Allow", Action: ["s3:*", "dynamodb:*"], Resource: ["*"] });
    if (rand() < 0.05) st.push({ Effect: "Allow", Action: ["iam:PassRole", "lambda:*"], Resource: ["*"] });
    r.inlinePolicies = [{ name: "app", document: { Version: "2012-10-17", Statement: st }, source: null }];
  });
  const users: Principal[] = [];
  for (let u = 0; u < userCount; u++) {
    const kind = u % 9;
    const st: PolicyDocument["Statement"] = [{ Effect: "Allow", Action: ["s3:ListAllMyBuckets"], Resource: ["*"] }];
    if (kind === 0) st.push({ Effect: "Allow", Action: ["lambda:Get*", "lambda:List*"], Resource: ["*"] });
    if (kind === 1) st.push({ Effect: "Allow", Action: ["lambda:GetFunctionConfiguration"], Resource: ["arn:aws:lambda:*:123456789012:function:orders-*"] });
    if (kind === 2) st.push({ Effect: "Allow", Action: ["lambda:*"], Resource: ["*"], Condition: { StringEquals: { "aws:RequestedRegion": ["eu-west-1"] } } });
    users.push({ arn: `arn:aws:iam::123456789012:user/u${String(u).padStart(4, "0")}`, type: "user", name: `u${u}`, accountId: "123456789012", inlinePolicies: [{ name: "p", document: { Version: "2012-10-17", Statement: st }, source: null }], attachedPolicies: [], groups: [], permissionsBoundaryArn: null, tags: {}, source: null, facts: doc.roles[0]!.facts });
  }
  doc.principals = users;
  return doc;
}

/** Reference: LR013 answered pair by pair on full policies (what a straightforward implementation does). */
function naiveReaders(doc: CanonicalDocument): number {
  const policiesOf = (p: { inlinePolicies: { name: string; document: PolicyDocument }[]; attachedPolicies: { arn: string }[] }): NamedPolicy[] => [
    ...p.inlinePolicies.map((x) => ({ id: `inline:${x.name}`, document: x.document })),
    ...p.attachedPolicies.flatMap((a) => (doc.policies[a.arn]?.document ? [{ id: a.arn, document: doc.policies[a.arn]!.document! }] : [])),
  ];
  const principals = [...doc.roles, ...doc.principals].map((p) => ({ arn: p.arn, policies: policiesOf(p) }));
  let readers = 0;
  for (const fn of doc.functions) {
    if (fn.environmentVariableNames.length === 0) continue;
    for (const p of principals) {
      if (p.arn === fn.roleArn) continue;
      const ok = ["lambda:GetFunction", "lambda:GetFunctionConfiguration"].some((action) => {
        const d = evaluateRequest({ identityPolicies: p.policies, request: { action, resource: fn.arn, principalArn: p.arn, context: { "aws:PrincipalArn": p.arn, "aws:PrincipalAccount": "123456789012" } } }).decision;
        return d === "allowed" || d === "conditional";
      });
      if (ok) readers++;
    }
  }
  return readers;
}

export const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const catalog = loadActionCatalogSync();
if (process.argv[1]?.endsWith("analyze.ts")) main();
function main(): void {
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`);
console.log("| functions | roles | users | analyzeDocument | pack evaluation (wasm) | findings | LR013 readers (indexed, in analyze) | LR013 naive reference |");
console.log("|---|---|---|---|---|---|---|---|");
for (const n of sizes) {
  const doc = build(n);
  let t0 = process.hrtime.bigint();
  const analyzed = analyzeDocument(doc, catalog);
  const tAnalyze = ms(t0);
  t0 = process.hrtime.bigint();
  const result = evaluateDocument(analyzed, [loadBuiltinPack()]);
  const tEval = ms(t0);
  const indexed = analyzed.functions.reduce((s, f) => s + (f.analysis?.readerCount ?? 0), 0);
  let naive = "skipped (> 2,000 functions)";
  if (n <= 2000) {
    t0 = process.hrtime.bigint();
    const count = naiveReaders(doc);
    naive = `${ms(t0).toFixed(0)} ms (${count} reader pairs)`;
  }
  console.log(`| ${n} | ${doc.roles.length} | ${doc.principals.length} | ${tAnalyze.toFixed(0)} ms | ${tEval.toFixed(0)} ms | ${result.findings.length} | ${indexed} reader pairs | ${naive} |`);
}
}
