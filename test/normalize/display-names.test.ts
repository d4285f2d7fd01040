/**
 * Findings name roles, functions and policies as the user's code does (src/normalize/display-names.ts,
 * `display_name` and `policy_name` in policies/lib/analysis.rego): the CDK construct path, the
 * CloudFormation/SAM logical ID, the Terraform address; an account export's names are unchanged.
 * Before, a CDK app's finding said `Role AWS679f53fac002430cb0da5b7982bd2287ServiceRoleC1EA0FF2-75cf490e:
 * inline:GetParameterCustomResourcePolicyD8E5D455 Statement[0]`, names the user never wrote.
 * Only the message changes: resource, detail and fingerprint stay those of the names in AWS.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { auditDocument } from "../../src/audit/index.js";
import { buildDocument } from "../../src/audit/build-document.js";
import { fingerprintOf } from "../../src/evaluate/findings.js";
import { normalize } from "../../src/audit/normalize-paths.js";

const SWEEP = new URL("../fixtures/cdk-sweep/", import.meta.url).pathname;
const TF = new URL("../fixtures/terraform-sweep/", import.meta.url).pathname;
const DEMO = new URL("../../examples/demo-account/", import.meta.url).pathname;
const read = (paths: string[]) => buildDocument(paths, { workers: 1 });

describe("display names of templates and plans", () => {
  it("a CDK app's role, function and policy are named by construct path, in the document and in the finding", async () => {
    const doc = await read([join(SWEEP, "aws-custom-resource-ssm-cross-stack")]);
    const role = doc.roles[0]!;
    expect(role.displayName).toBe("GetParameterStack/AWS679f53fac002430cb0da5b7982bd2287/ServiceRole");
    expect(role.inlinePolicies.map((p) => p.displayName)).toEqual(["GetParameterStack/GetParameter/CustomResourcePolicy"]);
    expect(role.analysis?.policyDisplayNames).toEqual({ "inline:GetParameterCustomResourcePolicyD8E5D455": "GetParameterStack/GetParameter/CustomResourcePolicy" });
    expect(doc.functions[0]!.displayName).toBe("GetParameterStack/AWS679f53fac002430cb0da5b7982bd2287");

    const [f] = auditDocument(doc).findings.filter((x) => x.ruleId === "LR003");
    expect(f!.message.startsWith("Role GetParameterStack/AWS679f53fac002430cb0da5b7982bd2287/ServiceRole: GetParameterStack/GetParameter/CustomResourcePolicy Statement[0] grants 1 action")).toBe(true);
    // The finding's identity is the role's ARN and the statement's reference, as before.
    expect(f!.resource.name).toBe("AWS679f53fac002430cb0da5b7982bd2287ServiceRoleC1EA0FF2-75cf490e");
    expect(f!.fingerprint).toBe(fingerprintOf("LR003", role.arn, "inline:GetParameterCustomResourcePolicyD8E5D455#0"));
  });

  it("a template's role without RoleName is named by its logical ID; a policy in the role's Policies keeps its name, one of its own resource is named by its logical ID", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-display-"));
    try {
      const file = join(dir, "template.yaml");
      writeFileSync(
        file,
        [
          "Resources:",
          "  OrdersRole:",
          "    Type: AWS::IAM::Role",
          "    Properties:",
          "      AssumeRolePolicyDocument:",
          "        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]",
          "      Policies:",
          "        - PolicyName: own",
          "          PolicyDocument:",
          "            Statement: [{Effect: Allow, Action: 'sqs:*', Resource: '*'}]",
          "  OrdersData:",
          "    Type: AWS::IAM::Policy",
          "    Properties:",
          "      PolicyName: orders-data",
          "      Roles: [!Ref OrdersRole]",
          "      PolicyDocument:",
          "        Statement: [{Effect: Allow, Action: 'dynamodb:*', Resource: '*'}]",
          "  OrdersFn:",
          "    Type: AWS::Lambda::Function",
          "    Properties:",
          "      FunctionName: orders-api",
          "      Runtime: nodejs20.x",
          "      Handler: index.handler",
          "      Code: {ZipFile: 'exports.handler = async () => 1'}",
          "      Role: !GetAtt OrdersRole.Arn",
          "",
        ].join("\n"),
      );
      const doc = await read([file]);
      const role = doc.roles.find((r) => r.source?.address === "OrdersRole")!;
      expect(doc.functions[0]!.displayName).toBe("OrdersFn");
      expect(role.analysis?.policyDisplayNames).toEqual({ "inline:orders-data": "OrdersData" });
      const lr002 = auditDocument(doc)
        .findings.filter((f) => f.ruleId === "LR002")
        .map((f) => [f.message.slice(0, f.message.indexOf(" allows")), f.resource.name, f.fingerprint]);
      expect(lr002).toEqual([
        ["Role OrdersRole: OrdersData Statement[0]", role.name, fingerprintOf("LR002", role.arn, "inline:orders-data#0")],
        ["Role OrdersRole: inline:own Statement[0]", role.name, fingerprintOf("LR002", role.arn, "inline:own#0")],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("LR013 names a reader of the function's environment as the code does (cdk synth output)", async () => {
    const synth = new URL("../iac/fixtures/cdk-synth/cdk.out/", import.meta.url).pathname;
    const doc = await read([join(synth, "OrdersStack.template.json"), join(synth, "OrdersStackNestedB84F9012.nested.template.json")]);
    const messages = auditDocument(doc).findings.filter((f) => f.ruleId === "LR013").map((f) => f.message);
    // Before: "…readable by 1 principal: arn:aws:iam::111122223333:role/OrdersStack-SharedRoleD1D02F7E".
    expect(messages).toEqual(["Function OrdersStack/Api has 2 environment variables readable by 1 principal: OrdersStack/SharedRole"]);
  });

  it("a Terraform plan's resources are named by address; a terraform-aws-modules/lambda call's function by the call, which is what the user wrote", async () => {
    const doc = await read([join(TF, "tfmod-async", "plan.json")]);
    expect(doc.roles.map((r) => r.displayName)).toEqual(["module.lambda_function.aws_iam_role.lambda[0]"]);
    expect(doc.functions.map((f) => f.displayName)).toEqual(["module.lambda_function"]);
    expect(Object.values(doc.policies).filter((p) => !p.awsManaged).map((p) => p.displayName).sort()).toEqual(["module.lambda_function.aws_iam_policy.async[0]", "module.lambda_function.aws_iam_policy.logs[0]"]);
  });

  it("a canonical document given as input keeps its display names: normalising it again gives the same document", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-display-"));
    try {
      const first = (await normalize([join(SWEEP, "aws-custom-resource-ssm-cross-stack")])).document;
      const file = join(dir, "document.json");
      writeFileSync(file, JSON.stringify(first));
      const again = (await normalize([file])).document;
      expect(again.roles[0]!.displayName).toBe("GetParameterStack/AWS679f53fac002430cb0da5b7982bd2287/ServiceRole");
      expect(JSON.stringify(again)).toBe(JSON.stringify(first));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an account export has none: its names are those in AWS", async () => {
    const doc = await read([join(DEMO, "iam"), join(DEMO, "lambda")]);
    expect(doc.roles.length).toBeGreaterThan(0);
    expect([...doc.roles, ...doc.functions, ...doc.principals].filter((e) => e.displayName !== undefined)).toEqual([]);
    expect(doc.roles.filter((r) => r.analysis?.policyDisplayNames !== undefined)).toEqual([]);
    expect(auditDocument(doc).findings.find((f) => f.ruleId === "LR001")?.message).toMatch(/^Role orders-shared-role is the execution role of 2 functions \(orders-api, orders-worker\)/);
  });
});
