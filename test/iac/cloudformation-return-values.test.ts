/**
 * What `Ref` and `Fn::GetAtt` return for the resources a function's permissions name, as the
 * CloudFormation resource reference says ("Return values"), and what the rules then see.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { auditDocument } from "../../src/audit/audit-document.js";
import { buildDocument } from "../../src/audit/build-document.js";
import { normalizeFragments } from "../../src/normalize/index.js";
import { readCloudFormationTemplate } from "../../src/sources/cloudformation/index.js";

const read = (yaml: string) => readCloudFormationTemplate(Buffer.from(yaml), "template.yaml");
const doc = (yaml: string) => normalizeFragments([read(yaml)]).document;
const work = mkdtempSync(join(tmpdir(), "lr-cfn-return-values-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
/** The findings of one rule, for a template read, analysed and audited as `leastrole audit` does. */
async function findings(yaml: string, ruleId: string) {
  const file = join(work, "template.yaml");
  writeFileSync(file, yaml);
  return auditDocument(await buildDocument([file], { workers: 1 })).findings.filter((f) => f.ruleId === ruleId);
}

const ROLE = `  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt Role.Arn
      Code: {ZipFile: 'def handler(e, c): return e'}
`;

/** An S3 invoke permission with the bucket's ARN written three ways: the same permission each time. */
const s3Permission = (sourceArn: string, bucketName = "") => `Resources:
  Bucket:
    Type: AWS::S3::Bucket
${bucketName ? `    Properties: {BucketName: ${bucketName}}\n` : ""}${ROLE}  S3Perm:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Fn
      Principal: s3.amazonaws.com
      SourceArn: ${sourceArn}
`;

describe("return values of the resources a function's permissions name", () => {
  it("GetAtt Bucket.Arn is arn:aws:s3:::<name>, no account: an S3 permission without SourceAccount is LR012 however the ARN is written", async () => {
    const sourceArn = (yaml: string) => doc(yaml).functions[0]?.resourcePolicy?.Statement[0]?.Condition;
    // Before: the opaque ${Bucket.Arn}, which LR012 took as a source that could name an account.
    expect(sourceArn(s3Permission("!GetAtt Bucket.Arn"))).toEqual({ ArnLike: { "AWS:SourceArn": ["arn:aws:s3:::${Bucket}"] } });
    expect(sourceArn(s3Permission("!GetAtt Bucket.Arn", "orders-uploads"))).toEqual({ ArnLike: { "AWS:SourceArn": ["arn:aws:s3:::orders-uploads"] } });
    const written: unknown[] = [];
    for (const yaml of [s3Permission("!GetAtt Bucket.Arn"), s3Permission("!Sub 'arn:aws:s3:::${Bucket}'"), s3Permission("arn:aws:s3:::orders-uploads")]) {
      written.push((await findings(yaml, "LR012")).map((f) => [f.severity, /on behalf of any account/.test(f.message)]));
    }
    expect(written[0]).toEqual([["medium", true]]);
    expect(written).toEqual([written[0], written[0], written[0]]);
  });

  it("Ref of a log group whose name the template fixes is that name (and GetAtt Arn its ARN), not ${Logs}", () => {
    const logs = (name: string) => `Parameters:
  Stage: {Type: String, Default: prod}
Resources:
  Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: ${name}
${ROLE}      LoggingConfig:
        LogGroup: !Ref Logs
  Extra:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: logs
      Roles: [!Ref Role]
      PolicyDocument:
        Version: '2012-10-17'
        Statement: [{Effect: Allow, Action: logs:PutLogEvents, Resource: !GetAtt Logs.Arn}]
`;
    const d = doc(logs("!Sub '/app/${Stage}/fn'"));
    // Before: ${Logs}, which LR005 named and generate wrote into a log-group ARN that deploys nowhere.
    expect(d.functions[0]?.logGroup).toBe("/app/prod/fn");
    expect(d.functions[0]?.logGroupCreated).toBe(true);
    expect(d.roles[0]?.inlinePolicies[0]?.document.Statement[0]?.Resource).toEqual(["arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:/app/prod/fn:*"]);
    // A name CloudFormation makes (or one left unresolved) stays the reference, created by the stack all the same.
    const generated = doc(logs("!Sub '${AWS::StackName}-fn'"));
    expect(generated.functions[0]?.logGroup).toBe("${Logs}");
    expect(generated.functions[0]?.logGroupCreated).toBe(true);
  });
});

describe("names a template refers to but does not define", () => {
  const undefinedRef = (yaml: string) => read(yaml).warnings.filter((w) => w.code === "cloudformation-undefined-reference").map((w) => [w.severity, w.path, w.message.split(" ")[0]]);

  it("are errors naming the file, the name and where (CloudFormation refuses such a template); the role gets no IAM-export advice", () => {
    const yaml = `Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt MissingRole.Arn
      Code: {ZipFile: x}
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}
      Policies:
        - PolicyName: p
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - {Effect: Allow, Action: s3:GetObject, Resource: !Sub 'arn:aws:s3:::\${NoSuchParam}/*'}
              - {Effect: Allow, Action: kms:Decrypt, Resource: !Select [0, !Split [',', !Sub '\${Wildcard},x']]}
`;
    // Before: read without a word, the role reported as missing from the IAM inputs.
    const f = read(yaml);
    expect(undefinedRef(yaml)).toEqual([
      ["error", "Resources.Fn.Properties.Role.Fn::GetAtt", "MissingRole"],
      ["error", "Resources.R.Properties.Policies[0].PolicyDocument.Statement[0].Resource.Fn::Sub", "NoSuchParam"],
      ["error", "Resources.R.Properties.Policies[0].PolicyDocument.Statement[1].Resource.Fn::Select[1].Fn::Split[1].Fn::Sub", "Wildcard"],
    ]);
    expect(f.warnings.find((w) => w.code === "cloudformation-undefined-reference")).toMatchObject({ file: "template.yaml", message: expect.stringContaining("(line 7)") });
    expect(f.partial).toBe(true);
    const d = doc(yaml);
    expect(d.meta.warnings.filter((w) => w.code === "role-not-in-inputs" || /get-account-authorization-details/.test(w.message))).toEqual([]);
    expect(d.meta.partial).toBe(true);
  });

  it("a parameter given to Fn::GetAtt, which reads resources only, is said the same way", () => {
    const yaml = `Parameters:
  P: {Type: String, Default: x}
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt [P, Arn]
      Code: {ZipFile: x}
`;
    expect(undefinedRef(yaml)).toEqual([["error", "Resources.Fn.Properties.Role.Fn::GetAtt", "P"]]);
    expect(read(yaml).warnings.find((w) => w.code === "cloudformation-undefined-reference")?.message).toContain("it is a parameter of this template");
    expect(doc(yaml).meta.warnings.filter((w) => w.code === "role-not-in-inputs")).toEqual([]);
  });

  it("are not what SAM makes or lets a template name, nor Fn::Sub's own variables, literals and pseudo parameters", () => {
    const yaml = `Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String, Default: prod}
Resources:
  Handler:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: x
      AutoPublishAlias: live
      Events:
        Get: {Type: Api, Properties: {Path: /, Method: get}}
  Extra:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: extra
      Roles: [!Ref HandlerRole]
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action: s3:GetObject
            Resource:
              - !Sub ['arn:\${AWS::Partition}:s3:::\${Name}-\${Stage}/\${!aws:username}', {Name: !Ref AWS::StackName}]
              - !Sub 'arn:aws:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${ServerlessRestApi}/*'
              - !Sub '\${Handler.Arn}'
Outputs:
  Live:
    Value: !Ref Handler.Alias
`;
    expect(undefinedRef(yaml)).toEqual([]);
  });

  it("named by an Output alone is a warning naming the Output and the name: the functions and roles are read whole, not partial", () => {
    // 18F identity-infra-functions (test/fixtures/undefined-output/SOURCE.md): an Output's
    // `!GetAtt RDSCopySnaphotFunction.Arn` misspells the function. Before: the undefined-reference
    // error, and the whole audit partial for an output that grants nothing.
    const file = new URL("../fixtures/undefined-output/identity-infra-functions-rds-copy.yaml", import.meta.url).pathname;
    const f = readCloudFormationTemplate(readFileSync(file), file);
    expect(f.warnings.filter((w) => w.code === "cloudformation-undefined-reference")).toEqual([]);
    const w = f.warnings.filter((x) => x.code === "cloudformation-output-undefined-reference");
    expect(w.map((x) => [x.severity, x.path])).toEqual([["warning", "Outputs.RDSCopySnapshotFunctionArn.Value.Fn::GetAtt"]]);
    expect(w[0]?.message).toMatch(/^Output RDSCopySnapshotFunctionArn names RDSCopySnaphotFunction, which is neither a parameter nor a resource of this template \(line 39\): CloudFormation refuses such a template/);
    expect(f.partial).toBe(false);
    const d = normalizeFragments([f]).document;
    expect(d.meta.partial).toBe(false);
    expect(d.functions.map((x) => x.name)).toEqual(["RDSCopySnapshotFunction"]);
  });

  it("named by an Output and by a resource (or a parameter given to GetAtt in an Output) stays as before where a resource names it", () => {
    const yaml = `Parameters:
  P: {Type: String, Default: x}
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt MissingRole.Arn
      Code: {ZipFile: x}
Outputs:
  RoleArn:
    Value: !GetAtt MissingRole.Arn
  Param:
    Value: !GetAtt P.Arn
`;
    const f = read(yaml);
    expect(undefinedRef(yaml)).toEqual([["error", "Resources.Fn.Properties.Role.Fn::GetAtt", "MissingRole"]]);
    expect(f.warnings.filter((w) => w.code === "cloudformation-output-undefined-reference").map((w) => [w.severity, w.path, w.message.split(",")[0]])).toEqual([["warning", "Outputs.Param.Value.Fn::GetAtt", "Output Param names P"]]);
    expect(f.partial).toBe(true);
  });
});
