/**
 * `leastrole generate` on what IaC tools really write (test/iac/fixtures/cdk-agnostic: `cdk synth`
 * of an env-bound and an environment-agnostic stack, each with a nested stack): what the
 * CloudFormation and Terraform outputs must be to deploy.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";
import { policySize } from "../../src/generate/index.js";
import type { PolicyDocument } from "../../src/model/document.js";

const cli = join(packageRoot(), "dist", "cli.js");
const fixtures = join(packageRoot(), "test", "iac", "fixtures");
const agnostic = join(fixtures, "cdk-agnostic", "cdk.out");
const samShared = join(fixtures, "sam-shared-role");
const parameterDefaults = join(fixtures, "cfn-parameter-defaults", "stack.yaml");

function generate(args: string[]): { stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, "generate", ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
  expect(r.status, r.stderr).toBe(0);
  return { stdout: r.stdout, stderr: r.stderr };
}

/** The lines that are not comments (YAML `#`, HCL `#`): what CloudFormation or Terraform reads. */
function code(text: string): string {
  return text
    .split("\n")
    .filter((l) => !/^\s*#/.test(l))
    .join("\n");
}

describe("generate for an assembly with an environment-agnostic stack", () => {
  it("fills the stack's synthetic account (unknown-<hash>) with the deployment's own in CloudFormation", () => {
    const { stdout } = generate([agnostic, "--format", "cloudformation"]);
    // Before: `arn:aws:logs:${AWS::Region}:unknown-e14b8f51:log-group:…`, which matches no log group once deployed.
    expect(code(stdout)).not.toMatch(/unknown/);
    expect(stdout).toContain("Fn::Sub: arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/OrdersStackAgnostic-Processor60228016*");
    expect(stdout).toMatch(/Fn::Sub: arn:aws:sqs:\$\{AWS::Region\}:\$\{AWS::AccountId\}:\$\{OrdersDlq[0-9A-F]+\.QueueName\}/);
    // The env-bound stack keeps its account.
    expect(stdout).toContain("arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/OrdersStack-Processor60228016*");
  });

  it("fills it with data.aws_caller_identity in Terraform", () => {
    const { stdout } = generate([agnostic, "--format", "terraform"]);
    expect(code(stdout)).not.toMatch(/unknown/);
    expect(stdout).toContain('"arn:aws:logs:${data.aws_region.leastrole.name}:${data.aws_caller_identity.leastrole.account_id}:log-group:/aws/lambda/OrdersStackAgnostic-Processor60228016*"');
    expect(stdout.match(/^data "aws_caller_identity" "leastrole" \{\}$/gm)).toHaveLength(1);
  });

  it("warns that a nested stack's function's IAM JSON holds ${AWS::StackName}, which IAM takes as text", () => {
    const targets = JSON.parse(generate([agnostic]).stdout) as Array<{ subject: string; policy: { Statement: Array<{ Resource?: string[] }> }; warnings: Array<{ code: string }> }>;
    const nested = targets.find((t) => /:function:OrdersStack-Nested.*-NestedFn/.test(t.subject));
    expect(nested?.policy.Statement.flatMap((s) => s.Resource ?? [])).toContain("arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/${AWS::StackName}-NestedFn2B*");
    // Before: only usage-absent, while the agnostic copy of the same function had this warning.
    expect(nested?.warnings.map((w) => w.code)).toContain("unresolved-references");
  });
});

interface SamDocument {
  header: string;
  Policies?: Array<{ Statement: Array<{ Action: string[] }> }>;
  Resources?: { [id: string]: { Type: string; Properties: { RoleName?: string; Policies?: Array<{ PolicyDocument: { Statement: Array<{ Action: string[] }> } }> } } };
}

function samDocuments(text: string): SamDocument[] {
  // The header: the comment lines at the top of each document (the YAML documents are separated by `---`).
  return text.split(/^---\n/m).map((doc) => ({
    header: (/^(?:#.*\n)+/.exec(doc)?.[0] ?? "").replace(/^# ?/gm, ""),
    ...(YAML.parse(doc) as Omit<SamDocument, "header">),
  }));
}

const actionsOf = (statements: Array<{ Action: string[] }>) => statements.flatMap((st) => st.Action).sort();

describe("generate --format sam", () => {
  for (const [what, input] of [
    ["the SAM template", join(samShared, "project")],
    ["aws-sam-translator's output of it", join(samShared, "transformed", "transformed.json")],
  ] as const) {
    it(`writes Policies only for a function whose role SAM makes from them, the role itself for functions with Role: (${what})`, () => {
      const docs = samDocuments(generate([input, "--format", "sam"]).stdout);
      expect(docs).toHaveLength(2);
      // ReaderA and ReaderB run with Role: !GetAtt SharedRole.Arn: SAM ignores their Policies.
      // Before: "Properties.Policies of the AWS::Serverless::Function for arn:…:role/orders-prod-SharedRole".
      const shared = docs.find((d) => d.Resources?.SharedRole !== undefined) as SamDocument;
      expect(shared.Policies).toBeUndefined();
      expect(shared.header).toContain("The functions ReaderA, ReaderB have Role: SharedRole, and SAM ignores Policies when Role is set.");
      expect(shared.header).toContain("the execution role SharedRole as --format cloudformation writes it");
      const role = shared.Resources?.SharedRole;
      expect(role?.Type).toBe("AWS::IAM::Role");
      // What the two functions need (their SQS event source, X-Ray), in the role that grants dynamodb:* today.
      expect(actionsOf(role?.Properties.Policies?.flatMap((p) => p.PolicyDocument.Statement) ?? [])).toEqual(expect.arrayContaining(["sqs:ReceiveMessage", "sqs:DeleteMessage", "xray:PutTraceSegments"]));
      // The same role as --format cloudformation writes it.
      const cfn = YAML.parse(generate([input, "--format", "cloudformation"]).stdout) as Required<Pick<SamDocument, "Resources">>;
      expect(role).toEqual(cfn.Resources.SharedRole);
      // Simple has no Role: its Policies, and what SAM attaches to its role all the same.
      const simple = docs.find((d) => d.Policies !== undefined) as SamDocument;
      expect(simple.header).toContain("Properties.Policies of the AWS::Serverless::Function Simple (for ");
      expect(simple.header).toContain("SAM still attaches AWSLambdaBasicExecutionRole, AWSLambdaDynamoDBExecutionRole, AWSLambdaVPCAccessExecutionRole to the role it makes");
      expect(simple.header).toContain("and adds the inline policies SimpleStreamSQSPolicy");
      expect(actionsOf(simple.Policies?.flatMap((p) => p.Statement) ?? [])).toEqual(expect.arrayContaining(["dynamodb:GetRecords", "sqs:SendMessage"]));
      // The connector Conn (Simple → Queue, Write) attaches ConnPolicy to SimpleRole whatever
      // Policies says. Before: not expanded from the SAM template, and said nowhere from either input.
      expect(simple.header).toContain("The template's connectors attach ConnPolicy (Conn) to that role too, whatever Policies says");
    });
  }

  it("writes the role of a function that is not an AWS::Serverless::Function (a CDK assembly), keeping its logical ID", () => {
    const docs = samDocuments(generate([agnostic, "--format", "sam"]).stdout);
    expect(docs.filter((d) => d.Policies !== undefined)).toEqual([]);
    const processor = docs.find((d) => d.Resources?.ProcessorServiceRole5039D372 !== undefined);
    expect(processor?.header).toContain("The function Processor60228016 is not an AWS::Serverless::Function");
    expect(processor?.Resources?.ProcessorServiceRole5039D372?.Type).toBe("AWS::IAM::Role");
  });

  it("names a Terraform function by its name, not its address, and says no SAM role is known to be made from Policies", () => {
    const docs = samDocuments(generate([join(fixtures, "terraform", "lambda-app.plan.json"), "--format", "sam"]).stdout);
    expect(docs.filter((d) => d.Policies !== undefined)).toEqual([]);
    expect(docs.map((d) => d.header).join("\n")).toContain("The function legacy-report is not known to be an AWS::Serverless::Function whose role SAM makes from Policies");
  });
});

describe("generate from a template read with parameter defaults", () => {
  it("names the parameters whose defaults made the names it writes, and points to --parameter", () => {
    const { stdout, stderr } = generate([parameterDefaults, "--format", "cloudformation"]);
    // The role's name and the dead-letter queue as the template makes them; before, the default's
    // (RoleName: dev-orders-fn-role), which a stack deployed with Env=prod would get too.
    expect(stdout).toContain("RoleName:\n        Fn::Sub: ${Env}-orders-fn-role\n");
    expect(stdout).toContain("- Fn::Sub: arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:${Env}-orders-dlq\n");
    // The function's name (Fn::FindInMap keyed by Env) in its log group as that lookup; still the
    // defaults': what the conditions IsProd and WideOpen select.
    expect(stdout).toContain("- arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/${EnvMapEnvPrefix}-orders:*\n");
    expect(stdout).not.toContain("/aws/lambda/dev-orders");
    expect(stderr).toMatch(/The template was read with parameter defaults \(\S*stack\.yaml: AllowAll="true", Env="dev", TableName="orders"\)/);
    expect(stderr).not.toContain("still the defaults' values here");
    expect(stderr).toContain("the defaults of AllowAll, Env decide the template's conditions");
    expect(stderr).toContain("Give --parameter NAME=VALUE as the stack is deployed.");
    expect(stdout).toContain("warning (parameter-defaults)");
  });

  it("--split names each function's new role as the template names the function (${Env}-orders-api-role), and leaves a written RoleName alone", () => {
    // Before, the split roles were dev-orders-api-role and dev-orders-worker-role: role names are
    // one per account, so the prod stack's roles collided with the dev stack's.
    const dir = mkdtempSync(join(tmpdir(), "lr-split-refs-"));
    try {
      const fn = (id: string, name: string) =>
        `  ${id}:\n    Type: AWS::Lambda::Function\n    Properties:\n      FunctionName: !Sub \${Env}-${name}\n      Runtime: python3.12\n      Handler: app.handler\n      Code: { ZipFile: "def handler(e, c): pass" }\n      Role: !GetAtt Shared.Arn\n`;
      const template = [
        "AWSTemplateFormatVersion: '2010-09-09'",
        "Parameters:\n  Env:\n    Type: String\n    Default: dev",
        "Resources:",
        "  Shared:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: orders-shared\n      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - { Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }",
        fn("Api", "orders-api") + fn("Worker", "orders-worker"),
      ].join("\n");
      writeFileSync(join(dir, "stack.yaml"), template);
      const split = generate([join(dir, "stack.yaml"), "--format", "cloudformation", "--split"]).stdout;
      expect(split).toContain("RoleName:\n        Fn::Sub: ${Env}-orders-api-role\n");
      expect(split).toContain("RoleName:\n        Fn::Sub: ${Env}-orders-worker-role\n");
      // The union keeps the template's own literal name.
      expect(generate([join(dir, "stack.yaml"), "--format", "cloudformation"]).stdout).toContain("RoleName: orders-shared\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("writes the defaults' values, and says so, in the IAM JSON (no parameter there)", () => {
    const { stdout } = generate([parameterDefaults]);
    const targets = JSON.parse(stdout) as Array<{ warnings: Array<{ code: string; message: string }>; policy: { Statement: Array<{ Resource?: string[] }> } }>;
    expect(targets.flatMap((t) => t.policy.Statement.flatMap((s) => s.Resource ?? []))).toContain("arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:dev-orders-dlq");
    const warning = targets.flatMap((t) => t.warnings).find((w) => w.code === "parameter-defaults");
    expect(warning?.message).not.toContain("written as references");
    // AllowAll and Env decide the template's conditions, which select the policies: named in every
    // format, for every function; TableName only where the output's names hold its value
    // (dev-orders-fn-role), not for the function of SecondRole, whose policy names no "orders".
    const of = (role: string) => (JSON.parse(stdout) as Array<{ roleName: string; warnings: Array<{ code: string; message: string }> }>).find((t) => t.roleName === role)?.warnings.filter((w) => w.code === "parameter-defaults").map((w) => w.message) ?? [];
    expect(of("dev-orders-fn-role").some((m) => /^dev-orders: .*\(\S*stack\.yaml: AllowAll="true", Env="dev", TableName="orders"\)/.test(m))).toBe(true);
    expect(of("SecondRole")).toEqual([expect.stringMatching(/\(\S*stack\.yaml: AllowAll="true", Env="dev"\)/)]);
  });

  it("names only the defaults that made something the output writes or decided a condition, not a BatchSize", () => {
    // Before, every parameter the template read with its Default was listed (BatchSize, MemorySize),
    // sending the user to --parameter for values that change no policy.
    const dir = mkdtempSync(join(tmpdir(), "lr-param-matter-"));
    try {
      const template = [
        "AWSTemplateFormatVersion: '2010-09-09'",
        "Transform: AWS::Serverless-2016-10-31",
        "Parameters:\n  Env:\n    Type: String\n    Default: staging\n  BatchSize:\n    Type: Number\n    Default: 25\n  Memory:\n    Type: Number\n    Default: 512",
        "Resources:",
        "  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Sub ${Env}-jobs",
        "  Worker:\n    Type: AWS::Serverless::Function\n    Properties:\n      FunctionName: !Sub ${Env}-worker\n      Runtime: python3.12\n      Handler: app.handler\n      CodeUri: src/\n      MemorySize: !Ref Memory\n      Events:\n        Jobs:\n          Type: SQS\n          Properties:\n            Queue: !GetAtt Queue.Arn\n            BatchSize: !Ref BatchSize",
      ].join("\n");
      writeFileSync(join(dir, "stack.yaml"), template);
      const targets = JSON.parse(generate([join(dir, "stack.yaml")]).stdout) as Array<{ warnings: Array<{ code: string; message: string }> }>;
      const warning = targets.flatMap((t) => t.warnings).find((w) => w.code === "parameter-defaults");
      expect(warning?.message).toMatch(/\(\S*stack\.yaml: Env="staging"\)/);
      expect(warning?.message).not.toContain("BatchSize");
      expect(warning?.message).not.toContain("Memory");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says nothing of a parameter given with --parameter", () => {
    const given = generate([parameterDefaults, "--format", "cloudformation", "--parameter", "Env=prod"]);
    expect(given.stdout).toContain("RoleName: prod-orders-fn-role");
    expect(given.stderr).toMatch(/\(\S*stack\.yaml: AllowAll="true", TableName="orders"\)/);
    const all = generate([parameterDefaults, "--parameter", "Env=prod", "--parameter", "AllowAll=false", "--parameter", "TableName=orders-live"]);
    const targets = JSON.parse(all.stdout) as Array<{ warnings: Array<{ code: string }> }>;
    expect(targets.flatMap((t) => t.warnings.map((w) => w.code))).not.toContain("parameter-defaults");
  });
});

/** Every Resource (and RoleName) of a generated template or SAM Policies, as CloudFormation reads them. */
function resourcesOf(yaml: string): unknown[] {
  const out: unknown[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (k === "Resource" || k === "RoleName") out.push(...(Array.isArray(x) ? x : [x]));
        else walk(x);
      }
    }
  };
  for (const d of YAML.parseAllDocuments(yaml)) walk(d.toJS());
  return out;
}

const hasCfnLint = spawnSync("cfn-lint", ["--version"], { encoding: "utf8" }).status === 0;

/** cfn-lint's rule ids for a template's text (none: accepted), with its whole output for the failure message. */
function cfnLint(text: string): { ids: string[]; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "lr-iac-refs-"));
  try {
    const file = join(dir, "template.yaml");
    writeFileSync(file, text);
    const r = spawnSync("cfn-lint", [file], { encoding: "utf8" });
    const output = `${r.stdout}${r.stderr}`;
    return { ids: [...output.matchAll(/^([EW]\d{4}) /gm)].map((m) => m[1] as string).sort(), output };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("generate writes names a template makes from its parameters as references to them", () => {
  // `cdk synth` of a stack whose CfnParameter Env (Default dev) names the table, queue and function:
  // CDK writes `Fn::Join ["", [{Ref: Env}, "-orders"]]`. Read without --parameter.
  const cdk = join(fixtures, "cdk-parameters");
  // A SAM template as users write it: `!Sub ${Stage}-orders`, one stack per stage.
  const sam = join(fixtures, "sam-parameters");

  it("CloudFormation (CDK): the table, the queue and the log group keep ${Env}, and no parameter-defaults warning", () => {
    const { stdout, stderr } = generate([join(cdk, "cdk.out"), "--format", "cloudformation", "--config", join(cdk, "leastrole.yaml")]);
    const resources = resourcesOf(stdout);
    // Before: arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/dev-orders, the dev table whatever Env is.
    expect(resources).toContainEqual({ "Fn::Sub": "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Env}-orders" });
    expect(resources).toContainEqual({ "Fn::Sub": "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:${Env}-orders-dlq" });
    expect(resources).toContainEqual({ "Fn::Sub": "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/${Env}-orders-api:log-stream:*" });
    expect(JSON.stringify(resources)).not.toContain("dev-");
    expect(stderr).not.toContain("parameter defaults");
  });

  it.skipIf(!hasCfnLint)("CloudFormation (CDK): the role pasted into its stack is a template cfn-lint accepts", () => {
    const { stdout } = generate([join(cdk, "cdk.out"), "--format", "cloudformation", "--config", join(cdk, "leastrole.yaml")]);
    const generated = (YAML.parse(stdout) as { Resources: { [id: string]: unknown } }).Resources;
    const text = readFileSync(join(cdk, "cdk.out", "OrdersParams.template.json"), "utf8");
    const stack = JSON.parse(text) as { Resources: { [id: string]: unknown } };
    expect(Object.keys(generated)).toEqual(["ApiServiceRole1BD550DA"]);
    stack.Resources.ApiServiceRole1BD550DA = generated.ApiServiceRole1BD550DA;
    // What cfn-lint says of the synthesised stack itself (W3005, CDK's DependsOn), and nothing more.
    const lint = cfnLint(JSON.stringify(stack, null, 1));
    expect(lint.ids, lint.output).toEqual(cfnLint(text).ids);
  });

  it("a managed policy of a role CloudFormation names (CDK, no roleName) is named by CloudFormation too: one per stack, no CAPABILITY_NAMED_IAM", () => {
    // First: ManagedPolicyName dev-orders-api-least-privilege, which a prod stack in the same
    // account could not create, became ${Env}-orders-api-least-privilege. Session 58: no name at
    // all, as the role has none, so no two stacks collide whatever their parameters, and the
    // stack needs CAPABILITY_IAM only, as the template did.
    const { stdout } = generate([join(cdk, "cdk.out"), "--format", "cloudformation", "--target", "managed", "--config", join(cdk, "leastrole.yaml")]);
    const resources = (YAML.parse(stdout) as { Resources: { [id: string]: { Type: string; Properties: { ManagedPolicyName?: unknown; RoleName?: unknown; PolicyDocument?: unknown } } } }).Resources;
    const policies = Object.values(resources).filter((r) => r.Type === "AWS::IAM::ManagedPolicy");
    expect(policies).toHaveLength(1);
    expect(policies[0]?.Properties.ManagedPolicyName).toBeUndefined();
    expect(policies[0]?.Properties.PolicyDocument).toBeDefined();
    expect(Object.values(resources).filter((r) => r.Type === "AWS::IAM::Role").map((r) => r.Properties.RoleName)).toEqual([undefined]);
  });

  it("SAM: the function's Policies keep ${Stage}", () => {
    const { stdout, stderr } = generate([join(sam, "template.yaml"), "--format", "sam", "--config", join(sam, "leastrole.yaml")]);
    const resources = resourcesOf(stdout);
    expect(resources).toContainEqual({ "Fn::Sub": "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Stage}-orders" });
    expect(resources).toContainEqual({ "Fn::Sub": "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Stage}-orders/index/*" });
    expect(resources).toContainEqual({ "Fn::Sub": "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:${Stage}-orders-dlq" });
    expect(resources).toContainEqual({ "Fn::Sub": "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/${Stage}-orders-api:*" });
    expect(JSON.stringify(resources)).not.toContain("dev-");
    expect(stderr).not.toContain("parameter defaults");
  });

  it.skipIf(!hasCfnLint)("SAM: the Policies pasted into the function are a template cfn-lint accepts", () => {
    const { stdout } = generate([join(sam, "template.yaml"), "--format", "sam", "--config", join(sam, "leastrole.yaml")]);
    const text = readFileSync(join(sam, "template.yaml"), "utf8");
    // Pasted as a user would, in place of the function's Policies (the template's short-form tags kept).
    const policies = "      Policies:\n        - DynamoDBCrudPolicy:\n            TableName: !Ref OrdersTable\n";
    expect(text).toContain(policies);
    const pasted = stdout
      .split("\n")
      .filter((l) => !/^\s*#/.test(l) && l !== "")
      .map((l) => `      ${l}\n`)
      .join("");
    const lint = cfnLint(text.replace(policies, pasted));
    expect(lint.ids, lint.output).toEqual([]);
    expect(cfnLint(text).ids).toEqual([]);
  });

  it("the comments name the function, the log group and the queue as the body writes them, in CloudFormation, SAM and Terraform", () => {
    // Before: `# required (logs): /aws/lambda/dev-orders-api` and `# arn:aws:logs:unknown:unknown:…/dev-orders-api:*: …`
    // above `Fn::Sub: …/aws/lambda/${Env}-orders-api:*`, the header naming the dev function.
    const statementComments = (text: string) => text.split("\n").filter((l) => /^\s+#/.test(l));
    const cfn = generate([join(cdk, "cdk.out"), "--format", "cloudformation", "--config", join(cdk, "leastrole.yaml")]).stdout;
    expect(cfn).toContain("# OrdersParams-ApiServiceRole1BD550DA: for arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${Env}-orders-api\n");
    expect(cfn).toContain("# required (logs): /aws/lambda/${Env}-orders-api\n");
    expect(cfn).toContain("# arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/${Env}-orders-api:*: required by the configuration (logs: /aws/lambda/${Env}-orders-api);");
    expect(cfn).toContain("# required (dead-letter): arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:${Env}-orders-dlq\n");
    expect(statementComments(cfn).filter((l) => l.includes("dev-"))).toEqual([]);
    const samOut = generate([join(sam, "template.yaml"), "--format", "sam", "--config", join(sam, "leastrole.yaml")]).stdout;
    expect(samOut).toContain("# Properties.Policies of the AWS::Serverless::Function OrdersFunction (for arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${Stage}-orders-api)");
    expect(samOut).toContain("# arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Stage}-orders/index/*: kept exception:");
    expect(statementComments(samOut).filter((l) => l.includes("dev-"))).toEqual([]);
    const tf = join(fixtures, "terraform-variables");
    const hcl = generate([join(tf, "plan.json"), "--format", "terraform", "--config", join(tf, "leastrole.yaml")]).stdout;
    expect(hcl).toContain("# Least-privilege execution role for arn:aws:lambda:eu-west-1:unknown:function:${var.env}-orders-api, generated by leastrole.\n");
    expect(hcl).toContain("# required (dead-letter): arn:aws:sqs:eu-west-1:unknown:${var.env}-orders-dlq\n");
    // The wildcard's reason, lost before once its Resource was written with ${var.env}.
    expect(hcl).toContain("# arn:aws:logs:eu-west-1:${data.aws_caller_identity.leastrole.account_id}:log-group:/aws/lambda/${var.env}-orders-api:*: required by the configuration (logs: /aws/lambda/${var.env}-orders-api);");
    expect(statementComments(hcl).filter((l) => l.includes("dev-"))).toEqual([]);
  });

  it("a kept exception's note quotes the config as written, names and all, where the body follows the parameters", () => {
    // The reason cites the stack it was written for; rewritten to ${Stage}-orders-api, the comment
    // misquoted the config file it names.
    const dir = mkdtempSync(join(tmpdir(), "lr-note-quote-"));
    try {
      const config = join(dir, "leastrole.yaml");
      writeFileSync(config, 'version: 1\nexceptions:\n  - { function: "dev-orders-api", actions: [dynamodb:GetItem], reason: "dev-orders-api reads by id on the DR path (runbook DR-12)" }\n');
      for (const args of [[join(sam, "template.yaml"), "--format", "sam"], [join(sam, "template.yaml"), "--format", "cloudformation"], [join(fixtures, "terraform-variables", "plan.json"), "--format", "terraform"]]) {
        const out = generate([...args, "--config", config]).stdout;
        expect(out, args[2]).toContain("# kept exception (dynamodb:GetItem): dev-orders-api reads by id on the DR path (runbook DR-12)\n");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("a name looked up with Fn::FindInMap keyed by a parameter", () => {
    // `TableName: !FindInMap [EnvMap, !Ref Env, Table]` (dev: orders-dev, prod: orders-prod), the
    // role granting on the table's ARN and its indexes. Long-form intrinsics, so that the test can
    // read the template and paste the role into it as a user would.
    const template = {
      AWSTemplateFormatVersion: "2010-09-09",
      Parameters: { Env: { Type: "String", AllowedValues: ["dev", "prod"], Default: "dev" } },
      Mappings: { EnvMap: { dev: { Table: "orders-dev" }, prod: { Table: "orders-prod" } } },
      Resources: {
        OrdersTable: {
          Type: "AWS::DynamoDB::Table",
          Properties: {
            TableName: { "Fn::FindInMap": ["EnvMap", { Ref: "Env" }, "Table"] },
            BillingMode: "PAY_PER_REQUEST",
            AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
            KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
          },
        },
        FnRole: {
          Type: "AWS::IAM::Role",
          Properties: {
            AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] },
            Policies: [
              {
                PolicyName: "orders",
                PolicyDocument: {
                  Version: "2012-10-17",
                  Statement: [
                    {
                      Effect: "Allow",
                      Action: ["dynamodb:GetItem", "dynamodb:Query"],
                      Resource: [
                        { "Fn::GetAtt": ["OrdersTable", "Arn"] },
                        { "Fn::Sub": ["arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${T}/index/*", { T: { "Fn::FindInMap": ["EnvMap", { Ref: "Env" }, "Table"] } }] },
                      ],
                    },
                  ],
                },
              },
            ],
          },
        },
        Fn: {
          Type: "AWS::Lambda::Function",
          Properties: {
            FunctionName: { "Fn::Sub": "${Env}-orders-api" },
            Runtime: "python3.12",
            Handler: "index.handler",
            Role: { "Fn::GetAtt": ["FnRole", "Arn"] },
            Code: { ZipFile: "def handler(e, c): return e" },
            Environment: { Variables: { TABLE: { Ref: "OrdersTable" } } },
          },
        },
      },
    };
    const lookup = { "Fn::FindInMap": ["EnvMap", { Ref: "Env" }, "Table"] };

    function generateFor(format: string): string {
      const dir = mkdtempSync(join(tmpdir(), "lr-map-refs-"));
      try {
        writeFileSync(join(dir, "stack.yaml"), YAML.stringify(template));
        writeFileSync(join(dir, "leastrole.yaml"), 'version: 1\nexceptions:\n  - { function: "*", actions: [dynamodb:GetItem, dynamodb:Query], reason: "orders read by id" }\n');
        return generate([join(dir, "stack.yaml"), "--format", format, "--config", join(dir, "leastrole.yaml")]).stdout;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }

    it("is written as that lookup (Fn::Sub with a variable for it), in CloudFormation and SAM", () => {
      // Before: Fn::Sub: arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/orders-dev, the dev table in the prod stack.
      for (const format of ["cloudformation", "sam"]) {
        const out = generateFor(format);
        const resources = resourcesOf(out);
        expect(resources, format).toContainEqual({ "Fn::Sub": ["arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${EnvMapEnvTable}", { EnvMapEnvTable: lookup }] });
        expect(resources, format).toContainEqual({ "Fn::Sub": ["arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${EnvMapEnvTable}/index/*", { EnvMapEnvTable: lookup }] });
        expect(out, format).not.toContain("orders-dev");
        // The comment names the index pattern as the body's Fn::Sub text.
        expect(out, format).toContain("# arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${EnvMapEnvTable}/index/*: kept exception: orders read by id\n");
      }
    });

    it.skipIf(!hasCfnLint)("gives a role that cfn-lint accepts pasted into its template", () => {
      const generated = (YAML.parse(generateFor("cloudformation")) as { Resources: { [id: string]: unknown } }).Resources;
      expect(Object.keys(generated)).toEqual(["FnRole"]);
      const pasted = { ...template, Resources: { ...template.Resources, FnRole: generated.FnRole } };
      const lint = cfnLint(JSON.stringify(pasted, null, 1));
      expect(lint.ids, lint.output).toEqual([]);
      expect(cfnLint(JSON.stringify(template, null, 1)).ids).toEqual([]);
    });
  });

  it("a parameter given with --parameter is the stack's value, written as it is", () => {
    const { stdout } = generate([join(sam, "template.yaml"), "--format", "sam", "--parameter", "Stage=prod"]);
    expect(resourcesOf(stdout)).toContainEqual({ "Fn::Sub": "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:prod-orders-dlq" });
  });
});

describe("generate sizes a policy written with parameters as deployed with longer values", () => {
  // A role granting one function 120 tables named from Env (`${Env}-orders-000` …), kept as today's
  // policy grants them: about 9,300 characters with Env=dev, under the role's 10,240 inline.
  const template = (declaration: string, table = "${Env}-orders") =>
    [
      "AWSTemplateFormatVersion: '2010-09-09'",
      `Parameters:\n  Env:\n    Type: String\n    Default: dev${declaration}`,
      // Where the tables are named by a lookup: a short dev entry and a long prod one.
      "Mappings:\n  EnvMap:\n    dev: { Table: o }\n    prod: { Table: orders-production-eu-central-1 }",
      "Resources:",
      "  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: !Sub '${Env}-orders-fn-role'",
      "      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - { Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }",
      "      Policies:\n        - PolicyName: tables\n          PolicyDocument:\n            Version: '2012-10-17'\n            Statement:\n              - Effect: Allow\n                Action: dynamodb:GetItem\n                Resource:",
      ...Array.from({ length: 120 }, (_, i) =>
        table === "lookup"
          ? `                  - !Sub ['arn:aws:dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/\${T}-${String(i).padStart(3, "0")}', { T: !FindInMap [EnvMap, !Ref Env, Table] }]`
          : `                  - !Sub 'arn:aws:dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/${table}-${String(i).padStart(3, "0")}'`,
      ),
      "  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      FunctionName: !Sub '${Env}-orders-api'\n      Runtime: python3.12\n      Handler: index.handler\n      Role: !GetAtt Role.Arn\n      Code: { ZipFile: 'def handler(e, c): return e' }",
      "",
    ].join("\n");
  const config = 'version: 1\nexceptions:\n  - { function: "*", actions: [dynamodb:GetItem], reason: "orders tables read by id" }\n';

  function run(declaration: string, extra: string[] = [], table?: string): { stderr: string; policySize: number } {
    const dir = mkdtempSync(join(tmpdir(), "lr-size-refs-"));
    try {
      writeFileSync(join(dir, "stack.yaml"), template(declaration, table));
      writeFileSync(join(dir, "leastrole.yaml"), config);
      const { stderr } = generate([join(dir, "stack.yaml"), "--format", "cloudformation", "--config", join(dir, "leastrole.yaml"), ...extra]);
      // The whole policy as IAM counts it at most, from the JSON output (the region and account the
      // template leaves unknown at their longest): with --parameter, the deployed size.
      const json = JSON.parse(generate([join(dir, "stack.yaml"), "--config", join(dir, "leastrole.yaml"), ...extra]).stdout) as Array<{ policy: PolicyDocument }>;
      return { stderr, policySize: policySize(json[0]!.policy) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const warningOf = (stderr: string) => stderr.split("\n").find((l) => l.includes("was sized with the values read"));

  it("warns when it would exceed the role's inline budget with the parameter at the default assumption, as long as --parameter with such a value makes it", () => {
    // Before: nothing said; deployed with a longer Env, CloudFormation failed with LimitExceeded.
    const read = run("");
    expect(read.policySize).toBeLessThanOrEqual(10_240);
    const warning = warningOf(read.stderr);
    expect(warning).toContain("${Env} at 32 characters (it declares neither AllowedValues nor MaxLength: leastrole assumes 32; read as \"dev\")");
    // The figure it gives is the size of the same policy generated with a 32-character Env.
    const deployed = run("", ["--parameter", `Env=${"x".repeat(32)}`]).policySize;
    expect(deployed).toBeGreaterThan(10_240);
    expect(warning).toContain(`the role's inline policy would be about ${deployed.toLocaleString("en-US")} characters (read: ${read.policySize.toLocaleString("en-US")}), over IAM's 10,240`);
  });

  it("takes the longest AllowedValues entry, else MaxLength, and says nothing when that fits", () => {
    expect(warningOf(run("\n    AllowedValues: [dev, prod]").stderr)).toBeUndefined();
    const allowed = warningOf(run("\n    AllowedValues: [dev, prod-eu-central-orders]").stderr);
    const deployed = run("\n    AllowedValues: [dev, prod-eu-central-orders]", ["--parameter", "Env=prod-eu-central-orders"]).policySize;
    expect(allowed).toContain(`would be about ${deployed.toLocaleString("en-US")} characters`);
    expect(allowed).toContain("${Env} at 22 characters (its longest AllowedValues entry;");
    expect(warningOf(run("\n    MaxLength: 24").stderr)).toContain("${Env} at 24 characters (its MaxLength;");
    expect(warningOf(run("\n    MaxLength: 5").stderr)).toBeUndefined();
  });

  it("counts a Fn::FindInMap keyed by the parameter at the longest entry it can give", () => {
    // 120 tables named `${T}-NNN` with T = !FindInMap [EnvMap, !Ref Env, Table]: `o` for dev (fits), 30 characters for prod.
    const read = run("\n    AllowedValues: [dev, prod]", [], "lookup");
    const deployed = run("\n    AllowedValues: [dev, prod]", ["--parameter", "Env=prod"], "lookup").policySize;
    expect(deployed).toBeGreaterThan(10_240);
    const warning = warningOf(read.stderr);
    expect(warning).toContain(`the role's inline policy would be about ${deployed.toLocaleString("en-US")} characters (read: ${read.policySize.toLocaleString("en-US")})`);
    expect(warning).toContain('!FindInMap [EnvMap, !Ref Env, Table] at 30 characters (the longest entry the lookup can give; read as "o")');
  });

  it("warns of a managed policy that would exceed 6,144 (--target managed), named as the template names it", () => {
    const warning = warningOf(run("", ["--target", "managed"]).stderr);
    expect(warning).toMatch(/the managed policy \$\{Env\}-orders-api-least-privilege-1 would be about [\d,]+ characters \(read: [\d,]+\), over IAM's 6,144 per managed policy/);
  });
});

const hasTerraform = spawnSync("terraform", ["version"], { encoding: "utf8" }).status === 0 && existsSync("/opt/tf-plugins");

describe("generate -f terraform writes names a plan made from variables as the configuration makes them", () => {
  // `terraform plan -out` + `terraform show -json` of main.tf (var.env = "dev" names the table,
  // the queue, the role and the function), read with the .tf files beside it.
  const tf = join(fixtures, "terraform-variables");
  const args = [join(tf, "plan.json"), "--format", "terraform", "--config", join(tf, "leastrole.yaml")];

  it("keeps ${var.env} in the role's name, the table, the queue and the log group", () => {
    const { stdout } = generate(args);
    // Before: name = "dev-orders-fn-role", table/dev-orders: the dev resources in every workspace.
    expect(stdout).toContain('  name = "${var.env}-orders-fn-role"\n');
    expect(stdout).toContain('Resource = ["arn:aws:dynamodb:eu-west-1:111122223333:table/${var.env}-orders"]');
    expect(stdout).toContain('"arn:aws:sqs:eu-west-1:${data.aws_caller_identity.leastrole.account_id}:${var.env}-orders-dlq"');
    expect(stdout).toContain('"arn:aws:logs:eu-west-1:${data.aws_caller_identity.leastrole.account_id}:log-group:/aws/lambda/${var.env}-orders-api:*"');
    // The audit queue's name is "${lower(var.env)}-orders-audit" in main.tf: dev-orders-audit for
    // env = "dev", but ${var.env}-orders-audit would be PROD-orders-audit for env = "PROD". The plan
    // says only references: ["var.env"]; the .tf text says it is no plain template.
    expect(code(stdout).split("\n").filter((l) => l.includes("arn:") && l.includes("dev-"))).toEqual(['          "arn:aws:sqs:eu-west-1:111122223333:dev-orders-audit",']);
  });

  it("names a managed policy after the function as the configuration does, ${var.env}-orders-api-…", () => {
    const { stdout } = generate([...args, "--target", "managed"]);
    expect(stdout).toContain('resource "aws_iam_policy" ');
    expect(stdout).toContain('  name = "${var.env}-orders-api-least-privilege"\n');
  });

  it("keeps the role's resource name when the .tf files are read beside the plan", () => {
    // Before: resource "aws_iam_role" "dev-orders-fn-role", a second role beside aws_iam_role.fn
    // (the records point at main.tf, which meta.sources does not list).
    const { stdout } = generate(args);
    expect(stdout).toContain('resource "aws_iam_role" "fn" {\n  name = "${var.env}-orders-fn-role"\n');
  });

  it.skipIf(!hasTerraform)("is accepted by terraform validate beside the configuration", () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-iac-refs-tf-"));
    try {
      for (const f of ["provider.tf", ".terraform.lock.hcl"]) writeFileSync(join(dir, f), readFileSync(join(tf, f)));
      // Pasted as a user would: in place of today's role and its inline policy.
      const main = readFileSync(join(tf, "main.tf"), "utf8").replace(/^resource "aws_iam_role(?:_policy)?" "fn" \{\n[\s\S]*?^\}\n/gm, "");
      expect(main).not.toContain('"fn"');
      writeFileSync(join(dir, "main.tf"), main);
      writeFileSync(join(dir, "leastrole.tf"), generate(args).stdout);
      const init = spawnSync("terraform", ["init", "-plugin-dir=/opt/tf-plugins", "-input=false", "-no-color"], { cwd: dir, encoding: "utf8" });
      expect(init.status, init.stdout + init.stderr).toBe(0);
      const validate = spawnSync("terraform", ["validate", "-no-color"], { cwd: dir, encoding: "utf8" });
      expect(validate.status, validate.stdout + validate.stderr).toBe(0);
      expect(validate.stdout).toContain("Success! The configuration is valid.");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!hasTerraform)("warns when the policy written with ${var.env} would exceed the inline budget with a 32-character env, as a plan made with one shows", () => {
    // 120 tables named "${var.env}-orders-NNN", granted by the role's inline policy: about 8,100
    // characters with env = "dev". Before, nothing said that another workspace's longer env
    // made the same policy too big for IAM (terraform apply fails with LimitExceeded).
    const dir = mkdtempSync(join(tmpdir(), "lr-size-refs-tf-"));
    try {
      for (const f of ["provider.tf", ".terraform.lock.hcl"]) writeFileSync(join(dir, f), readFileSync(join(tf, f)));
      const n = Array.from({ length: 120 }, (_, i) => String(i).padStart(3, "0"));
      const tables = n.map((i) => `resource "aws_dynamodb_table" "t${i}" {\n  name         = "\${var.env}-orders-${i}"\n  billing_mode = "PAY_PER_REQUEST"\n  hash_key     = "id"\n  attribute {\n    name = "id"\n    type = "S"\n  }\n}\n`);
      const arns = n.map((i) => `"arn:aws:dynamodb:eu-west-1:111122223333:table/\${var.env}-orders-${i}"`).join(", ");
      writeFileSync(
        join(dir, "main.tf"),
        [
          'variable "env" {\n  type    = string\n  default = "dev"\n}\n',
          ...tables,
          'resource "aws_iam_role" "fn" {\n  name = "${var.env}-orders-fn-role"\n  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }] })\n}\n',
          `resource "aws_iam_role_policy" "fn" {\n  name = "data"\n  role = aws_iam_role.fn.id\n  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["dynamodb:GetItem"], Resource = [${arns}] }] })\n}\n`,
          'resource "aws_lambda_function" "api" {\n  function_name = "${var.env}-orders-api"\n  role          = aws_iam_role.fn.arn\n  runtime       = "python3.12"\n  handler       = "app.handler"\n  filename      = "app.zip"\n}\n',
        ].join("\n"),
      );
      writeFileSync(join(dir, "leastrole.yaml"), 'version: 1\nexceptions:\n  - { function: "*", actions: [dynamodb:GetItem], reason: "orders tables read by id" }\n');
      const tfRun = (args: string[]) => {
        const r = spawnSync("terraform", args, { cwd: dir, encoding: "utf8", maxBuffer: 1 << 26 });
        expect(r.status, r.stdout + r.stderr).toBe(0);
        return r.stdout;
      };
      tfRun(["init", "-plugin-dir=/opt/tf-plugins", "-input=false", "-no-color"]);
      const plan = (file: string, vars: string[]) => {
        tfRun(["plan", "-refresh=false", "-input=false", "-no-color", ...vars, "-out=plan.bin"]);
        writeFileSync(join(dir, file), tfRun(["show", "-json", "plan.bin"]));
        return join(dir, file);
      };
      const config = ["--config", join(dir, "leastrole.yaml")];
      const dev = plan("plan.json", []);
      const { stdout, stderr } = generate([dev, "--format", "terraform", ...config]);
      expect(stdout).toContain('"arn:aws:dynamodb:eu-west-1:111122223333:table/${var.env}-orders-000"');
      const sizeOf = (file: string) => policySize((JSON.parse(generate([file, ...config]).stdout) as Array<{ policy: PolicyDocument }>)[0]!.policy);
      const read = sizeOf(dev);
      expect(read).toBeLessThanOrEqual(10_240);
      const deployed = sizeOf(plan("plan-long.json", ["-var", `env=${"x".repeat(32)}`]));
      expect(deployed).toBeGreaterThan(10_240);
      const warning = stderr.split("\n").find((l) => l.includes("was sized with the values read"));
      expect(warning).toContain(`the role's inline policy would be about ${deployed.toLocaleString("en-US")} characters (read: ${read.toLocaleString("en-US")})`);
      expect(warning).toContain('${var.env} at 32 characters (a variable declares no length: leastrole assumes 32; read as "dev")');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("writes the plan's values when the .tf text is not there to say an expression is a plain template", () => {
    // references: ["var.env"] is what the plan says of "${var.env}-orders-fn-role" and of
    // "${lower(var.env)}-orders-audit" alike: without the text, ${var.env}-… could name another role.
    const dir = mkdtempSync(join(tmpdir(), "lr-iac-refs-plan-"));
    try {
      writeFileSync(join(dir, "plan.json"), readFileSync(join(tf, "plan.json")));
      const { stdout } = generate([join(dir, "plan.json"), "--format", "terraform", "--config", join(tf, "leastrole.yaml")]);
      expect(stdout).toContain('  name = "dev-orders-fn-role"\n');
      expect(stdout).toContain('"arn:aws:sqs:eu-west-1:${data.aws_caller_identity.leastrole.account_id}:dev-orders-dlq"');
      expect(code(stdout)).not.toContain("var.env"); // the header's warning names it
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("writes the values in -f cloudformation, where var.env names nothing", () => {
    const { stdout } = generate([join(tf, "plan.json"), "--format", "cloudformation", "--config", join(tf, "leastrole.yaml")]);
    expect(stdout).toContain("table/dev-orders");
    expect(code(stdout)).not.toContain("var.env"); // the header's warning names it
  });

  it("gives a role read from a plan an alphanumeric logical ID in -f cloudformation and -f sam, not its Terraform resource name", () => {
    // aws_iam_role.process_orders: CloudFormation takes only [A-Za-z0-9] logical IDs (cfn-lint
    // E3001; a create fails with "Template format error"). Before: `process_orders:` under Resources.
    const plan = join(fixtures, "terraform-config-policies", "plan.json");
    for (const format of ["cloudformation", "sam"]) {
      const ids = generate([plan, "--format", format])
        .stdout.split(/^---\n/m)
        .flatMap((text) => Object.keys((YAML.parse(text) as { Resources?: Record<string, unknown> }).Resources ?? {}));
      expect(ids.length, format).toBeGreaterThan(0);
      for (const id of ids) expect(id, format).toMatch(/^[A-Za-z0-9]{1,255}$/);
    }
  });

  it("warns of the names still holding a variable's value (terraform-variable-values), as parameter-defaults does for a template", () => {
    const warning = (stderr: string) => stderr.split("\n").filter((l) => l.includes("The plan was made with"));
    // With the .tf files: only the audit queue, made by lower(var.env), is still dev's.
    const withTf = warning(generate(args).stderr);
    expect(withTf).toHaveLength(1);
    expect(withTf[0]).toContain('The plan was made with var.env = "dev": names and ARNs holding that value are written as the plan\'s (arn:aws:sqs:eu-west-1:111122223333:dev-orders-audit)');
    // var.account_id (an account ID) is never named: every ARN holds one.
    expect(withTf[0]).not.toContain("account_id");
    // The plan alone: the role's name and the table too; in the JSON output as well.
    const dir = mkdtempSync(join(tmpdir(), "lr-tf-vars-"));
    try {
      writeFileSync(join(dir, "plan.json"), readFileSync(join(tf, "plan.json")));
      for (const format of ["terraform", "json"]) {
        const alone = warning(generate([join(dir, "plan.json"), "--format", format, "--config", join(tf, "leastrole.yaml")]).stderr);
        expect(alone, format).toHaveLength(1);
        expect(alone[0], format).toMatch(/var\.env = "dev".*dev-orders/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("generate --format cloudformation for several stacks", () => {
  it("writes one template per stack and nested stack, each keeping its own logical IDs", () => {
    const { stdout } = generate([agnostic, "--format", "cloudformation"]);
    const sections = stdout.split(/^---\n/m).map((text) => ({
      file: /^# For the template (\S+): /.exec(text)?.[1],
      template: YAML.parse(text) as { AWSTemplateFormatVersion: string; Resources: { [id: string]: { Type: string } } },
    }));
    const name = (file: string | undefined) => file?.split(/[\\/]/).pop();
    expect(sections.map((s) => name(s.file))).toEqual([
      "OrdersStack.template.json",
      "OrdersStackAgnostic.template.json",
      "OrdersStackAgnosticNested6EB45FB5.nested.template.json",
      "OrdersStackNestedB84F9012.nested.template.json",
    ]);
    for (const s of sections) {
      expect(s.template.AWSTemplateFormatVersion).toBe("2010-09-09");
      // Each role is one of its own template's, by logical ID: pasted there, it replaces it.
      // Before: one template, the second stack's roles renamed (OrdersStackAgnosticProcessorServiceRole5039D372Role).
      const own = (JSON.parse(readFileSync(join(agnostic, name(s.file) as string), "utf8")) as { Resources: { [id: string]: { Type: string } } }).Resources;
      const roles = Object.entries(s.template.Resources).filter(([, r]) => r.Type === "AWS::IAM::Role");
      expect(roles.length).toBeGreaterThan(0);
      for (const [id] of roles) expect(own[id]?.Type, `${id} in ${name(s.file)}`).toBe("AWS::IAM::Role");
    }
    expect(sections[1]?.template.Resources.ProcessorServiceRole5039D372?.Type).toBe("AWS::IAM::Role");
  });

  it("says that the template's connector still attaches its policy to the role the function runs with (SAM template and the translator's output)", () => {
    // Conn (Simple → Queue, Write) names Simple's role through Simple's Role: pointed at the
    // generated role, the function takes ConnPolicy with it. Before: not said (and, from the SAM
    // template, the connector was not read at all).
    for (const input of [join(samShared, "project"), join(samShared, "transformed", "transformed.json")]) {
      const header = generate([input, "--format", "cloudformation"]).stdout.split("\n").filter((l) => l.startsWith("#"));
      const simple = header.findIndex((l) => /^# \S*SimpleRole: for /.test(l));
      const shared = header.findIndex((l) => /^# \S*SharedRole: for /.test(l));
      const line = "#   The template's connectors attach ConnPolicy (Conn) to the role the function runs with, this one too: what it grants stays beside this policy; remove a connector the function does not need.";
      expect(header.indexOf(line), input).toBeGreaterThan(simple);
      expect(simple, input).toBeGreaterThan(shared);
      expect(header.filter((l) => l === line), input).toHaveLength(1);
    }
  });

  it("keeps one template for the roles of one", () => {
    const { stdout } = generate([join(samShared, "project"), "--format", "cloudformation"]);
    expect(stdout).not.toMatch(/^---$/m);
    expect(stdout).not.toContain("# For the template");
  });
});

describe("generate -f sam / -f cloudformation writes a Condition's references as it writes Resources", () => {
  // A function mounting an EFS access point the template makes: its permission is conditioned on
  // the access point (elasticfilesystem:AccessPointArn). Before, the Condition held the reader's
  // text `${AccessPoint.Arn}` as a plain string, which CloudFormation does not substitute: a
  // condition that matched no access point, so the deployed function could not mount its file system.
  const template = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  FileSystem:
    Type: AWS::EFS::FileSystem
  AccessPoint:
    Type: AWS::EFS::AccessPoint
    Properties:
      FileSystemId: !Ref FileSystem
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      VpcConfig:
        SubnetIds: [subnet-1]
        SecurityGroupIds: [sg-1]
      FileSystemConfigs:
        - Arn: !GetAtt AccessPoint.Arn
          LocalMountPath: /mnt/efs
`;
  const statementsOf = (value: unknown): Array<{ Action?: string[]; Condition?: Record<string, Record<string, unknown[]>> }> => {
    const out: Array<{ Action?: string[]; Condition?: Record<string, Record<string, unknown[]>> }> = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v !== null && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (Array.isArray(o.Statement)) out.push(...(o.Statement as typeof out));
        Object.values(o).forEach(walk);
      }
    };
    walk(value);
    return out;
  };
  for (const format of ["sam", "cloudformation"]) {
    it(`-f ${format}: the access point condition is Fn::Sub of the template's reference`, () => {
      const dir = mkdtempSync(join(tmpdir(), "lr-efs-cond-"));
      try {
        const file = join(dir, "template.yaml");
        writeFileSync(file, template);
        const { stdout } = generate([file, "--format", format]);
        const efs = statementsOf(YAML.parse(stdout)).filter((st) => st.Action?.includes("elasticfilesystem:ClientMount"));
        expect(efs.length).toBe(1);
        expect(efs[0]!.Condition).toEqual({ StringEquals: { "elasticfilesystem:AccessPointArn": [{ "Fn::Sub": "${AccessPoint.Arn}" }] } });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
