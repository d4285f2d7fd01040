/**
 * Every AWS managed policy in the shipped dataset, alone on an execution role (with a role of the
 * account that trusts each compute service, AdministratorAccess attached, to be passed): which
 * LR014 escalation paths it gives. A check of the catalogue's precision against the policies AWS
 * writes (docs/comparison.md, "What leastrole finds that they do not").
 *
 *   npx tsx bench/peers/managed-policy-escalation.ts [--all]     (--all: every policy name, not only the first 12 per path)
 */
import { analyzeDocument, ESCALATION_METHODS } from "../../src/analysis/index.js";
import { loadManagedPolicyDataset } from "../../src/iam/managed-policies.js";
import type { ManagedPolicy } from "../../src/model/document.js";
import { awsManaged, documentOf, fn, policy, role } from "../../test/fixtures/rules/builders.js";

const all = process.argv.includes("--all");
const dataset = loadManagedPolicyDataset();
const services = [...new Set(ESCALATION_METHODS.flatMap((m) => m.steps.map((s) => s.service).filter((s): s is string => s !== undefined)))].sort();
const trustAll = policy({ Effect: "Allow", Principal: { Service: services }, Action: ["sts:AssumeRole"] });
const byPath = new Map<string, { name: string; conditional: boolean }[]>();
let count = 0;
for (const p of Object.values(dataset.policies)) {
  const managed: ManagedPolicy = awsManaged(`arn:aws:iam::aws:policy${p.path}${p.name}`);
  const doc = documentOf({
    roles: [role("app", { managed: [managed.arn] }), role("admin", { managed: ["arn:aws:iam::aws:policy/AdministratorAccess"], trust: trustAll })],
    functions: [fn("app", "app")],
    policies: [managed, awsManaged("AdministratorAccess")],
  });
  const analysis = analyzeDocument(doc).roles.find((r) => r.name === "app")?.analysis;
  for (const path of analysis?.escalationPaths ?? []) byPath.set(path.id, [...(byPath.get(path.id) ?? []), { name: p.name, conditional: path.conditional }]);
  count++;
}
console.log(`${count} AWS managed policies (dataset ${dataset.sourceVersion}, ${dataset.datasetDate}), each alone on an execution role\n`);
console.log("| path | policies | unconditionally | policies (conditional ones marked *) |\n|---|---:|---:|---|");
for (const m of ESCALATION_METHODS) {
  const list = byPath.get(m.id) ?? [];
  const names = list.map((x) => `${x.name}${x.conditional ? "*" : ""}`);
  const shown = all || names.length <= 12 ? names : [...names.slice(0, 12), `… ${names.length - 12} more`];
  console.log(`| ${m.id} | ${list.length} | ${list.filter((x) => !x.conditional).length} | ${shown.join(", ")} |`);
}
