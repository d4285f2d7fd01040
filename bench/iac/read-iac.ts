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
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { parse as parseYaml } from "yaml";
import { readCloudFormationTemplate } from "../../src/sources/cloudformation/index.js";
import { readTerraformPlan } from "../../src/sources/terraform/index.js";

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

function buildPlan(n: number): string {
  const base = JSON.parse(readFileSync("test/iac/fixtures/terraform/fanout.plan.json", "utf8"));
  const key = 'module.svc["billing"]';
  const changes = base.resource_changes.filter((r: { address: string }) => r.address.startsWith(key));
  const planned = base.planned_values.root_module.child_modules.find((m: { address: string }) => m.address === key);
  const out = { ...base, resource_changes: [] as unknown[], planned_values: { root_module: { resources: [], child_modules: [] as unknown[] } } };
  for (let i = 0; i < n; i++) {
    const k = `module.svc["s${i}"]`;
    const rename = (s: string) => s.replaceAll(key, k).replaceAll("svc-billing", `svc-s${i}`).replaceAll('\\"billing\\"', `\\"s${i}\\"`);
    for (const c of changes) out.resource_changes.push(JSON.parse(rename(JSON.stringify(c))));
    out.planned_values.root_module.child_modules.push(JSON.parse(rename(JSON.stringify(planned))));
  }
  return JSON.stringify(out);
}

function buildTemplate(n: number): string {
  const lines = ["Transform: AWS::Serverless-2016-10-31", "Globals:", "  Function:", "    Runtime: python3.12", "    Tracing: Active", "Resources:"];
  for (let i = 0; i < n; i++) {
    lines.push(
      `  Table${i}:`, "    Type: AWS::DynamoDB::Table", "    Properties:", `      TableName: table-${i}`,
      `  Queue${i}:`, "    Type: AWS::SQS::Queue",
      `  Fn${i}:`, "    Type: AWS::Serverless::Function", "    Properties:", "      Handler: app.handler",
      "      Environment:", "        Variables:", `          TABLE: !Ref Table${i}`,
      "      Policies:", `        - DynamoDBCrudPolicy: {TableName: !Ref Table${i}}`, "        - SQSPollerPolicy:", `            QueueName: !GetAtt Queue${i}.QueueName`,
      "        - Statement:", "            - Effect: Allow", "              Action: [s3:GetObject]", `              Resource: !Sub "arn:\${AWS::Partition}:s3:::bucket-${i}/*"`,
      "      Events:", "        Jobs:", "          Type: SQS", "          Properties:", `            Queue: !GetAtt Queue${i}.Arn`,
      "      FunctionUrlConfig:", "        AuthType: AWS_IAM",
    );
  }
  return lines.join("\n") + "\n";
}

const planText = buildPlan(N);
const tf = time(() => readTerraformPlan(planText, "bench.plan.json"));
const tfRef = time(() => JSON.parse(planText));
const samFns = Math.max(1, Math.round(N / 4));
const samText = buildTemplate(samFns);
const cfn = time(() => readCloudFormationTemplate(samText, "bench.yaml"));
const cfnRef = time(() => parseYaml(samText, { logLevel: "error" }));

const mb = (s: string) => (Buffer.byteLength(s) / 1e6).toFixed(1);
console.log(`machine: ${cpus()[0]?.model ?? "?"} x${cpus().length}, node ${process.version}`);
console.log(`terraform plan: ${N} functions, ${mb(planText)} MB -> readTerraformPlan ${tf.ms.toFixed(0)} ms (${tf.result.functions.length} functions, ${tf.result.roles.length} roles); JSON.parse alone ${tfRef.ms.toFixed(0)} ms`);
console.log(`SAM template: ${samFns} functions, ${mb(samText)} MB -> readCloudFormationTemplate ${cfn.ms.toFixed(0)} ms (${cfn.result.functions.length} functions, ${cfn.result.roles.length} roles); yaml.parse alone ${cfnRef.ms.toFixed(0)} ms`);
console.log(`peak RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
