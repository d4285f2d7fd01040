/**
 * A cross-account Amazon MSK event source mapping. The Lambda developer guide ("Creating
 * cross-account event source mappings in Lambda"): "When you create the event source mapping, use
 * the managed VPC connection ARN instead of the cluster ARN", e.g.
 * `arn:aws:kafka:us-east-1:111122223333:vpc-connection/444455556666/my-cluster-name/<cluster UUID>`;
 * and its MSK execution role permissions list kafka:DescribeVpcConnection, "Only required for
 * cross-account event source mappings". Before, such a mapping was required kafka:DescribeClusterV2
 * and GetBootstrapBrokers on the VPC connection (they act on a cluster) and never
 * DescribeVpcConnection: generate wrote a policy the mapping could not start with, and LR010 passed
 * a role without it.
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
const CONNECTION = "arn:aws:kafka:us-east-1:111122223333:vpc-connection/444455556666/orders/51ab98b4-0a61-46cc-b0a6-61f9a3d797d5-7";
const CLUSTER = "arn:aws:kafka:us-east-1:444455556666:cluster/orders/51ab98b4-0a61-46cc-b0a6-61f9a3d797d5-7";
const SECRET = "arn:aws:secretsmanager:us-east-1:111122223333:secret:AmazonMSK_orders-AbCdEf";

const template = (statements: string) => `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Consumer:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: consumer
      Runtime: python3.12
      Handler: app.handler
      Code: { ZipFile: x }
      Role: !GetAtt ConsumerRole.Arn
  ConsumerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }]
      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]
      Policies:
        - PolicyName: msk
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action: [ec2:CreateNetworkInterface, ec2:DeleteNetworkInterface, ec2:DescribeNetworkInterfaces, ec2:DescribeSecurityGroups, ec2:DescribeSubnets, ec2:DescribeVpcs]
                Resource: '*'
              - { Effect: Allow, Action: secretsmanager:GetSecretValue, Resource: ${SECRET} }
${statements}  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Consumer
      EventSourceArn: ${CONNECTION}
      Topics: [orders]
      StartingPosition: LATEST
      SourceAccessConfigurations: [{ Type: SASL_SCRAM_512_AUTH, URI: ${SECRET} }]
`;
const read = (text: string) => readTemplate(text, "111122223333");

describe("a cross-account MSK mapping (a managed VPC connection as its source)", () => {
  it("requires kafka:DescribeVpcConnection on the connection, and the cluster actions on the other account's cluster", () => {
    const rows = requiredPermissions(read(template("")).functions[0]!)
      .filter((r) => r.action.startsWith("kafka:"))
      .map((r) => `${r.action} ${r.resource}`);
    expect(rows).toEqual([`kafka:DescribeClusterV2 ${CLUSTER}`, `kafka:DescribeVpcConnection ${CONNECTION}`, `kafka:GetBootstrapBrokers ${CLUSTER}`]);
  });

  // The cluster is the other account's: whether its cluster policy lets the function's account in
  // (multi-VPC connectivity requires one that does) is not in the inputs, so the cluster actions are
  // judged on the role's own policies. Judged as any cross-account resource, a role granting them
  // would be reported for want of a cluster policy the inputs cannot hold.
  it("LR010 reports a role without DescribeVpcConnection; the role that grants the guide's list passes", () => {
    const lr010 = (statements: string) => {
      const findings = builtinFindings(read(template(statements)));
      return findings.filter((f) => f.ruleId === "LR010").flatMap((f) => (f.evidence as { missing: Array<{ action: string; resource: string }> }).missing.map((m) => `${m.action} ${m.resource}`)).sort();
    };
    expect(lr010(`              - { Effect: Allow, Action: [kafka:DescribeClusterV2, kafka:GetBootstrapBrokers], Resource: '*' }\n`)).toEqual([`kafka:DescribeVpcConnection ${CONNECTION}`]);
    expect(lr010(`              - { Effect: Allow, Action: [kafka:DescribeClusterV2, kafka:GetBootstrapBrokers, kafka:DescribeVpcConnection], Resource: '*' }\n`)).toEqual([]);
  });

  it("generate grants DescribeVpcConnection on the connection and the cluster actions on the cluster", () => {
    const g = generatePolicy(read(template("")), "consumer", {}, catalog);
    const flat = g.policy.Statement.flatMap((s) => (s.Action ?? []).flatMap((a) => [s.Resource ?? []].flat().map((r) => `${a} ${r}`)));
    // GetBootstrapBrokers has no resource-level permissions in the action catalog: `*`.
    expect(flat.filter((x) => x.startsWith("kafka:")).sort()).toEqual([`kafka:DescribeClusterV2 ${CLUSTER}`, `kafka:DescribeVpcConnection ${CONNECTION}`, "kafka:GetBootstrapBrokers *"]);
  });
});
