/**
 * Synthetic IaC inputs for the benchmarks, of Terraform's and SAM's own shapes: the plan replicates
 * the module instance of test/iac/fixtures/terraform/fanout.plan.json (role + inline policy +
 * function) N times with new keys; the template repeats a SAM function with policy templates, an
 * inline statement, an SQS event and a Function URL.
 */
import { readFileSync } from "node:fs";

export function buildPlan(n: number): string {
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

/**
 * The same plan with every inline policy known only after apply (as when it names a resource the
 * plan creates): `after.policy` gone and marked in `after_unknown`, the planned value dropped.
 * With `configFiles()` (the fixture's .tf files) the reader evaluates each one from its
 * expression, once per module instance.
 */
export function buildPlanUnknownPolicies(n: number): string {
  const plan = JSON.parse(buildPlan(n));
  for (const c of plan.resource_changes) {
    if (c.type !== "aws_iam_role_policy") continue;
    delete c.change.after.policy;
    c.change.after_unknown = { ...c.change.after_unknown, policy: true };
  }
  for (const m of plan.planned_values.root_module.child_modules) for (const r of m.resources) if (r.type === "aws_iam_role_policy") delete r.values.policy;
  return JSON.stringify(plan);
}

/** The fanout fixture's configuration, as `--tf-config` reads it. */
export function configFiles(): Record<string, string> {
  const dir = "test/iac/fixtures/terraform/fanout";
  return { "main.tf": readFileSync(`${dir}/main.tf`, "utf8"), "modules/fn/main.tf": readFileSync(`${dir}/modules/fn/main.tf`, "utf8") };
}

/**
 * The same configuration with the module's policy written as a template file
 * (`templatefile("${path.module}/policy.json.tftpl", { name = var.name })`, a `%{ for }` over its
 * actions), the file among the configuration's files: the same policies, rendered per instance.
 */
export function configFilesWithTemplate(): Record<string, string> {
  const files = configFiles();
  const jsonencoded = /policy = jsonencode\(\{[\s\S]*?\n {2}\}\)/;
  const module = files["modules/fn/main.tf"] as string;
  if (!jsonencoded.test(module)) throw new Error("the fanout fixture's policy is no longer a jsonencode({…}): update the benchmark");
  files["modules/fn/main.tf"] = module.replace(jsonencoded, 'policy = templatefile("${path.module}/policy.json.tftpl", { name = var.name, actions = ["s3:GetObject"] })');
  files["modules/fn/policy.json.tftpl"] = [
    "{",
    '  "Version": "2012-10-17",',
    '  "Statement": [',
    "    {",
    '      "Effect": "Allow",',
    '      "Action": [',
    '        %{~ for i, a in actions ~}',
    '        "${a}"%{ if i < length(actions) - 1 },%{ endif }',
    "        %{~ endfor ~}",
    "      ],",
    '      "Resource": "arn:aws:s3:::svc-${name}/*"',
    "    }",
    "  ]",
    "}",
    "",
  ].join("\n");
  return files;
}

export function buildTemplate(n: number): string {
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

