/**
 * A function with the Lambda Insights extension layer (`LambdaInsightsExtension`, or
 * `LambdaInsightsExtension-Arm64` on arm64, published by AWS in each Region). The extension writes
 * the function's performance metrics as log events to `/aws/lambda-insights` with the execution
 * role; CloudWatchLambdaInsightsExecutionRolePolicy, "Policy required for the Lambda Insights
 * Extension", grants logs:CreateLogGroup on `*` and logs:CreateLogStream and logs:PutLogEvents on
 * `arn:aws:logs:*:*:log-group:/aws/lambda-insights:*`. Before, nothing was required of the layer:
 * `generate` wrote a policy without them (the metrics silently lost) and LR010 passed such a role.
 *
 * Through the template reader, the normaliser, the analysis, the compiled pack (LR010) and
 * `generate`. Needs `npm run build:policies`.
 */
import { describe, expect, it } from "vitest";
import { builtinFindings, readTemplate } from "./support/template-rules.js";
import { requiredPermissions } from "../../src/analysis/index.js";
import { generatePolicy } from "../../src/generate/generate.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";

const catalog = loadActionCatalogSync();
const GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda-insights";

const template = (layer: string, managed: string) => `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Api:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: api
      Runtime: python3.12
      Handler: app.handler
      Code: { ZipFile: x }
      Role: !GetAtt ApiRole.Arn
${layer === "" ? "" : `      Layers:\n        - ${layer}\n`}  ApiRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }]
      ManagedPolicyArns:
${managed.split(", ").map((m) => `        - ${m}\n`).join("")}`;
const read = (text: string) => readTemplate(text);
const BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
const INSIGHTS = "arn:aws:iam::aws:policy/CloudWatchLambdaInsightsExecutionRolePolicy";
const LAYER = "!Sub arn:aws:lambda:${AWS::Region}:580247275435:layer:LambdaInsightsExtension:53";
const ARM = "arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension-Arm64:20";

const lr010 = (text: string) => {
  const findings = builtinFindings(read(text));
  return findings.filter((f) => f.ruleId === "LR010");
};

describe("the Lambda Insights extension layer", () => {
  it("requires the three logs actions on /aws/lambda-insights (x86_64 and arm64 layers); no layer, nothing", () => {
    for (const layer of [LAYER, ARM]) {
      const rows = requiredPermissions(read(template(layer, BASIC)).functions[0]!)
        .filter((r) => r.purpose === "insights")
        .map((r) => `${r.action} ${r.resource} ${r.essential}`);
      expect(rows, layer).toEqual([`logs:CreateLogGroup ${GROUP} false`, `logs:CreateLogStream ${GROUP}:log-stream:* true`, `logs:PutLogEvents ${GROUP}:log-stream:* true`]);
    }
    expect(requiredPermissions(read(template("arn:aws:lambda:us-east-1:123456789012:layer:shared:3", BASIC)).functions[0]!).filter((r) => r.purpose === "insights")).toEqual([]);
  });

  it("LR010 reports a role without them; AWSLambdaBasicExecutionRole (logs on *) or CloudWatchLambdaInsightsExecutionRolePolicy passes", () => {
    const scoped = template(LAYER, "!Ref Logs").replace(
      "  ApiRole:",
      `  Logs:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - { Effect: Allow, Action: [logs:CreateLogGroup, logs:CreateLogStream, logs:PutLogEvents], Resource: !Sub 'arn:aws:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/api:*' }
  ApiRole:`,
    );
    const missing = lr010(scoped);
    expect(missing.map((f) => [f.severity, f.message])).toEqual([
      ["medium", "Function Api: its execution role cannot write the metrics of its Lambda Insights extension to its log group /aws/lambda-insights (missing logs:CreateLogGroup, logs:CreateLogStream, logs:PutLogEvents)"],
    ]);
    expect(lr010(template(LAYER, BASIC))).toEqual([]);
    expect(lr010(template(LAYER, `${BASIC}, ${INSIGHTS}`))).toEqual([]);
  });

  it("generate grants them on that group", () => {
    const g = generatePolicy(read(template(LAYER, BASIC)), "api", {}, catalog);
    const flat = g.policy.Statement.flatMap((s) => (s.Action ?? []).flatMap((a) => [s.Resource ?? []].flat().map((r) => `${a} ${r}`)));
    expect(flat.filter((x) => x.includes("lambda-insights")).sort()).toEqual([
      `logs:CreateLogGroup ${GROUP}`,
      `logs:CreateLogGroup ${GROUP}:*`,
      `logs:CreateLogStream ${GROUP}:log-stream:*`,
      `logs:PutLogEvents ${GROUP}:log-stream:*`,
    ]);
  });
});
