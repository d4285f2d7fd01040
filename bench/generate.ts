/**
 * Policy generation benchmark: every function of a synthetic account (one role per function, one
 * in five roles shared by 2–5 functions; 8 observed actions per function with up to 40 resources,
 * some samples truncated; VPC, tracing and an SQS trigger on some), generated with the
 * role-per-function split, rendered to Terraform, and diffed against a broad policy today
 * (`dynamodb:*`, `s3:*` on `*`). Reference in the same run: JSON.stringify + JSON.parse of the
 * document (the cost of just reading the input).
 *
 *   npx tsx bench/generate.ts [functions…]     (default 1000 5000)
 */
import { diffPolicies, runGenerate } from "../src/generate/index.js";
import { loadActionCatalogSync } from "../src/iam/index.js";
import type { CanonicalDocument, LambdaFunction, Role } from "../src/model/document.js";
import { SCHEMA_VERSION } from "../src/model/document.js";
import type { ActionUsage, PrincipalUsage } from "../src/model/usage.js";
import { emptyUsage } from "../src/model/usage.js";
import { emptyRoleFacts } from "../src/iam/index.js";

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ACCOUNT = "123456789012";
const TEMPLATES: [string, (r: () => number, i: number) => string][] = [
  ["dynamodb:GetItem", (r) => `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders-${Math.floor(r() * 50)}`],
  ["dynamodb:PutItem", (r) => `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders-${Math.floor(r() * 50)}`],
  ["dynamodb:Query", (r) => `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/users/index/i${Math.floor(r() * 3)}`],
  ["s3:GetObject", (r, i) => `arn:aws:s3:::bucket-${i % 40}/in/${Math.floor(r() * 1e6)}.json`],
  ["s3:PutObject", (r, i) => `arn:aws:s3:::bucket-${i % 40}/out/${Math.floor(r() * 1e6)}.json`],
  ["sqs:SendMessage", (r) => `arn:aws:sqs:us-east-1:${ACCOUNT}:q-${Math.floor(r() * 20)}`],
  ["ssm:GetParameter", (r) => `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/app/${Math.floor(r() * 30)}`],
  ["kms:Decrypt", (r) => `arn:aws:kms:us-east-1:${ACCOUNT}:key/k${Math.floor(r() * 5)}`],
  ["sts:GetCallerIdentity", () => ""],
  ["xray:PutTraceSegments", () => ""],
];

function syntheticAccount(n: number, seed = 7): CanonicalDocument {
  const r = rng(seed);
  const functions: LambdaFunction[] = [];
  const roles: Role[] = [];
  const usage = emptyUsage();
  usage.present = true;
  usage.window = { start: "2026-10-01T00:00:00Z", end: "2026-10-31T00:00:00Z", days: 30 };
  usage.coverage.dataEvents = "present";
  const today = { Version: "2012-10-17", Statement: [{ Effect: "Allow" as const, Action: ["dynamodb:*", "s3:*"], Resource: ["*"] }] };
  let i = 0;
  while (functions.length < n) {
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/service-role/r${i}`;
    const members = r() < 0.2 ? 2 + Math.floor(r() * 4) : 1;
    const arns: string[] = [];
    for (let k = 0; k < members && functions.length < n; k++) {
      const name = `fn-${functions.length}`;
      const arn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;
      arns.push(arn);
      functions.push({
        arn, name, accountId: ACCOUNT, region: "us-east-1", runtime: "nodejs20.x", packageType: "Zip", roleArn, versions: [], aliases: [],
        lastModified: null, vpc: r() < 0.3 ? { vpcId: "vpc-1", subnetIds: ["subnet-1"], securityGroupIds: ["sg-1"] } : null,
        tracingMode: r() < 0.3 ? "Active" : "PassThrough", environmentVariableNames: [], kmsKeyArn: null, deadLetterTargetArn: null,
        destinations: { onSuccess: null, onFailure: null }, logGroup: `/aws/lambda/${name}`, logFormat: "Text", layers: [], fileSystems: [],
        triggers: r() < 0.3 ? [{ uuid: `u${functions.length}`, kind: "sqs", eventSourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:in-${functions.length}`, state: "Enabled", onFailureDestination: null, secretArns: [], kmsKeyArn: null }] : [],
        resourcePolicy: null, functionUrls: [], tags: {}, source: null,
      });
      const actions: ActionUsage[] = [];
      for (const [action, make] of TEMPLATES.filter(() => r() < 0.8)) {
        const all = [...new Set(Array.from({ length: 1 + Math.floor(r() * 40) }, () => make(r, functions.length)).filter((x) => x !== ""))].sort();
        const truncated = all.length > 20;
        actions.push({
          action, count: 1 + Math.floor(r() * 5000), deniedCount: 0, firstSeen: "2026-10-01T00:00:00Z", lastSeen: "2026-10-30T00:00:00Z",
          resources: truncated ? all.slice(0, 20) : all, resourcesTruncated: truncated,
          resourcePrefix: all.length > 1 ? `${commonPrefix(all)}*` : null, errorCodes: {},
        });
      }
      const p: PrincipalUsage = {
        accountId: ACCOUNT, roleArn, functionName: name, functionArn: arn, sessionKind: "function", sessionName: name, invokedBy: null,
        regions: ["us-east-1"], actions, unmapped: {}, firstSeen: "2026-10-01T00:00:00Z", lastSeen: "2026-10-30T00:00:00Z",
      };
      usage.principals.push(p);
    }
    roles.push({
      arn: roleArn, name: `r${i}`, path: "/service-role/", roleId: null, accountId: ACCOUNT, createDate: null, trustPolicy: null,
      inlinePolicies: [{ name: "broad", document: today, source: null }], attachedPolicies: [], permissionsBoundaryArn: null, lastUsed: null,
      tags: {}, trustsLambda: true, functions: arns.sort(), source: null, facts: emptyRoleFacts(),
    });
    i++;
  }
  return {
    schemaVersion: SCHEMA_VERSION,
    meta: { generator: { name: "bench", version: "0" }, iamDataVersion: "bench", managedPolicyDataDate: "bench", asOf: null, sources: [], warnings: [], partial: false },
    accounts: [], functions: functions.sort((a, b) => (a.arn < b.arn ? -1 : 1)), roles: roles.sort((a, b) => (a.arn < b.arn ? -1 : 1)), principals: [], policies: {}, usage,
  };
}

function commonPrefix(xs: string[]): string {
  let p = xs[0] ?? "";
  for (const x of xs) {
    let k = 0;
    while (k < p.length && k < x.length && p[k] === x[k]) k++;
    p = p.slice(0, k);
  }
  return p;
}

/** Wall and CPU (user+system) time: the machine is shared, CPU time is the steadier figure. */
function time<T>(f: () => T): { ms: number; cpu: number; value: T } {
  const t = performance.now();
  const c = process.cpuUsage();
  const value = f();
  const d = process.cpuUsage(c);
  return { ms: performance.now() - t, cpu: (d.user + d.system) / 1000, value };
}

const fmt = (x: { ms: number; cpu: number }): string => `${x.ms.toFixed(0)} (${x.cpu.toFixed(0)})`;

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const catalog = loadActionCatalogSync();
console.log(`node ${process.version}; catalog ${catalog.iamDataVersion()}`);
console.log("Times: wall ms (CPU ms).");
console.log("| functions | document MB | reference: stringify+parse | generate (split) + JSON | generate + Terraform | diff (all targets) | statements | peak RSS MiB |");
console.log("|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const n of sizes.length > 0 ? sizes : [1000, 5000]) {
  const doc = syntheticAccount(n);
  const ref = time(() => JSON.parse(JSON.stringify(doc)) as CanonicalDocument);
  const mb = JSON.stringify(doc).length / 1e6;
  const gen = time(() => runGenerate(doc, { split: true, format: "json" }, catalog));
  const tf = time(() => runGenerate(doc, { split: true, format: "terraform" }, catalog));
  const diff = time(() => gen.value.targets.map((t) => diffPolicies(doc, t.currentRoleArn, t.build, t.subject, catalog)));
  const statements = gen.value.targets.reduce((s, t) => s + t.build.statements.length, 0);
  const rss = process.resourceUsage().maxRSS / 1024;
  console.log(`| ${n.toLocaleString("en-US")} | ${mb.toFixed(1)} | ${fmt(ref)} | ${fmt(gen)} | ${fmt(tf)} | ${fmt(diff)} | ${statements.toLocaleString("en-US")} | ${rss.toFixed(0)} |`);
}
