/**
 * Every AWS managed policy in the shipped dataset, alone on an execution role: does LR020
 * resource-policy-write report it, at which severity, and with which actions. A check of the
 * rule against the policies AWS writes (docs/rules/LR020-resource-policy-write.md). One document
 * holds every role (one function each), evaluated once with the built-in pack.
 *
 *   npx tsx bench/peers/managed-policy-resource-exposure.ts [--all]   (--all: every policy name, not only 15 per row)
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
const lr020 = findings.filter((f) => f.ruleId === "LR020");
const bySeverity = new Map<string, string[]>();
const byAction = new Map<string, number>();
for (const f of lr020) {
  bySeverity.set(f.severity, [...(bySeverity.get(f.severity) ?? []), nameOf(f.resource.name)]);
  for (const a of f.evidence.actions as { action: string }[]) byAction.set(a.action, (byAction.get(a.action) ?? 0) + 1);
}
const list = (names: string[]): string => (all || names.length <= 15 ? names : [...names.slice(0, 15), `… ${names.length - 15} more`]).join(", ");
console.log(`${policies.length} AWS managed policies (dataset ${dataset.sourceVersion}, ${dataset.datasetDate}), each alone on an execution role`);
console.log(`LR004 (full or admin access, left to it): ${lr004.size}; LR020: ${lr020.length}\n`);
console.log("| LR020 severity | policies | names |\n|---|---:|---|");
for (const s of ["critical", "high", "medium", "low", "info"].filter((x) => bySeverity.has(x))) console.log(`| ${s} | ${(bySeverity.get(s) ?? []).length} | ${list(bySeverity.get(s) ?? [])} |`);
console.log("\n| action | policies reported with it |\n|---|---:|");
for (const [a, n] of [...byAction].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))) console.log(`| ${a} | ${n} |`);
