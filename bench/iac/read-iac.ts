/**
 * IaC reader benchmark: a Terraform plan and a SAM template with many functions, each read end to
 * end (decode, parse with line tracking, resolve references / expand SAM, parse every policy),
 * beside the bare parse of the same text (JSON.parse, yaml.parse) as the reference.
 *
 *   npx tsx bench/iac/read-iac.ts [functions=2000]
 *
 * The plan is built from the generated fixture test/iac/fixtures/terraform/fanout.plan.json: its
 * module instance (role + inline policy + function) is replicated N times with new keys, so the
 * shape is Terraform's own. The template repeats a SAM function with a policy template, an inline
 * statement, an SQS event and a Function URL.
 */
import { cpus } from "node:os";
import { parse as parseYaml } from "yaml";
import { readCloudFormationTemplate } from "../../src/sources/cloudformation/index.js";
import { readTerraformPlan } from "../../src/sources/terraform/index.js";
import { buildPlan, buildPlanUnknownPolicies, buildTemplate, configFiles, configFilesWithTemplate } from "./synthetic.js";

const N = Number(process.argv[2] ?? 2000);

function time<T>(fn: () => T, runs = 3): { ms: number; result: T } {
  let best = Infinity;
  let result!: T;
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    result = fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { ms: best, result };
}

const planText = buildPlan(N);
const tf = time(() => readTerraformPlan(planText, "bench.plan.json"));
const tfRef = time(() => JSON.parse(planText));
// Policies known only after apply: read from the .tf expressions (HCL parsed, evaluated per
// module instance) against the same plan without the configuration (each policy left unread).
const unknownText = buildPlanUnknownPolicies(N);
const files = configFiles();
const tfConfig = time(() => readTerraformPlan(unknownText, "bench.plan.json", { configFiles: files }));
const tfNoConfig = time(() => readTerraformPlan(unknownText, "bench.plan.json"));
const readFromConfig = tfConfig.result.warnings.filter((w) => w.code === "terraform-policy-from-config").length;
// The same policies written as a template file (templatefile + %{ for }): rendered per instance.
const withTemplate = configFilesWithTemplate();
const tfTemplate = time(() => readTerraformPlan(unknownText, "bench.plan.json", { configFiles: withTemplate }));
const readFromTemplate = tfTemplate.result.warnings.filter((w) => w.code === "terraform-policy-from-config").length;
const samePolicies = JSON.stringify(tfTemplate.result.roles.map((r) => r.inlinePolicies.map((p) => p.document))) === JSON.stringify(tfConfig.result.roles.map((r) => r.inlinePolicies.map((p) => p.document)));
if (!samePolicies) throw new Error("the template file gives other policies than the jsonencode it replaces");
const samFns = Math.max(1, Math.round(N / 4));
const samText = buildTemplate(samFns);
const cfn = time(() => readCloudFormationTemplate(samText, "bench.yaml"));
const cfnRef = time(() => parseYaml(samText, { logLevel: "error" }));

const mb = (s: string) => (Buffer.byteLength(s) / 1e6).toFixed(1);
console.log(`machine: ${cpus()[0]?.model ?? "?"} x${cpus().length}, node ${process.version}`);
console.log(`terraform plan: ${N} functions, ${mb(planText)} MB -> readTerraformPlan ${tf.ms.toFixed(0)} ms (${tf.result.functions.length} functions, ${tf.result.roles.length} roles); JSON.parse alone ${tfRef.ms.toFixed(0)} ms`);
console.log(`terraform plan, policies known only after apply: ${N} functions, ${mb(unknownText)} MB -> with the .tf configuration ${tfConfig.ms.toFixed(0)} ms (${readFromConfig} policies read from it); without ${tfNoConfig.ms.toFixed(0)} ms (${tfNoConfig.result.warnings.filter((w) => w.code === "terraform-unknown-policy").length} left unread)`);
console.log(`  the same policies from a template file (templatefile with a %{ for }): ${tfTemplate.ms.toFixed(0)} ms (${readFromTemplate} rendered, the same documents as from jsonencode)`);
console.log(`SAM template: ${samFns} functions, ${mb(samText)} MB -> readCloudFormationTemplate ${cfn.ms.toFixed(0)} ms (${cfn.result.functions.length} functions, ${cfn.result.roles.length} roles); yaml.parse alone ${cfnRef.ms.toFixed(0)} ms`);
console.log(`peak RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
