/**
 * The IaC fragments through the real normaliser: functions join their roles by the (synthetic)
 * ARNs, the canonical document validates against its JSON Schema, and what the readers reported
 * as partial stays partial in the document.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { normalizeFragments, validateCanonicalDocument } from "../../src/normalize/index.js";
import { readCloudFormationTemplate } from "../../src/sources/cloudformation/index.js";
import { readTerraformPlan } from "../../src/sources/terraform/index.js";
import { analyzeDocument } from "../../src/analysis/index.js";
import { auditDocument } from "../../src/audit/index.js";

const corpus = "/work/shared/corpus";

describe("IaC fragments through the normaliser", () => {
  it("Terraform plan: every function joined to its role, schema-valid, partial kept", () => {
    const fragment = readTerraformPlan(readFileSync("test/iac/fixtures/terraform/lambda-app.plan.json"), "lambda-app.plan.json");
    const { document } = normalizeFragments([fragment]);
    const validation = validateCanonicalDocument(document);
    expect(validation.errors ?? []).toEqual([]);
    expect(validation.valid).toBe(true);
    const api = document.roles.find((r) => r.name === "api-handler-role");
    expect(api?.functions).toEqual(["arn:aws:lambda:eu-west-1:unknown:function:api-handler"]);
    expect(api?.trustsLambda).toBe(true);
    expect(document.roles.find((r) => r.name === "jobs-worker-role")?.functions).toEqual(["arn:aws:lambda:eu-west-1:unknown:function:jobs-worker"]);
    expect(document.meta.partial).toBe(true);
    expect(document.functions.map((f) => f.name)).toEqual(["api-handler", "jobs-worker", "legacy-report"]);
  });

  it("Terraform users and groups are schema-valid principals", () => {
    const fragment = readTerraformPlan(readFileSync(`${corpus}/checkov-tfplan-fixtures/plan_with_iam_policies.tfplan.json`), "p.json");
    const { document } = normalizeFragments([fragment]);
    expect(validateCanonicalDocument(document).valid).toBe(true);
    expect(document.principals.map((p) => [p.type, p.name])).toEqual([
      ["group", "example"],
      ["user", "example"],
    ]);
  });

  it("SAM template: generated roles joined, AWS managed policies resolved from the shipped data", () => {
    const fragment = readCloudFormationTemplate(readFileSync(`${corpus}/serverless-patterns-sam/apigw-kinesis-lambda/template.yaml`), "template.yaml");
    const { document } = normalizeFragments([fragment]);
    expect(validateCanonicalDocument(document).valid).toBe(true);
    const role = document.roles.find((r) => r.name === "LambdaConsumerRole");
    expect(role?.functions).toEqual(["arn:aws:lambda:unknown:unknown:function:LambdaConsumer"]);
    expect(document.policies["arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole"]?.resolution).toBe("aws-managed-data");
  });

  it("the whole serverless-patterns corpus normalises to schema-valid documents with every function joined", () => {
    const dir = `${corpus}/serverless-patterns-sam`;
    const files = ["activemq-lambda/template.yaml", "apigw-lambda-sfn-transcribe-translate-polly-sam/template.yaml", "lambda-esm-msk-filters-sam/template.yaml", "cloudfront-lambda-url-rust/template.yml", "lambda-microvms-multi-tenant-ai-agents/template.yaml"];
    for (const f of files) {
      const { document } = normalizeFragments([readCloudFormationTemplate(readFileSync(`${dir}/${f}`), f)]);
      expect(validateCanonicalDocument(document).valid, f).toBe(true);
      for (const fn of document.functions) {
        expect(document.roles.find((r) => r.arn === fn.roleArn)?.functions, `${f}: ${fn.name}`).toContain(fn.arn);
      }
    }
  });
});

describe("a function whose name CloudFormation generates", () => {
  // CloudFormation names it <stack>-<logical ID>-<suffix>: only the stack's prefix is knowable.
  const template = (logsResource: string | null) =>
    JSON.stringify({
      Resources: {
        WorkerRole: {
          Type: "AWS::IAM::Role",
          Properties: {
            AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] },
            Policies:
              logsResource === null
                ? []
                : [{ PolicyName: "logs", PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], Resource: { "Fn::Sub": logsResource } }] } }],
          },
        },
        Worker: { Type: "AWS::Lambda::Function", Properties: { Role: { "Fn::GetAtt": ["WorkerRole", "Arn"] }, Runtime: "python3.12", Handler: "a.b", Code: { ZipFile: "x" } } },
      },
    });
  const lr005 = async (text: string, stackName?: string) => {
    const fragment = readCloudFormationTemplate(Buffer.from(text), "template.json", stackName ? { stackName } : {});
    const { document } = normalizeFragments([fragment]);
    const findings = auditDocument(analyzeDocument(document)).findings;
    return { logGroup: document.functions[0]?.logGroup, findings: findings.filter((f) => f.ruleId === "LR005").map((f) => f.severity) };
  };

  it("has the log group /aws/lambda/<stack>-<logical ID's start>*: a grant on the stack's functions is no missing permission", async () => {
    // As the CDK writes it for its own functions: the stack's name spelt out.
    const stackGrant = template("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/orders*");
    expect(await lr005(stackGrant)).toEqual({ logGroup: "/aws/lambda/${AWS::StackName}-Worker*", findings: [] });
    expect(await lr005(stackGrant, "orders")).toEqual({ logGroup: "/aws/lambda/orders-Worker*", findings: [] });
  });

  it("keeps what survives CloudFormation's cut to 64 characters: the stack's name and the logical ID's start", async () => {
    // A CDK custom resource handler's logical ID (62 characters) in a 12-character stack: deployed
    // as TodoAppStack-BucketNotificationsHandler050a0587b75-1BQ2LOUD7KPXI (a public deployment's name).
    const long = template(null).replaceAll('"Worker"', '"BucketNotificationsHandler050a0587b7586bcc8ac6412a71fc8b64"').replace('"Worker":', '"BucketNotificationsHandler050a0587b7586bcc8ac6412a71fc8b64":');
    expect((await lr005(long, "TodoAppStack")).logGroup).toBe("/aws/lambda/TodoAppStack-BucketNotificationsHandler050a0587b*");
    expect("TodoAppStack-BucketNotificationsHandler050a0587b75-1BQ2LOUD7KPXI".startsWith("TodoAppStack-BucketNotificationsHandler050a0587b")).toBe(true);
    expect((await lr005(long)).logGroup).toBe("/aws/lambda/${AWS::StackName}-BucketNoti*");
  });

  it("a name known only at deployment (!Sub with the stack's name, a parameter without default) is that name, not a generated one", () => {
    const named = (functionName: unknown) =>
      readCloudFormationTemplate(
        JSON.stringify({ Parameters: { App: { Type: "String" } }, Resources: { Worker: { Type: "AWS::Lambda::Function", Properties: { FunctionName: functionName, Role: "arn:aws:iam::123456789012:role/r", Runtime: "python3.12", Handler: "a.b", Code: { ZipFile: "x" } } } } }),
        "t.json",
      ).functions[0]?.logGroup;
    expect(named({ "Fn::Sub": "${AWS::StackName}-processor" })).toBe("/aws/lambda/${AWS::StackName}-processor");
    expect(named({ "Fn::Sub": "${App}-function" })).toBe("/aws/lambda/${App}-function");
    expect(named("fixed")).toBe("/aws/lambda/fixed");
    expect(named(undefined)).toBe("/aws/lambda/${AWS::StackName}-Worker*");
  });

  it("still misses its logs when the role grants none, or (the stack known) only another stack's", async () => {
    expect((await lr005(template(null))).findings).toEqual(["medium"]);
    expect((await lr005(template("arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/billing*"), "orders")).findings).toEqual(["medium"]);
  });
});
