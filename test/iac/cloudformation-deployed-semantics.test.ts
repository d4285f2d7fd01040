/**
 * Templates read as SAM and CloudFormation deploy them: each case is a shape a test run over
 * public SAM and CloudFormation templates found read wrongly (written here in our own words).
 */
import { describe, expect, it } from "vitest";
import { readCloudFormationTemplate } from "../../src/sources/cloudformation/index.js";
import { normalizeFragments } from "../../src/normalize/index.js";
import { requiredPermissions } from "../../src/analysis/index.js";

const SAM = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n";
/** A SAM function's type and properties every case needs; the case adds its own below. */
const FUNCTION = `    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "x"
`;
const read = (yaml: string, parameters?: Record<string, string>) => readCloudFormationTemplate(Buffer.from(yaml), "template.yaml", parameters ? { parameters } : {});
const doc = (yaml: string) => normalizeFragments([read(yaml)]).document;

describe("templates as SAM and CloudFormation deploy them", () => {
  it("an SSM parameter type is the value SSM holds at deployment, not the parameter's name", () => {
    const t = `${SAM}Parameters:
  OrdersTableArn:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /shared/orders-table-arn
Resources:
  Reader:
${FUNCTION}      Policies:
        - Statement:
            - Effect: Allow
              Action: dynamodb:GetItem
              Resource: !Ref OrdersTableArn
`;
    for (const f of [read(t), read(t, { OrdersTableArn: "/other/name" })]) {
      expect(f.roles.flatMap((r) => r.inlinePolicies.flatMap((p) => p.document.Statement.flatMap((s) => s.Resource ?? [])))).toEqual(["${OrdersTableArn}"]);
      expect(f.warnings.filter((w) => w.code === "cloudformation-ssm-parameter").map((w) => w.severity)).toEqual(["info"]);
    }
  });

  it("ManagedPolicyArns given whole by a list parameter are attached (AdministratorAccess was dropped)", () => {
    const d = doc(`AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  ExtraPolicyArns:
    Type: CommaDelimitedList
    Default: arn:aws:iam::aws:policy/AdministratorAccess,arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess
Resources:
  FnRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - { Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }
      ManagedPolicyArns: !Ref ExtraPolicyArns
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt FnRole.Arn
      Code: { ZipFile: "x" }
`);
    expect(d.roles[0]?.attachedPolicies.map((a) => a.arn)).toEqual(["arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]);
  });

  it("a nested stack or application is said to be unread, not passed over", () => {
    const f = read(`${SAM}Resources:
  Orders:
    Type: AWS::Serverless::Application
    Properties:
      Location: ./orders/template.yaml
  Billing:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: https://example.com/billing.yaml
`);
    expect(f.warnings.filter((w) => w.code === "cloudformation-nested-stack").map((w) => [w.severity, w.message.split(":")[0]])).toEqual([
      ["warning", "Billing"],
      ["warning", "Orders"],
    ]);
    // Their functions are not in the audit: partial, not clean.
    expect(f.partial).toBe(true);
  });

  it("AutoPublishAlias given by a parameter: the URL and its permissions are the alias's", () => {
    const d = doc(`${SAM}Parameters:
  Stage:
    Type: String
    Default: prod
Resources:
  Api:
${FUNCTION}      AutoPublishAlias: !Ref Stage
      FunctionUrlConfig:
        AuthType: NONE
`);
    const fn = d.functions[0];
    expect(fn?.functionUrls.map((u) => u.qualifier)).toEqual(["prod"]);
    expect(fn?.resourcePolicy?.Statement.flatMap((s) => s.Resource ?? [])).toEqual(["arn:aws:lambda:unknown:unknown:function:Api:prod", "arn:aws:lambda:unknown:unknown:function:Api:prod"]);
  });

  it("a stream's on-failure destination of Type SQS gives the generated role sqs:SendMessage (no LR010 to raise)", () => {
    const f = read(`${SAM}Resources:
  Stream:
    Type: AWS::Kinesis::Stream
    Properties: { ShardCount: 1 }
  Failures:
    Type: AWS::SQS::Queue
  Consumer:
${FUNCTION}      Events:
        Records:
          Type: Kinesis
          Properties:
            Stream: !GetAtt Stream.Arn
            StartingPosition: LATEST
            DestinationConfig:
              OnFailure:
                Type: SQS
                Destination: !GetAtt Failures.Arn
`);
    const policy = f.roles[0]?.inlinePolicies.find((p) => p.name === "ConsumerRecordsSQSPolicy");
    expect(policy?.document.Statement.map((s) => [s.Action, s.Resource])).toEqual([[["sqs:SendMessage"], ["${Failures.Arn}"]]]);
  });

  it("Role: !If [HasRole, …, !Ref AWS::NoValue] decided false: SAM makes the role from Policies", () => {
    const f = read(`${SAM}Parameters:
  ExistingRoleArn:
    Type: String
    Default: ""
Conditions:
  HasRole: !Not [!Equals [!Ref ExistingRoleArn, ""]]
Resources:
  Worker:
${FUNCTION}      Role: !If [HasRole, !Ref ExistingRoleArn, !Ref AWS::NoValue]
      Policies:
        - S3ReadPolicy:
            BucketName: reports
`);
    expect(f.functions[0]?.roleArn).toBe("arn:aws:iam::unknown:role/WorkerRole");
    expect(f.roles.map((r) => r.name)).toEqual(["WorkerRole"]);
    expect(f.warnings.filter((w) => w.code === "sam-policies-ignored")).toEqual([]);
    // Given a role, SAM uses it and makes none.
    const given = read(`${SAM}Parameters:\n  ExistingRoleArn:\n    Type: String\n    Default: arn:aws:iam::111122223333:role/shared\nConditions:\n  HasRole: !Not [!Equals [!Ref ExistingRoleArn, ""]]\nResources:\n  Worker:\n${FUNCTION}      Role: !If [HasRole, !Ref ExistingRoleArn, !Ref AWS::NoValue]\n`);
    expect(given.functions[0]?.roleArn).toBe("arn:aws:iam::111122223333:role/shared");
    expect(given.roles).toEqual([]);
  });

  it("an MSK event with a client certificate gives SAM's role the secret (MSKExecutionRolePolicy)", () => {
    const f = read(`${SAM}Resources:
  Consumer:
${FUNCTION}      Events:
        Orders:
          Type: MSK
          Properties:
            Stream: arn:aws:kafka:eu-west-1:111122223333:cluster/orders/abcd-1234
            Topics: [orders]
            StartingPosition: LATEST
            SourceAccessConfigurations:
              - Type: CLIENT_CERTIFICATE_TLS_AUTH
                URI: arn:aws:secretsmanager:eu-west-1:111122223333:secret:kafka-cert-AbCdEf
`);
    const policy = f.roles[0]?.inlinePolicies.find((p) => p.name === "MSKExecutionRolePolicy");
    expect(policy?.document.Statement.map((s) => [s.Action, s.Resource])).toEqual([[["secretsmanager:GetSecretValue"], ["arn:aws:secretsmanager:eu-west-1:111122223333:secret:kafka-cert-AbCdEf"]]]);
  });

  it("a self-managed Kafka mapping with VPC_SUBNET access configurations requires the pollers' network interface actions", () => {
    // Lambda developer guide, self-managed Kafka "Configuring Lambda execution role permissions".
    // Before, a cluster reached in the VPC required nothing of the role.
    const eni = (access: string) =>
      requiredPermissions(
        doc(`${SAM}Resources:
  Consumer:
${FUNCTION}  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Consumer
      Topics: [orders]
      SelfManagedEventSource:
        Endpoints:
          KafkaBootstrapServers: [kafka1.example.com:9092]
      SourceAccessConfigurations:
${access}`).functions[0]!,
      )
        .filter((r) => r.action.startsWith("ec2:"))
        .map((r) => `${r.action} ${r.resource}`);
    expect(eni("        - Type: VPC_SUBNET\n          URI: subnet:subnet-0011001100\n        - Type: VPC_SECURITY_GROUP\n          URI: security_group:sg-0123456789\n")).toEqual(
      ["CreateNetworkInterface", "DeleteNetworkInterface", "DescribeNetworkInterfaces", "DescribeSecurityGroups", "DescribeSubnets", "DescribeVpcs"].map((a) => `ec2:${a} *`),
    );
    expect(eni("        - Type: BASIC_AUTH\n          URI: arn:aws:secretsmanager:eu-west-1:111122223333:secret:kafka\n")).toEqual([]);
  });

  it("!Ref Handler.Alias and !Ref Handler.Version (SAM's referable properties) name the function's alias and version", () => {
    const d = doc(`${SAM}Resources:
  Handler:
${FUNCTION}      AutoPublishAlias: live
  FromPartner:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Handler.Alias
      Principal: "444455556666"
  FromTopic:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Handler.Version
      Principal: sns.amazonaws.com
      SourceArn: arn:aws:sns:eu-west-1:111122223333:orders
`);
    expect(d.functions[0]?.resourcePolicy?.Statement.map((s) => [s.Sid, s.Resource])).toEqual([
      ["FromPartner", ["arn:aws:lambda:unknown:unknown:function:Handler:live"]],
      ["FromTopic", ["arn:aws:lambda:unknown:unknown:function:Handler:${Handler.Version}"]],
    ]);
  });

  it("a Lambda authorizer gets the permission SAM gives API Gateway to call it (REST by default, HTTP only when asked)", () => {
    const d = doc(`${SAM}Globals:
  Api:
    Auth:
      Authorizers:
        Token:
          FunctionArn: !GetAtt RestAuth.Arn
        Quiet:
          FunctionArn: !GetAtt QuietAuth.Arn
          DisableFunctionDefaultPermissions: true
Resources:
  RestAuth:
${FUNCTION}  QuietAuth:
${FUNCTION}  Orders:
${FUNCTION}      Events:
        Get:
          Type: Api
          Properties: { Path: /orders, Method: get }
  HttpAuth:
${FUNCTION}  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth:
        Authorizers:
          Asked:
            FunctionArn: !GetAtt HttpAuth.Arn
            EnableFunctionDefaultPermissions: true
          Default:
            FunctionArn: !GetAtt HttpAuth.Arn
`);
    const statements = (name: string) =>
      (d.functions.find((f) => f.name === name)?.resourcePolicy?.Statement ?? []).map((s) => [s.Sid, s.Principal, s.Condition]);
    // The implicit REST API (an Api event naming none) takes its authorizers from Globals.Api.
    expect(statements("RestAuth")).toEqual([
      ["ServerlessRestApiTokenAuthorizerPermission", { Service: ["apigateway.amazonaws.com"] }, { ArnLike: { "AWS:SourceArn": ["arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${ServerlessRestApi}/authorizers/*"] } }],
    ]);
    expect(statements("QuietAuth")).toEqual([]);
    expect(statements("HttpAuth")).toEqual([
      ["HttpAskedAuthorizerPermission", { Service: ["apigateway.amazonaws.com"] }, { ArnLike: { "AWS:SourceArn": ["arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Http}/authorizers/*"] } }],
    ]);
    // No event names the implicit API: SAM makes none, and no permission for it.
    const noImplicit = doc(`${SAM}Globals:
  Api:
    Auth:
      Authorizers:
        Token:
          FunctionArn: !GetAtt RestAuth.Arn
Resources:
  RestAuth:
${FUNCTION}`);
    expect(noImplicit.functions[0]?.resourcePolicy).toBeNull();
  });

  it("a destination naming a function of the stack is `${Fn}` once the stack's name is known, and a named bus is its ARN", () => {
    const t = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Bus:
    Type: AWS::Events::EventBus
    Properties: { Name: orders-events }
  Target:
    Type: AWS::Lambda::Function
    Properties: { Runtime: python3.12, Handler: index.handler, Role: arn:aws:iam::111122223333:role/r, Code: { ZipFile: "x" } }
  Chain:
    Type: AWS::Lambda::Function
    Properties: { Runtime: python3.12, Handler: index.handler, Role: arn:aws:iam::111122223333:role/r, Code: { ZipFile: "x" } }
  ChainInvokeConfig:
    Type: AWS::Lambda::EventInvokeConfig
    Properties:
      FunctionName: !Ref Chain
      Qualifier: $LATEST
      DestinationConfig:
        OnSuccess: { Destination: !GetAtt Target.Arn }
        OnFailure: { Destination: !GetAtt Bus.Arn }
`;
    // As a CDK assembly reads it: the stack's name prefixes the names CloudFormation makes.
    const f = readCloudFormationTemplate(Buffer.from(t), "template.yaml", { stackName: "MiscStack", accountId: "111122223333", region: "eu-west-1" });
    const chain = normalizeFragments([f]).document.functions.find((x) => x.name.startsWith("MiscStack-Chain"));
    // CloudFormation names the target `MiscStack-Target-<suffix>`: a policy must name it `${Target}`, not `MiscStack-Target`.
    expect(chain?.destinations).toEqual({
      onSuccess: "arn:aws:lambda:eu-west-1:111122223333:function:${Target}",
      onFailure: "arn:aws:events:eu-west-1:111122223333:event-bus/orders-events",
    });
  });

  it("a log group the stack makes (Serverless Framework, CDK) is one Lambda never creates", () => {
    const d = doc(`AWSTemplateFormatVersion: '2010-09-09'
Resources:
  OwnLogGroup:
    Type: AWS::Logs::LogGroup
    Properties: { LogGroupName: /aws/lambda/orders-dev-own }
  Own:
    Type: AWS::Lambda::Function
    DependsOn: [OwnLogGroup]
    Properties: { FunctionName: orders-dev-own, Runtime: python3.12, Handler: index.handler, Role: arn:aws:iam::111122223333:role/r, Code: { ZipFile: "x" } }
  Unnamed:
    Type: AWS::Logs::LogGroup
  Custom:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::111122223333:role/r
      Code: { ZipFile: "x" }
      LoggingConfig: { LogGroup: !Ref Unnamed }
  Plain:
    Type: AWS::Lambda::Function
    Properties: { FunctionName: orders-dev-plain, Runtime: python3.12, Handler: index.handler, Role: arn:aws:iam::111122223333:role/r, Code: { ZipFile: "x" } }
`);
    expect(Object.fromEntries(d.functions.map((f) => [f.logGroup, f.logGroupCreated ?? false]))).toEqual({
      "/aws/lambda/orders-dev-own": true,
      "${Unnamed}": true,
      "/aws/lambda/orders-dev-plain": false,
    });
  });

  it("a log group the stack makes for a function CloudFormation names (LogGroupName: !Sub /aws/lambda/${Fn}, or its Join) is one Lambda never creates", () => {
    // Before, only a literal name was matched: the function was said to need logs:CreateLogGroup
    // (LR005, and in the generated policy) for a log group its own stack creates.
    const d = doc(`AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Subbed:
    Type: AWS::Lambda::Function
    Properties: { Runtime: python3.12, Handler: index.handler, Role: arn:aws:iam::111122223333:role/r, Code: { ZipFile: "x" } }
  SubbedLogs:
    Type: AWS::Logs::LogGroup
    Properties: { LogGroupName: !Sub "/aws/lambda/\${Subbed}", RetentionInDays: 14 }
  Joined:
    Type: AWS::Lambda::Function
    Properties: { Runtime: python3.12, Handler: index.handler, Role: arn:aws:iam::111122223333:role/r, Code: { ZipFile: "x" } }
  JoinedLogs:
    Type: AWS::Logs::LogGroup
    Properties: { LogGroupName: !Join ["", ["/aws/lambda/", !Ref Joined]] }
  Other:
    Type: AWS::Lambda::Function
    Properties: { Runtime: python3.12, Handler: index.handler, Role: arn:aws:iam::111122223333:role/r, Code: { ZipFile: "x" } }
  Literal:
    Type: AWS::Logs::LogGroup
    Properties: { LogGroupName: /aws/lambda/Other }
`);
    expect(Object.fromEntries(d.functions.map((f) => [f.name, f.logGroupCreated ?? false]))).toEqual({ Subbed: true, Joined: true, Other: false });
  });

  it("CDK's logRetention (Custom::LogRetention on /aws/lambda/<Ref Fn>) creates the function's log group at deployment: Lambda never creates it", () => {
    // The construct's handler creates the group if it does not exist (aws-cdk-lib aws_logs.LogRetention).
    const d = doc(`{"Resources": {
  "FnServiceRole": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}}]}}},
  "Fn9270CBC0": {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": "nodejs20.x", "Handler": "index.handler", "Code": {"ZipFile": "x"}, "Role": {"Fn::GetAtt": ["FnServiceRole", "Arn"]}}},
  "FnLogRetention9F6A0C5B": {"Type": "Custom::LogRetention", "Properties": {"ServiceToken": {"Fn::GetAtt": ["LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8aFD4BFC8A", "Arn"]}, "LogGroupName": {"Fn::Join": ["", ["/aws/lambda/", {"Ref": "Fn9270CBC0"}]]}, "RetentionInDays": 7}},
  "Other": {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": "nodejs20.x", "Handler": "index.handler", "Code": {"ZipFile": "x"}, "Role": {"Fn::GetAtt": ["FnServiceRole", "Arn"]}}}
}}`);
    expect(Object.fromEntries(d.functions.map((f) => [f.name, f.logGroupCreated ?? false]))).toEqual({ Fn9270CBC0: true, Other: false });
  });

  it("an account given to templates alone is defined by them: its roles and functions are the templates' (LR016 judges against them)", () => {
    const t = `${SAM}Resources:
  Api:
${FUNCTION}`;
    const f = readCloudFormationTemplate(Buffer.from(t), "template.yaml", { accountId: "123456789012", region: "us-east-1" });
    expect(normalizeFragments([f]).document.accounts.map((a) => a.functionCoverage)).toEqual([{ regions: [], complete: false, definedByIac: true }]);
  });

  it("an enhanced fan-out consumer (Ref of AWS::Kinesis::StreamConsumer) is a Kinesis source read through its stream", () => {
    const d = doc(`AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Consumer:
    Type: AWS::Kinesis::StreamConsumer
    Properties: { StreamARN: "arn:aws:kinesis:us-east-1:123456789012:stream/big", ConsumerName: fanout }
  Fn:
    Type: AWS::Lambda::Function
    Properties: { FunctionName: fanout, Runtime: python3.12, Handler: index.handler, Role: arn:aws:iam::123456789012:role/r, Code: { ZipFile: "x" } }
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties: { FunctionName: !Ref Fn, EventSourceArn: !Ref Consumer, StartingPosition: LATEST }
`);
    expect(d.functions[0]?.triggers.map((t) => [t.kind, t.eventSourceArn])).toEqual([
      ["kinesis", "arn:aws:kinesis:us-east-1:123456789012:stream/big/consumer/fanout:${Consumer.ConsumerCreationTimestamp}"],
    ]);
  });

  it("an enhanced fan-out consumer of a stream CloudFormation names (StreamARN: !GetAtt Stream.Arn) is read through that stream", () => {
    // The consumer's ARN is <stream ARN>/consumer/<name>:<creation timestamp>; Ref of the stream
    // gives its name. Read as a stream, the consumer lost kinesis:SubscribeToShard.
    const d = doc(`${SAM}Resources:
  Stream:
    Type: AWS::Kinesis::Stream
    Properties: { ShardCount: 1 }
  Consumer:
    Type: AWS::Kinesis::StreamConsumer
    Properties: { StreamARN: !GetAtt Stream.Arn, ConsumerName: fanout }
  Fn:
${FUNCTION}      Events:
        Efo: { Type: Kinesis, Properties: { Stream: !GetAtt Consumer.ConsumerARN, StartingPosition: LATEST } }
`);
    const consumer = "arn:aws:kinesis:${AWS::Region}:${AWS::AccountId}:stream/${Stream}/consumer/fanout:${Consumer.ConsumerCreationTimestamp}";
    expect(d.functions[0]?.triggers.map((t) => [t.kind, t.eventSourceArn])).toEqual([["kinesis", consumer]]);
    const trigger = requiredPermissions(d.functions[0]!).filter((r) => r.purpose === "trigger");
    expect(trigger.filter((r) => r.action === "kinesis:SubscribeToShard").map((r) => r.resource)).toEqual([consumer]);
    expect(trigger.filter((r) => r.action === "kinesis:GetRecords").map((r) => r.resource)).toEqual(["arn:aws:kinesis:${AWS::Region}:${AWS::AccountId}:stream/${Stream}"]);
  });

  it("an enhanced fan-out consumer named with !Sub keeps the name's reference in its ARN", () => {
    const d = doc(`${SAM}Resources:
  Stream:
    Type: AWS::Kinesis::Stream
    Properties: { Name: !Sub "\${AWS::StackName}-orders", ShardCount: 1 }
  Consumer:
    Type: AWS::Kinesis::StreamConsumer
    Properties: { StreamARN: !GetAtt Stream.Arn, ConsumerName: !Sub "\${AWS::StackName}-fanout" }
  Fn:
${FUNCTION}      Events:
        Efo: { Type: Kinesis, Properties: { Stream: !Ref Consumer, StartingPosition: LATEST } }
`);
    expect(d.functions[0]?.triggers.map((t) => [t.kind, t.eventSourceArn])).toEqual([
      ["kinesis", "arn:aws:kinesis:${AWS::Region}:${AWS::AccountId}:stream/${Stream}/consumer/${AWS::StackName}-fanout:${Consumer.ConsumerCreationTimestamp}"],
    ]);
  });

  it("a mapping on an MSK Serverless cluster of the template (Ref or Arn) is a Kafka source, as on a provisioned one", () => {
    // Ref and Fn::GetAtt Arn of AWS::MSK::ServerlessCluster both give the cluster's ARN
    // (CloudFormation resource reference). Before, the source was of no kind: generate granted
    // the mapping nothing, and no rule said its permissions were missing.
    for (const source of ["!Ref Cluster", "!GetAtt Cluster.Arn"]) {
      const d = doc(`${SAM}Resources:
  Cluster:
    Type: AWS::MSK::ServerlessCluster
    Properties:
      ClusterName: orders
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } } }
      VpcConfigs: [{ SubnetIds: [subnet-1, subnet-2] }]
  Fn:
${FUNCTION}  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties: { FunctionName: !Ref Fn, EventSourceArn: ${source}, Topics: [orders], StartingPosition: LATEST }
`);
      expect(d.functions[0]?.triggers.map((t) => t.kind), source).toEqual(["kafka"]);
      expect(requiredPermissions(d.functions[0]!).some((r) => r.purpose === "trigger" && r.action === "kafka:DescribeClusterV2"), source).toBe(true);
    }
  });

  it("a traffic hook's policy may name ServerlessDeploymentApplication, which SAM makes for a DeploymentPreference", () => {
    // SAM's generated resources "With DeploymentPreference": AWS::CodeDeploy::Application
    // ServerlessDeploymentApplication (and CodeDeployServiceRole when no Role is given). The hook
    // pattern of SAM's safe-deployment guide names it; it was called undefined, an error that made
    // the whole read partial.
    const template = (preference: string) => `${SAM}Resources:
  Live:
${FUNCTION}      AutoPublishAlias: live
${preference}  PreTraffic:
${FUNCTION}      Policies:
        - Statement:
            - Effect: Allow
              Action: codedeploy:PutLifecycleEventHookExecutionStatus
              Resource: !Sub "arn:\${AWS::Partition}:codedeploy:\${AWS::Region}:\${AWS::AccountId}:deploymentgroup:\${ServerlessDeploymentApplication}/*"
`;
    const deploying = read(template("      DeploymentPreference:\n        Type: AllAtOnce\n        Hooks: { PreTraffic: !Ref PreTraffic }\n"));
    expect(deploying.warnings.filter((w) => w.code === "cloudformation-undefined-reference")).toEqual([]);
    expect(deploying.partial).toBe(false);
    // Without one SAM makes no application, and CloudFormation refuses the reference.
    const plain = read(template(""));
    expect(plain.warnings.filter((w) => w.code === "cloudformation-undefined-reference").map((w) => w.message.split(" ")[0])).toEqual(["ServerlessDeploymentApplication"]);
  });

  it("a queue or stream of the template encrypted with a customer managed key: its poller needs kms:Decrypt on the key", () => {
    const d = doc(`AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Key:
    Type: AWS::KMS::Key
  Jobs:
    Type: AWS::SQS::Queue
    Properties: { KmsMasterKeyId: !Ref Key }
  Managed:
    Type: AWS::SQS::Queue
    Properties: { KmsMasterKeyId: alias/aws/sqs }
  Clicks:
    Type: AWS::Kinesis::Stream
    Properties: { StreamEncryption: { EncryptionType: KMS, KeyId: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" } }
  Fn:
    Type: AWS::Lambda::Function
    Properties: { FunctionName: worker, Runtime: python3.12, Handler: index.handler, Role: arn:aws:iam::123456789012:role/r, Code: { ZipFile: "x" } }
  FromJobs:
    Type: AWS::Lambda::EventSourceMapping
    Properties: { FunctionName: !Ref Fn, EventSourceArn: !GetAtt Jobs.Arn }
  FromManaged:
    Type: AWS::Lambda::EventSourceMapping
    Properties: { FunctionName: !Ref Fn, EventSourceArn: !GetAtt Managed.Arn }
  FromClicks:
    Type: AWS::Lambda::EventSourceMapping
    Properties: { FunctionName: !Ref Fn, EventSourceArn: !GetAtt Clicks.Arn, StartingPosition: LATEST }
`);
    // Mappings in logical-ID order: FromClicks, FromJobs, FromManaged.
    expect(d.functions[0]?.triggers.map((t) => t.sourceKmsKeyArn ?? null)).toEqual([
      "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      "arn:aws:kms:unknown:unknown:key/${Key}",
      null, // the AWS managed key: its key policy lets the account's principals use it
    ]);
  });

  it("the Serverless Framework's existing-bucket event (Custom::S3) is the permission its handler adds at deployment", () => {
    const d = doc(`AWSTemplateFormatVersion: '2010-09-09'
Resources:
  OnUploadLambdaFunction:
    Type: AWS::Lambda::Function
    Properties: { FunctionName: svc-dev-onUpload, Runtime: python3.12, Handler: index.handler, Role: arn:aws:iam::123456789012:role/r, Code: { ZipFile: "x" } }
  CustomDashresourceDashexistingDashs3LambdaFunction:
    Type: AWS::Lambda::Function
    Properties: { FunctionName: svc-dev-custom-resource-existing-s3, Runtime: nodejs20.x, Handler: s3/handler.handler, Role: arn:aws:iam::123456789012:role/cr, Code: { ZipFile: "x" } }
  OnUploadCustomS31:
    Type: Custom::S3
    Properties:
      ServiceToken: !GetAtt CustomDashresourceDashexistingDashs3LambdaFunction.Arn
      FunctionName: svc-dev-onUpload
      BucketName: uploads-bucket
      BucketConfigs: [{ Event: "s3:ObjectCreated:*", Rules: [] }]
`);
    const statements = d.functions.find((f) => f.name === "svc-dev-onUpload")?.resourcePolicy?.Statement;
    expect(statements?.map((s) => [s.Sid, s.Principal, s.Condition])).toEqual([
      ["OnUploadCustomS31", { Service: ["s3.amazonaws.com"] }, { StringEquals: { "AWS:SourceAccount": ["${AWS::AccountId}"] }, ArnLike: { "AWS:SourceArn": ["arn:aws:s3:::uploads-bucket"] } }],
    ]);
  });
});
