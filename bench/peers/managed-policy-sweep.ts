/**
 * Every AWS managed policy in the shipped dataset, alone on an execution role: does a rule about
 * AWS managed policies (LR020 resource-policy-write, LR021 broad-managed-policy) report it, at
 * which severity, and with which actions (LR020) or services (LR021). A check of the rule against
 * the policies AWS writes (docs/rules/LR020-resource-policy-write.md, LR021-broad-managed-policy.md).
 * One document holds every role (one function each), evaluated once with the built-in pack.
 *
 *   npx tsx bench/peers/managed-policy-sweep.ts [--rule LR020|LR021] [--all]   (--all: every policy name, not only 15 per row)
 */
import { analyzeDocument } from "../../src/analysis/index.js";
import { evaluateDocument, loadBuiltinPack } from "../../src/evaluate/index.js";
import { loadManagedPolicyDataset } from "../../src/iam/managed-policies.js";
import { defaultFactsFunction, principalPolicies } from "../../src/normalize/index.js";
import { awsManaged, documentOf, fn, role } from "../../test/fixtures/rules/builders.js";

const all = process.argv.includes("--all");
const dataset = loadManagedPolicyDataset();
const policies = Object.values(dataset.policies).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
const managed = policies.map((p) => awsManaged(`arn:aws:iam::aws:policy${p.path}${p.name}`));
const built = documentOf({
  roles: managed.map((m, i) => role(`r${i}`, { managed: [m.arn] })),
  functions: managed.map((_, i) => fn(`f${i}`, `r${i}`)),
  policies: managed,
});
// The builders leave the IAM facts empty; the normaliser would compute them like this.
const facts = defaultFactsFunction();
const byArn = new Map(managed.map((m) => [m.arn, m]));
for (const r of built.roles) r.facts = facts.compute(principalPolicies(r, byArn));
const doc = analyzeDocument(built);
const { findings } = evaluateDocument(doc, [loadBuiltinPack()]);
const nameOf = (roleName: string): string => (policies[Number(roleName.slice(1))] as { name: string }).name;
const lr004 = new Set(findings.filter((f) => f.ruleId === "LR004").map((f) => f.resource.name));
const ruleAt = process.argv.indexOf("--rule");
const rule = ruleAt > 0 ? (process.argv[ruleAt + 1] ?? "LR020") : "LR020";
if (rule !== "LR020" && rule !== "LR021") throw new Error(`--rule LR020 or LR021 (got ${rule})`);
const reported = findings.filter((f) => f.ruleId === rule);
const bySeverity = new Map<string, string[]>();
const byAction = new Map<string, number>();
// LR020 lists each policy write it found; LR021 the services of its broad actions.
const keysOf = (evidence: Record<string, unknown>): string[] => (rule === "LR020" ? (evidence.actions as { action: string }[]).map((a) => a.action) : (evidence.services as string[]));
for (const f of reported) {
  bySeverity.set(f.severity, [...(bySeverity.get(f.severity) ?? []), nameOf(f.resource.name)]);
  for (const k of keysOf(f.evidence)) byAction.set(k, (byAction.get(k) ?? 0) + 1);
}
const list = (names: string[]): string => (all || names.length <= 15 ? names : [...names.slice(0, 15), `… ${names.length - 15} more`]).join(", ");
console.log(`${policies.length} AWS managed policies (dataset ${dataset.sourceVersion}, ${dataset.datasetDate}), each alone on an execution role`);
console.log(`LR004 (full or admin access, left to it): ${lr004.size}; ${rule}: ${reported.length}\n`);
console.log(`| ${rule} severity | policies | names |\n|---|---:|---|`);
for (const s of ["critical", "high", "medium", "low", "info"].filter((x) => bySeverity.has(x))) console.log(`| ${s} | ${(bySeverity.get(s) ?? []).length} | ${list(bySeverity.get(s) ?? [])} |`);
console.log(`\n| ${rule === "LR020" ? "action" : "service"} | policies reported with it |\n|---|---:|`);
for (const [a, n] of [...byAction].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))) console.log(`| ${a} | ${n} |`);
