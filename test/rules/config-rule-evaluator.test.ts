/**
 * A Lambda function that evaluates an AWS Config custom rule (`Source.Owner: CUSTOM_LAMBDA`, the
 * function's ARN as `Source.SourceIdentifier`): Config invokes it, and its code reports each result
 * with config:PutEvaluations ("This operation is required in every AWS Lambda function that is
 * invoked by an AWS Config rule", AWS Config API Reference), with its execution role, on `*` (the
 * action has no resource-level permissions; AWSConfigRulesExecutionRole grants it). Before, nothing
 * said a function was a rule's evaluator: LR010 passed a role without the action and `generate` wrote
 * a policy without it, and the rule never showed a result.
 *
 * Through the template and plan readers, the normaliser, the analysis, the compiled pack (LR010) and
 * `generate`. The template is aws-cloudformation/aws-cloudformation-templates Config/Config.yaml
 * (test/fixtures/config-custom-rule/SOURCE.md); the forms it does not show (Sub, a literal ARN, a
 * CUSTOM_POLICY rule, a plan) are written here as AWS's and Terraform's references give them.
 * Needs `npm run build:policies`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeDocument, requiredPermissions } from "../../src/analysis/index.js";
import { evaluateDocument, loadBuiltinPack } from "../../src/evaluate/index.js";
import { generatePolicy } from "../../src/generate/generate.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import type { CanonicalDocument, LambdaFunction } from "../../src/model/document.js";
import { readCloudFormationTemplate } from "../../src/sources/cloudformation/index.js";
import { readTerraformPlan } from "../../src/sources/terraform/index.js";
import { detect } from "../../src/sources/detect.js";
import { readConfigRules } from "../../src/sources/aws-config-rules.js";
import { normalizeFragments } from "../normalize/checked.js";

const catalog = loadActionCatalogSync();
const A = "123456789012";
const REAL = readFileSync(join(__dirname, "..", "fixtures", "config-custom-rule", "Config.yaml"), "utf8");
/** The real template with its evaluator's role lacking the action (its one change). */
const WITHOUT_GRANT = REAL.replace("                  - config:PutEvaluations\n", "");

function read(template: string) {
  return normalizeFragments([readCloudFormationTemplate(Buffer.from(template), "template.yaml", { region: "us-east-1", accountId: A })]);
}

const fnNamed = (doc: CanonicalDocument, name: string): LambdaFunction => doc.functions.find((f) => f.name === name)!;

const configRequirements = (fn: LambdaFunction) =>
  requiredPermissions(fn)
    .filter((r) => r.purpose === "config-rule")
    .map((r) => `${r.subject} ${r.action} ${r.resource} ${r.essential}`);

function lr010(doc: CanonicalDocument) {
  const { findings, diagnostics } = evaluateDocument(analyzeDocument(doc, catalog), [loadBuiltinPack()], { today: "2026-12-03" });
  expect(diagnostics).toEqual([]);
  return findings.filter((f) => f.ruleId === "LR010");
}

/** A template with one evaluator function, its role and a Config rule written as `rule`. */
const TEMPLATE = (rule: string) => `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Evaluator:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: required-tags-evaluator
      Runtime: python3.12
      Handler: index.handler
      Code: { ZipFile: "x" }
      Role: !GetAtt EvaluatorRole.Arn
  EvaluatorRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }]
      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]
  Rule:
    Type: AWS::Config::ConfigRule
    Properties:
${rule}`;

describe("an AWS Config custom rule's evaluator needs config:PutEvaluations", () => {
  describe("CloudFormation", () => {
    it("the real template: its CUSTOM_LAMBDA rule (!GetAtt Fn.Arn) names the function; its AWS managed rule names none", () => {
      const { document } = read(REAL);
      const fn = fnNamed(document, "VolumeAutoEnableIOComplianceCheck");
      expect(fn.configRules).toEqual(["ConfigRuleForVolumeAutoEnableIO"]);
      expect(configRequirements(fn)).toEqual(["ConfigRuleForVolumeAutoEnableIO config:PutEvaluations * true"]);
    });

    it("a Sub of the function's ARN, a literal ARN and a rule without ConfigRuleName (its logical ID) name it too", () => {
      const forms: Array<[string, string]> = [
        ["      ConfigRuleName: required-tags\n      Source:\n        Owner: CUSTOM_LAMBDA\n        SourceIdentifier: !Sub arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${Evaluator}\n", "required-tags"],
        [`      ConfigRuleName: required-tags\n      Source:\n        Owner: CUSTOM_LAMBDA\n        SourceIdentifier: arn:aws:lambda:us-east-1:${A}:function:required-tags-evaluator\n`, "required-tags"],
        ["      Source:\n        Owner: CUSTOM_LAMBDA\n        SourceIdentifier: !GetAtt [Evaluator, Arn]\n        SourceDetails: [{ EventSource: aws.config, MessageType: ScheduledNotification, MaximumExecutionFrequency: TwentyFour_Hours }]\n", "Rule"],
      ];
      for (const [rule, name] of forms) {
        const fn = read(TEMPLATE(rule)).document.functions[0]!;
        expect(fn.configRules, rule).toEqual([name]);
      }
    });

    it("a CUSTOM_POLICY (Guard) rule runs no function, and an AWS managed rule none of the account", () => {
      for (const rule of [
        "      Source:\n        Owner: CUSTOM_POLICY\n        SourceDetails: [{ EventSource: aws.config, MessageType: ConfigurationItemChangeNotification }]\n        CustomPolicyDetails: { PolicyRuntime: guard-2.x.x, PolicyText: 'rule x { }' }\n",
        "      Source:\n        Owner: AWS\n        SourceIdentifier: REQUIRED_TAGS\n",
      ]) {
        const fn = read(TEMPLATE(rule)).document.functions[0]!;
        expect(fn.configRules).toBeUndefined();
        expect(configRequirements(fn)).toEqual([]);
      }
    });

    it("a permission for config.amazonaws.com alone (the rule made elsewhere) makes the function an evaluator, named by the statement", () => {
      const template = TEMPLATE("      Source: { Owner: AWS, SourceIdentifier: REQUIRED_TAGS }\n") + `  ConfigPermission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !GetAtt Evaluator.Arn
      Action: lambda:InvokeFunction
      Principal: config.amazonaws.com
      SourceAccount: !Ref AWS::AccountId
`;
      const fn = read(template).document.functions[0]!;
      expect(configRequirements(fn)).toEqual(["invoked by config.amazonaws.com (resource policy statement ConfigPermission) config:PutEvaluations * true"]);
    });
  });

  describe("resource policy (get-policy of a deployed function)", () => {
    const base = (statements: object[]): LambdaFunction => {
      const fn = read(TEMPLATE("      Source: { Owner: AWS, SourceIdentifier: REQUIRED_TAGS }\n")).document.functions[0]!;
      return { ...fn, accountId: A, resourcePolicy: { Version: "2012-10-17", Statement: statements as never } };
    };
    const statement = (condition?: object) => ({
      Sid: "config",
      Effect: "Allow",
      Principal: { Service: ["config.amazonaws.com"] },
      Action: ["lambda:InvokeFunction"],
      Resource: [`arn:aws:lambda:us-east-1:${A}:function:required-tags-evaluator`],
      ...(condition ? { Condition: condition } : {}),
    });

    it("names the rule its AWS:SourceArn names, else the statement; another account's rules are that account's", () => {
      const rule = `arn:aws:config:us-east-1:${A}:config-rule/config-rule-0123456`;
      expect(configRequirements(base([statement({ ArnLike: { "AWS:SourceArn": [rule] } })]))).toEqual([`${rule} config:PutEvaluations * true`]);
      expect(configRequirements(base([statement({ StringEquals: { "AWS:SourceAccount": [A] } })]))).toEqual(["invoked by config.amazonaws.com (resource policy statement config) config:PutEvaluations * true"]);
      expect(configRequirements(base([statement({ StringEquals: { "AWS:SourceAccount": ["210987654321"] } })]))).toEqual([]);
      // Another service's invoker is not Config's.
      expect(configRequirements(base([{ ...statement(), Principal: { Service: ["events.amazonaws.com"] } }]))).toEqual([]);
    });
  });

  describe("Terraform plan", () => {
    // A plan that makes the function and the rule: the rule's source_identifier is the function's
    // ARN, known only after apply (`aws_lambda_function.evaluator.arn`), in the plan's JSON shape.
    const plan = (source: object, sourceExpressions: object, unknownSource: object) => {
      const resources = [
        { address: "aws_lambda_function.evaluator", mode: "managed", type: "aws_lambda_function", name: "evaluator", values: { function_name: "required-tags-evaluator", role: `arn:aws:iam::${A}:role/evaluator`, runtime: "python3.12" } },
        { address: "aws_config_config_rule.required_tags", mode: "managed", type: "aws_config_config_rule", name: "required_tags", values: { name: "required-tags", source: [source] } },
      ];
      const unknown: Record<string, object> = { "aws_lambda_function.evaluator": { arn: true }, "aws_config_config_rule.required_tags": { arn: true, source: [unknownSource] } };
      return {
        format_version: "1.2",
        terraform_version: "1.9.5",
        planned_values: { root_module: { resources } },
        resource_changes: resources.map((r) => ({ address: r.address, mode: "managed", type: r.type, name: r.name, change: { actions: ["create"], before: null, after: r.values, after_unknown: unknown[r.address] ?? {} } })),
        configuration: {
          provider_config: { aws: { name: "aws", expressions: { region: { constant_value: "us-east-1" } } } },
          root_module: {
            resources: [
              { address: "aws_lambda_function.evaluator", mode: "managed", type: "aws_lambda_function", name: "evaluator", expressions: { function_name: { constant_value: "required-tags-evaluator" } } },
              { address: "aws_config_config_rule.required_tags", mode: "managed", type: "aws_config_config_rule", name: "required_tags", expressions: { name: { constant_value: "required-tags" }, source: [sourceExpressions] } },
            ],
          },
        },
      };
    };
    const fnOf = (p: object) => normalizeFragments([readTerraformPlan(Buffer.from(JSON.stringify(p)), "plan.json", { accountId: A })]).document.functions[0]!;

    it("source { owner = CUSTOM_LAMBDA, source_identifier = aws_lambda_function.evaluator.arn } names the plan's function", () => {
      const fn = fnOf(
        plan(
          { owner: "CUSTOM_LAMBDA", source_detail: [{ event_source: "aws.config", message_type: "ConfigurationItemChangeNotification", maximum_execution_frequency: "" }], custom_policy_details: [] },
          { owner: { constant_value: "CUSTOM_LAMBDA" }, source_identifier: { references: ["aws_lambda_function.evaluator.arn", "aws_lambda_function.evaluator"] } },
          { source_identifier: true, source_detail: [{}], custom_policy_details: [] },
        ),
      );
      expect(fn.configRules).toEqual(["required-tags"]);
      expect(configRequirements(fn)).toEqual(["required-tags config:PutEvaluations * true"]);
    });

    it("a terraform-aws-modules/lambda call's lambda_function_arn output names the module's function", () => {
      // The sweep's tfmod-async plan (a call of the module), with a rule of the root module on its output.
      const p = JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "terraform-sweep", "tfmod-async", "plan.json"), "utf8")) as Record<string, any>;
      const values = { name: "required-tags", source: [{ owner: "CUSTOM_LAMBDA", source_detail: [], custom_policy_details: [] }] };
      const rule = { address: "aws_config_config_rule.r", mode: "managed", type: "aws_config_config_rule", name: "r" };
      (p.planned_values.root_module.resources ??= []).push({ ...rule, values });
      p.resource_changes.push({ ...rule, change: { actions: ["create"], before: null, after: values, after_unknown: { arn: true, source: [{ source_identifier: true, source_detail: [], custom_policy_details: [] }] } } });
      (p.configuration.root_module.resources ??= []).push({ ...rule, expressions: { name: { constant_value: "required-tags" }, source: [{ owner: { constant_value: "CUSTOM_LAMBDA" }, source_identifier: { references: ["module.lambda_function.lambda_function_arn", "module.lambda_function"] } }] } });
      expect(fnOf(p).configRules).toEqual(["required-tags"]);
    });

    it("a literal ARN names it too; owner AWS names none", () => {
      const arn = `arn:aws:lambda:us-east-1:${A}:function:required-tags-evaluator`;
      const literal = fnOf(plan({ owner: "CUSTOM_LAMBDA", source_identifier: arn }, { owner: { constant_value: "CUSTOM_LAMBDA" }, source_identifier: { constant_value: arn } }, {}));
      expect(literal.configRules).toEqual(["required-tags"]);
      const managed = fnOf(plan({ owner: "AWS", source_identifier: "REQUIRED_TAGS" }, { owner: { constant_value: "AWS" }, source_identifier: { constant_value: "REQUIRED_TAGS" } }, {}));
      expect(managed.configRules).toBeUndefined();
    });
  });

  describe("describe-config-rules", () => {
    const sample = JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "config-custom-rule", "describe-config-rules.json"), "utf8")) as { ConfigRules: Array<Record<string, unknown>> };
    const readRules = (value: object) => readConfigRules({ file: "rules.json", values: [value], sha256: "0", context: { call: null, service: null, region: null, parameter: null } });

    it("the AWS CLI's example is recognised and names its custom rule's function", () => {
      expect(detect([sample]).kind).toBe("aws-config-rules");
      const f = readRules(sample);
      expect(f.functionPatches.map((p) => [p.functionArn, p.patch.configRules])).toEqual([[`arn:aws:lambda:us-east-1:${A}:function:InstanceTypeCheck`, ["InstanceTypesAreT2micro"]]]);
      expect([f.partial, f.pagination?.truncated, f.warnings]).toEqual([false, false, []]);
    });

    it("managed, Guard and deleting rules name no function; another account's function is not this rule's evaluator; a NextToken says the list is cut", () => {
      const rule = sample.ConfigRules[0]!;
      const source = rule["Source"] as object;
      const f = readRules({
        ConfigRules: [
          { ...rule, ConfigRuleName: "managed", Source: { Owner: "AWS", SourceIdentifier: "REQUIRED_TAGS" } },
          { ...rule, ConfigRuleName: "guard", Source: { Owner: "CUSTOM_POLICY", SourceDetails: [], CustomPolicyDetails: { PolicyRuntime: "guard-2.x.x", PolicyText: "" } } },
          { ...rule, ConfigRuleName: "deleting", ConfigRuleState: "DELETING" },
          { ...rule, ConfigRuleName: "cross-account", Source: { ...source, SourceIdentifier: "arn:aws:lambda:us-east-1:210987654321:function:central-check" } },
        ],
        NextToken: "abc",
      });
      expect(f.functionPatches).toEqual([]);
      expect(f.pagination).toEqual({ truncated: true, path: "NextToken" });
    });
  });

  describe("LR010 and generate", () => {
    it("LR010 reports the real template's evaluator when its role lacks the action, naming the rule; not when the role grants it", () => {
      const missing = lr010(read(WITHOUT_GRANT).document);
      expect(missing.map((f) => f.message)).toEqual(["Function VolumeAutoEnableIOComplianceCheck: its execution role cannot report the results of its AWS Config rule ConfigRuleForVolumeAutoEnableIO (missing config:PutEvaluations)"]);
      expect(missing[0]!.severity).toBe("medium");
      expect(missing[0]!.evidence).toMatchObject({ purpose: "config-rule", subject: "ConfigRuleForVolumeAutoEnableIO", missing: [{ action: "config:PutEvaluations", resource: "*", decision: "implicit-deny" }] });
      expect(lr010(read(REAL).document)).toEqual([]);
    });

    it("generate writes config:PutEvaluations on * for the evaluator, without CloudTrail", () => {
      const { document } = read(WITHOUT_GRANT);
      const g = generatePolicy(document, "VolumeAutoEnableIOComplianceCheck", {}, catalog);
      const config = g.policy.Statement.filter((s) => (s.Action ?? []).some((a) => a.startsWith("config:")));
      expect(config.map((s) => [s.Action, s.Resource])).toEqual([[["config:PutEvaluations"], ["*"]]]);
      expect(g.grants.find((x) => x.action === "config:PutEvaluations")?.provenance).toEqual([{ kind: "required", purpose: "config-rule", detail: "ConfigRuleForVolumeAutoEnableIO" }]);
    });
  });
});
