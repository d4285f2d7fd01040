/**
 * A function with an Application Signals layer (the AWS Distro for OpenTelemetry layers
 * `AWSOpenTelemetryDistroPython`, `…Js`, `…Java`, `…DotNet`, published by AWS in each Region). The
 * layer sends the function's spans to X-Ray and its Application Signals metrics as log events to
 * `/aws/application-signals/data` with the execution role; the CloudWatch user guide's Lambda setup
 * attaches CloudWatchLambdaApplicationSignalsExecutionRolePolicy, which grants xray:PutTraceSegments
 * on `*` and logs:CreateLogGroup, CreateLogStream and PutLogEvents on
 * `arn:aws:logs:*:*:log-group:/aws/application-signals/data:*` (in the role's own account). Before,
 * nothing was required of the layer: `generate` wrote a policy without them (the telemetry lost)
 * and LR010 passed such a role.
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
const GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/application-signals/data";

const template = (layer: string, managed: string) => `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Api:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: api
      Runtime: nodejs22.x
      Handler: index.handler
      Code: { ZipFile: x }
      Role: !GetAtt ApiRole.Arn
      Environment: { Variables: { AWS_LAMBDA_EXEC_WRAPPER: /opt/otel-instrument } }
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
const SIGNALS = "arn:aws:iam::aws:policy/CloudWatchLambdaApplicationSignalsExecutionRolePolicy";
const JS = "arn:aws:lambda:us-east-1:615299751070:layer:AWSOpenTelemetryDistroJs:6";
const LAYERS = [JS, "!Sub arn:aws:lambda:${AWS::Region}:615299751070:layer:AWSOpenTelemetryDistroPython:16", "arn:aws:lambda:us-east-1:615299751070:layer:AWSOpenTelemetryDistroJava:5", "arn:aws:lambda:us-east-1:615299751070:layer:AWSOpenTelemetryDistroDotNet:3"];

const lr010 = (text: string) => {
  const findings = builtinFindings(read(text));
  return findings.filter((f) => f.ruleId === "LR010");
};

describe("the Application Signals layer", () => {
  it("requires X-Ray and the three logs actions on /aws/application-signals/data (each runtime's layer); other layers, nothing", () => {
    for (const layer of LAYERS) {
      const fn = read(template(layer, BASIC)).functions[0]!;
      const rows = requiredPermissions(fn)
        .filter((r) => r.purpose === "application-signals")
        .map((r) => `${r.subject === fn.layers[0] ? "layer" : r.subject} ${r.action} ${r.resource} ${r.essential}`);
      expect(rows, layer).toEqual([`layer logs:CreateLogGroup ${GROUP} false`, `layer logs:CreateLogStream ${GROUP}:log-stream:* true`, `layer logs:PutLogEvents ${GROUP}:log-stream:* true`, "layer xray:PutTraceSegments * true"]);
    }
    // The older ADOT collector layers and a layer of one's own are not Application Signals.
    for (const other of ["arn:aws:lambda:us-east-1:901920570463:layer:aws-otel-nodejs-amd64-ver-1-18-1:4", "arn:aws:lambda:us-east-1:123456789012:layer:AWSOpenTelemetryDistroJsCustom:1"]) {
      expect(requiredPermissions(read(template(other, BASIC)).functions[0]!).filter((r) => r.purpose === "application-signals"), other).toEqual([]);
    }
  });

  it("LR010 reports a role without them; CloudWatchLambdaApplicationSignalsExecutionRolePolicy passes", () => {
    const missing = lr010(template(JS, BASIC));
    expect(missing.map((f) => [f.severity, f.message])).toEqual([
      ["medium", `Function Api: its execution role cannot send the Application Signals telemetry of its layer ${JS} (missing xray:PutTraceSegments)`],
    ]);
    const scoped = template(JS, "!Ref Logs").replace(
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
    expect(lr010(scoped).map((f) => f.message)).toEqual([
      `Function Api: its execution role cannot send the Application Signals telemetry of its layer ${JS} (missing logs:CreateLogGroup, logs:CreateLogStream, logs:PutLogEvents, xray:PutTraceSegments)`,
    ]);
    expect(lr010(template(JS, `${BASIC}, ${SIGNALS}`))).toEqual([]);
  });

  it("generate grants them", () => {
    const g = generatePolicy(read(template(JS, BASIC)), "api", {}, catalog);
    const flat = g.policy.Statement.flatMap((s) => (s.Action ?? []).flatMap((a) => [s.Resource ?? []].flat().map((r) => `${a} ${r}`)));
    expect(flat.filter((x) => x.includes("application-signals") || x.startsWith("xray:")).sort()).toEqual([
      `logs:CreateLogGroup ${GROUP}`,
      `logs:CreateLogGroup ${GROUP}:*`,
      `logs:CreateLogStream ${GROUP}:log-stream:*`,
      `logs:PutLogEvents ${GROUP}:log-stream:*`,
      "xray:PutTraceSegments *",
    ]);
  });
});
