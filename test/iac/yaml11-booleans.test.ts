/**
 * CloudFormation reads YAML 1.1: an unquoted `yes`/`no`/`on`/`off` is a boolean, which it turns into
 * "true"/"false" where a string is taken (aws/aws-cli#5257: "CloudFormation treats unquoted values
 * that are YAML 1.1 native booleans as booleans"; ASFHyP3/hyp3#2061: tag values YES/NO deployed as
 * "true"/"false"). Before, the yaml package's YAML 1.2 read them as text.
 */
import { describe, expect, it } from "vitest";
import { readCloudFormationTemplate } from "../../src/sources/cloudformation/index.js";
import { parseYamlLocated } from "../../src/sources/cloudformation/located.js";
import { parameterViolation } from "../../src/sources/cloudformation/parameters.js";

const TEMPLATE = `Parameters:
  UsePolicy:
    Type: String
    AllowedValues: [yes, no]
    Default: yes
Conditions:
  WithPolicy: !Equals [!Ref UsePolicy, "true"]
Resources:
  Queue: {Type: AWS::SQS::Queue}
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt Role.Arn
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: x}
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
      Policies:
        - !If
          - WithPolicy
          - PolicyName: consume
            PolicyDocument:
              Statement: [{Effect: Allow, Action: [sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes], Resource: !GetAtt Queue.Arn}]
          - !Ref AWS::NoValue
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Fn
      EventSourceArn: !GetAtt Queue.Arn
      Enabled: no
`;

describe("YAML 1.1 booleans, as CloudFormation reads them", () => {
  it("unquoted yes/no/on/off in every case form are booleans; quoted, tagged and single letters stay text", () => {
    const v = parseYamlLocated("a: yes\nb: No\nc: ON\nd: off\ne: 'yes'\nf: N\ng: y\nh: !Ref yes\ni: true\n", "t.yaml").value;
    expect(v).toEqual({ a: true, b: false, c: true, d: false, e: "yes", f: "N", g: "y", h: { Ref: "yes" }, i: true });
  });

  it("a Default of yes decides !Equals [..., \"true\"], and Enabled: no disables the mapping", () => {
    const f = readCloudFormationTemplate(Buffer.from(TEMPLATE), "t.yaml");
    expect(f.roles[0]?.inlinePolicies.map((p) => p.name)).toEqual(["consume"]);
    expect(f.functions[0]?.triggers.map((t) => t.state)).toEqual(["Disabled"]);
    expect(f.warnings.filter((w) => w.code === "cloudformation-undecided-condition")).toEqual([]);
  });

  it("AllowedValues [yes, no] are [true, false]: a --parameter of yes is refused, as CloudFormation refuses it, and the message says why", () => {
    const spec = (parseYamlLocated(TEMPLATE, "t.yaml").value as { Parameters: { UsePolicy: unknown } }).Parameters.UsePolicy;
    expect(parameterViolation(spec, "true")).toBeNull();
    expect(parameterViolation(spec, "yes")).toBe("must be one of AllowedValues [true, false]; unquoted in the template, yes/no/on/off are YAML 1.1 booleans, which CloudFormation reads as true/false: give true");
  });
});
