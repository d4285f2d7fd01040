/**
 * Nested stacks whose template is a local file (SAM `Location: ./x/template.yml`, `TemplateURL:
 * ./Resources/x.yml`, and `.aws-sam/build/template.yaml`'s `LambdaStack\template.yaml`): read with
 * their parent as CloudFormation deploys them (src/sources/cloudformation/local-nested-stacks.ts,
 * local-nested-options.ts). Fixtures: test/iac/fixtures/sam-nested-local (SOURCE.md).
 */
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { audit } from "../../src/audit/audit.js";
import { buildDocument, type BuildOptions } from "../../src/audit/build-document.js";
import type { CanonicalDocument } from "../../src/model/document.js";
import { packageRoot } from "../../src/evaluate/locate.js";

const DIR = join(packageRoot(), "test", "iac", "fixtures", "sam-nested-local");
const SSM = join(DIR, "lambda-layer-ssm-parameters");
const NESTED = join(DIR, "aws-nested-stacks");
const TWICE = join(DIR, "sam-cli-deep-nested");

const build = (paths: string[], options: BuildOptions = {}): Promise<CanonicalDocument> => buildDocument(paths, { workers: 1, ...options });
const nestedWarnings = (doc: CanonicalDocument) => doc.meta.warnings.filter((w) => w.code === "cloudformation-nested-stack");
const accountOf = (arn: string) => arn.split(":")[4];

/** Templates written to a fresh folder: path → text. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "lr-nested-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const SAM = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n";

describe("local nested stacks", () => {
  it("a SAM application's local Location is read: the child's function, named with the value its parent passes (aws-samples lambda-layer-ssm-parameters)", async () => {
    const doc = await build([join(SSM, "template.yml")]);
    // Before: three cloudformation-nested-stack warnings, no function, partial.
    expect(nestedWarnings(doc)).toEqual([]);
    expect(doc.meta.partial).toBe(false);
    const fn = doc.functions.map((f) => [f.name, f.roleArn.split(":").slice(5).join(":")]);
    // FunctionName: !Sub ${AppName}-function, AppName passed as the parent's AppName (Default config-example).
    expect(fn).toEqual([["config-example-function", "role/Function-FunctionRole"]]);
    expect(doc.roles.map((r) => r.name)).toEqual(["Function-FunctionRole"]);
    // The parent and its nested stacks share one unknown account.
    expect(accountOf(doc.functions[0]?.arn ?? "")).toBe(accountOf(doc.roles[0]?.arn ?? ""));
    // A value the caller gives the parent reaches the child.
    const given = await build([join(SSM, "template.yml")], { iac: { parameters: { AppName: "orders" } } });
    expect(given.functions.map((f) => f.name)).toEqual(["orders-function"]);
  });

  it("the stack name the parent deploys as names the child's resources <stack>-<logical ID>-…, its own AWS::StackName unknown", async () => {
    const doc = await build([join(SSM, "template.yml")], { iac: { stackName: "config" } });
    expect(doc.roles.map((r) => r.name)).toEqual(["config-Function-FunctionRole"]);
  });

  it("a TemplateURL to a local file, and sam build's output with its Windows path (sunshine0709/AWS.Nested.Stacks)", async () => {
    for (const parent of ["application-stack.yml", join(".aws-sam", "build", "template.yaml")]) {
      const doc = await build([join(NESTED, parent)]);
      expect(nestedWarnings(doc), parent).toEqual([]);
      expect(doc.functions.map((f) => f.name), parent).toEqual(["AWS-Nested-Stack-Lambda-ProtoType"]);
      expect(doc.roles.map((r) => r.name), parent).toEqual(["LambdaStack-LambdaFunctionRole"]);
    }
  });

  it("a child among the inputs too (a folder, or named) is read once, as the nested stack its parent deploys", async () => {
    const folder = await build([NESTED]);
    expect(folder.functions.map((f) => f.name)).toEqual(["AWS-Nested-Stack-Lambda-ProtoType"]);
    expect(folder.roles.map((r) => r.name)).toEqual(["LambdaStack-LambdaFunctionRole"]);
    const named = await build([join(SSM, "function", "template.yml"), join(SSM, "template.yml")]);
    // Its parameters are what its parent passes (AppName), not unknown as when it is read alone.
    expect(named.functions.map((f) => f.name)).toEqual(["config-example-function"]);
    const alone = await build([join(SSM, "function", "template.yml")]);
    // Alone, AppName has no value: the name is CloudFormation's, known only at deployment.
    expect(alone.functions.map((f) => f.name)).toEqual(["Function"]);
  });

  it("a role the parent passes is the child function's role, read from the parent", async () => {
    const dir = project({
      "template.yaml": `${SAM}Parameters:
  Env:
    Type: String
Resources:
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: queue
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: sqs:SendMessage
                Resource: "*"
  Worker:
    Type: AWS::Serverless::Application
    Properties:
      Location: worker/template.yaml
      Parameters:
        RoleArn: !GetAtt WorkerRole.Arn
        Env: !Ref Env
`,
      "worker/template.yaml": `${SAM}Parameters:
  RoleArn:
    Type: String
  Env:
    Type: String
    Default: dev
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: !Sub \${Env}-worker
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Role: !Ref RoleArn
`,
    });
    const doc = await build([join(dir, "template.yaml")]);
    const role = doc.roles.find((r) => r.name === "WorkerRole");
    expect(role).toBeDefined();
    // The function uses the parent's role: not an unknown role, and the role not unused. Its name
    // is made of Env, passed as the parent's Env, which has no value: unknown (the name then
    // CloudFormation's, <nested stack>-<logical ID>), not the child's Default (dev-worker).
    expect(doc.functions.map((f) => [f.name, f.roleArn])).toEqual([["Worker-Fn", role?.arn]]);
    expect(doc.meta.warnings.filter((w) => /not in the IAM inputs|used by no function/.test(w.message))).toEqual([]);
    const given = await build([join(dir, "template.yaml")], { iac: { parameters: { Env: "prod" }, accountId: "111122223333" } });
    expect(given.functions.map((f) => [f.name, f.roleArn])).toEqual([["prod-worker", "arn:aws:iam::111122223333:role/WorkerRole"]]);
    expect(given.meta.warnings.filter((w) => w.code === "cloudformation-parameter-default")).toEqual([]);
  });

  it("a missing file, a URL and a SAR application keep the warning, naming what is not read; a cycle is said, a template two nested stacks name is read as both", async () => {
    const dir = project({
      "template.yaml": `${SAM}Resources:
  Missing:
    Type: AWS::Serverless::Application
    Properties:
      Location: ./missing/template.yaml
  Remote:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: https://s3.amazonaws.com/bucket/child.yaml
  Sar:
    Type: AWS::Serverless::Application
    Properties:
      Location:
        ApplicationId: arn:aws:serverlessrepo:us-east-1:077246666028:applications/hello-world
        SemanticVersion: 1.0.2
  Loop:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./loop.yaml
  Again:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./loop.yaml
`,
      "loop.yaml": `Resources:
  Back:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./template.yaml
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::111122223333:role/r
      Code: { ZipFile: x }
`,
    });
    const doc = await build([join(dir, "template.yaml")]);
    const said = nestedWarnings(doc).map((w) => [w.path, w.message.replace(/^[^(]*\(AWS::[A-Za-z:]+\) is not read/, "")]);
    expect(said).toEqual([
      ["Resources.Back", ": its template ./template.yaml is this template or one that nests it: a cycle, which CloudFormation cannot create"],
      ["Resources.Missing", " (its template ./missing/template.yaml is not found (relative to this file's folder)): the functions and roles of its own template are not in this audit; give that template too (for a deployed stack, get-template of the nested stack)"],
      ["Resources.Remote", " (its template https://s3.amazonaws.com/bucket/child.yaml is not read): the functions and roles of its own template are not in this audit; give that template too (for a deployed stack, get-template of the nested stack)"],
      ["Resources.Sar", " (its template is that of application arn:aws:serverlessrepo:us-east-1:077246666028:applications/hello-world (AWS Serverless Application Repository), not read): the functions and roles of its own template are not in this audit; give that template too (for a deployed stack, get-template of the nested stack)"],
    ]);
    expect(doc.meta.partial).toBe(true);
    // The loop's template is read once per nested stack naming it (before: once, as Again's, and Loop
    // said "read once"); the cycle below each is cut.
    expect(doc.functions.map((f) => f.name)).toEqual(["Again-Fn", "Loop-Fn"]);
  });

  it("a nested stack's outputs: passed to another nested stack (a table's name, a layer's ARN), and used in the parent (a role)", async () => {
    // LambdaStack's DynamoDbTable is !GetAtt DynamoDbStack.Outputs.TableName, the table's fixed name.
    for (const parent of ["application-stack.yml", join(".aws-sam", "build", "template.yaml")]) {
      const doc = await build([join(NESTED, parent)]);
      const resources = doc.roles.flatMap((r) => r.inlinePolicies.flatMap((p) => p.document.Statement.flatMap((st) => st.Resource ?? [])));
      expect(resources, parent).toEqual(["arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/nested-stack-example", "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/nested-stack-example/index/*"]);
    }
    // Function's LayerArn is !GetAtt Layer.Outputs.LayerArn, the Layer stack's `!Ref Layer`.
    const ssm = await build([join(SSM, "template.yml")]);
    const account = accountOf(ssm.functions[0]?.arn ?? "");
    expect(ssm.functions[0]?.layers).toEqual([`arn:aws:lambda:unknown:${account}:layer:config-example-layer:\${Layer/Layer.Version}`]);
    // The parent's defaults now name the nested stacks' resources: said, as for its own.
    expect(ssm.meta.warnings.filter((w) => w.code === "cloudformation-parameter-default").map((w) => w.path)).toEqual(["Parameters.AppName", "Parameters.ParameterPath"]);

    const dir = project({
      "template.yaml": `${SAM}Resources:
  Roles:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: roles.yaml
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Role: !GetAtt Roles.Outputs.ApiRoleArn
`,
      "roles.yaml": `Resources:
  ApiRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
Outputs:
  ApiRoleArn:
    Value: !GetAtt ApiRole.Arn
`,
    });
    const doc = await build([join(dir, "template.yaml")]);
    // Before: the role was \${Roles.Outputs.ApiRoleArn}, not in the inputs, and the nested stack's role used by no function.
    expect(doc.functions.map((f) => [f.name, f.roleArn])).toEqual([["Api", doc.roles[0]?.arn]]);
    expect(doc.roles.map((r) => r.name)).toEqual(["Roles-ApiRole"]);
  });

  it("a nested stack its parent does not create (Condition false) is not read", async () => {
    const dir = project({
      "template.yaml": `${SAM}Parameters:
  WithWorker:
    Type: String
    Default: "no"
Conditions:
  Worker: !Equals [!Ref WithWorker, "yes"]
Resources:
  Worker:
    Type: AWS::Serverless::Application
    Condition: Worker
    Properties:
      Location: worker.yaml
  Bucket:
    Type: AWS::S3::Bucket
`,
      "worker.yaml": `${SAM}Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
`,
    });
    expect((await build([join(dir, "template.yaml")])).functions).toEqual([]);
    const yes = await build([join(dir, "template.yaml")], { iac: { parameters: { WithWorker: "yes" } } });
    expect(yes.functions.map((f) => f.name)).toEqual(["Worker-Fn"]);
  });

  describe("one template named by several nested stacks: read once per nested stack, as CloudFormation deploys one stack per resource", () => {
    // Before: read once, as the first's; the second said "is read once, as nested stack …" and the audit was partial.
    it("each instance's functions and roles, named <parent>-<its logical ID>-…, and the nested stacks of each (aws-sam-cli deep-nested)", async () => {
      const doc = await build([join(TWICE, "template.yaml")]);
      expect(nestedWarnings(doc)).toEqual([]);
      expect(doc.meta.partial).toBe(false);
      expect(doc.functions.map((f) => [f.name, f.roleArn.split(":").slice(5).join(":")])).toEqual([
        ["ChildStackX-ChildStackY-FunctionA", "role/ChildStackX-ChildStackY-FunctionARole"],
        ["ChildStackX-FunctionB", "role/ChildStackX-FunctionBRole"],
        ["ChildStackXViaSymlink-ChildStackY-FunctionA", "role/ChildStackXViaSymlink-ChildStackY-FunctionARole"],
        ["ChildStackXViaSymlink-FunctionB", "role/ChildStackXViaSymlink-FunctionBRole"],
        ["FunctionA", "role/FunctionARole"],
      ]);
      // Warnings and statements still name the child's file and the path in it.
      const child = join(TWICE, "ChildStackX", "template.yaml");
      const fnB = doc.functions.filter((f) => f.name.endsWith("-FunctionB"));
      expect(fnB.map((f) => f.source?.file)).toEqual([child, child]);
      // The child given too (a folder): read as the two nested stacks, not as a stack of its own.
      const folder = await build([TWICE]);
      expect(folder.functions.map((f) => f.name)).toEqual(doc.functions.map((f) => f.name));
      expect(nestedWarnings(folder)).toEqual([]);
    });

    it("each instance with its own parameter values and outputs (the real layer and function templates of lambda-layer-ssm-parameters, each nested twice)", async () => {
      const fixture = (path: string) => readFileSync(join(SSM, path, "template.yml"), "utf8");
      const dir = project({
        "template.yaml": `${SAM}Parameters:
  Deploy:
    Type: String
    Default: "no"
Conditions:
  WithReports: !Equals [!Ref Deploy, "yes"]
Resources:
  OrdersLayer:
    Type: AWS::Serverless::Application
    Properties:
      Location: ./layer/template.yml
      Parameters:
        AppName: orders
  UsersLayer:
    Type: AWS::Serverless::Application
    Properties:
      Location: ./layer/template.yml
      Parameters:
        AppName: users
  Orders:
    Type: AWS::Serverless::Application
    Properties:
      Location: ./function/template.yml
      Parameters:
        AppName: orders
        ParameterPath: /orders
        LayerArn: !GetAtt OrdersLayer.Outputs.LayerArn
  Users:
    Type: AWS::Serverless::Application
    Properties:
      Location: ./function/template.yml
      Parameters:
        AppName: users
        ParameterPath: /users
        LayerArn: !GetAtt UsersLayer.Outputs.LayerArn
  Reports:
    Type: AWS::Serverless::Application
    Condition: WithReports
    Properties:
      Location: ./function/template.yml
      Parameters:
        AppName: reports
        ParameterPath: /reports
        LayerArn: !GetAtt UsersLayer.Outputs.LayerArn
`,
        "layer/template.yml": fixture("layer"),
        "function/template.yml": fixture("function"),
      });
      const doc = await build([join(dir, "template.yaml")]);
      expect(nestedWarnings(doc)).toEqual([]);
      const account = accountOf(doc.functions[0]?.arn ?? "");
      // FunctionName: !Sub ${AppName}-function, and Layers: [!Ref LayerArn], the layer stack's !Ref Layer (LayerName: !Sub ${AppName}-layer).
      expect(doc.functions.map((f) => [f.name, f.layers])).toEqual([
        ["orders-function", [`arn:aws:lambda:unknown:${account}:layer:orders-layer:\${OrdersLayer/Layer.Version}`]],
        ["users-function", [`arn:aws:lambda:unknown:${account}:layer:users-layer:\${UsersLayer/Layer.Version}`]],
      ]);
      expect(doc.roles.map((r) => r.name)).toEqual(["Orders-FunctionRole", "Users-FunctionRole"]);
      // The third instance, whose Condition is false, is not read; true, it is.
      const reports = await build([join(dir, "template.yaml")], { iac: { parameters: { Deploy: "yes" } } });
      expect(reports.functions.map((f) => f.name)).toEqual(["orders-function", "reports-function", "users-function"]);
      expect(reports.functions.find((f) => f.name === "reports-function")?.layers?.[0]).toMatch(/:layer:users-layer:/);
    });

    it("a parent's function uses the role of the instance it names (!GetAtt A.Outputs.X is A's, B.Outputs.X is B's)", async () => {
      const dir = project({
        "template.yaml": `${SAM}Resources:
  ApiRoles:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: roles.yaml
      Parameters:
        Table: orders
  WorkerRoles:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: roles.yaml
      Parameters:
        Table: jobs
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Role: !GetAtt ApiRoles.Outputs.RoleArn
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Role: !GetAtt WorkerRoles.Outputs.RoleArn
`,
        "roles.yaml": `Parameters:
  Table:
    Type: String
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: table
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: dynamodb:GetItem
                Resource: !Sub arn:aws:dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/\${Table}
Outputs:
  RoleArn:
    Value: !GetAtt Role.Arn
`,
      });
      const doc = await build([join(dir, "template.yaml")], { iac: { accountId: "111122223333", region: "eu-west-1" } });
      expect(doc.functions.map((f) => [f.name, f.roleArn])).toEqual([
        ["Api", "arn:aws:iam::111122223333:role/ApiRoles-Role"],
        ["Worker", "arn:aws:iam::111122223333:role/WorkerRoles-Role"],
      ]);
      const tables = (name: string) => doc.roles.find((r) => r.name === name)?.inlinePolicies.flatMap((p) => p.document.Statement.flatMap((st) => st.Resource ?? []));
      expect(tables("ApiRoles-Role")).toEqual(["arn:aws:dynamodb:eu-west-1:111122223333:table/orders"]);
      expect(tables("WorkerRoles-Role")).toEqual(["arn:aws:dynamodb:eu-west-1:111122223333:table/jobs"]);
    });

    it("each instance's chain is bounded at 8 deep, as a single chain is", async () => {
      const files: Record<string, string> = {
        "t0.yaml": `Resources:
  A:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: t1.yaml
  B:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: t1.yaml
`,
      };
      for (let i = 1; i <= 9; i++) {
        // t9 names t10, which does not exist (never reached).
        files[`t${i}.yaml`] = `Resources:
  Next:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: t${i + 1}.yaml
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::111122223333:role/r
      Code: { ZipFile: x }
`;
      }
      const dir = project(files);
      const doc = await build([join(dir, "t0.yaml")]);
      // t1 … t8 under each of A and B (t8's Next, 9 deep, is not followed).
      const names = doc.functions.map((f) => f.name);
      expect(names.length).toBe(16);
      expect(names.filter((n) => n.startsWith("A-")).map((n) => n.split("-").length)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
      expect(names).toContain("B-Next-Next-Next-Next-Next-Next-Next-Fn");
      expect(nestedWarnings(doc).map((w) => [w.file, w.path, /nested more than 8 deep/.test(w.message)])).toEqual([[join(dir, "t8.yaml"), "Resources.Next", true]]);
    });

    it("the findings name each instance's resources, with the same fingerprints from run to run", async () => {
      const dir = project({
        "template.yaml": `${SAM}Resources:
  Orders:
    Type: AWS::Serverless::Application
    Properties:
      Location: ./service.yaml
      Parameters:
        Bucket: orders-data
  Users:
    Type: AWS::Serverless::Application
    Properties:
      Location: ./service.yaml
      Parameters:
        Bucket: users-data
`,
        "service.yaml": `${SAM}Parameters:
  Bucket:
    Type: String
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Policies:
        - Statement:
            - Effect: Allow
              Action: s3:*
              Resource: !Sub arn:aws:s3:::\${Bucket}/*
`,
      });
      const run = async () => (await audit([join(dir, "template.yaml")], { workers: 1 })).report.findings.map((f) => [f.ruleId, f.fingerprint, f.resource.arn, f.location?.file, f.location?.line]);
      const first = await run();
      const arns = [...new Set(first.map(([, , arn]) => arn))];
      // Before: Users' role was not read, so none of its findings.
      expect(arns.some((a) => String(a).endsWith(":role/Orders-FnRole"))).toBe(true);
      expect(arns.some((a) => String(a).endsWith(":role/Users-FnRole"))).toBe(true);
      // Each finding its own fingerprint, the same in the second run; both instances' point at the child's file.
      expect(new Set(first.map(([, fp]) => fp)).size).toBe(first.length);
      expect(new Set(first.map(([, , , file]) => file))).toEqual(new Set([join(dir, "service.yaml")]));
      expect(await run()).toEqual(first);
    });

    it("a fixed FunctionName in it is one function twice, which CloudFormation refuses: said, naming both nested stacks, and read as the first's", async () => {
      // The real child of sunshine0709/AWS.Nested.Stacks (FunctionName: AWS-Nested-Stack-Lambda-ProtoType),
      // nested twice. Before: conflicting-records, "function … differs between
      // Resources/nested-stack-lambda.yml (LambdaFunction) and Resources/nested-stack-lambda.yml (LambdaFunction)".
      const child = (name: string) => readFileSync(join(NESTED, "Resources", name), "utf8");
      const dir = project({
        "application-stack.yml": `${SAM}Resources:
  DynamoDbStack:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./Resources/nested-stack-dynamodb.yml
  LambdaStack:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./Resources/nested-stack-lambda.yml
      Parameters:
        DynamoDbTable: !GetAtt DynamoDbStack.Outputs.TableName
  SecondLambdaStack:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./Resources/nested-stack-lambda.yml
      Parameters:
        DynamoDbTable: !GetAtt DynamoDbStack.Outputs.TableName
`,
        "Resources/nested-stack-lambda.yml": child("nested-stack-lambda.yml"),
        "Resources/nested-stack-dynamodb.yml": child("nested-stack-dynamodb.yml"),
      });
      const top = join(dir, "application-stack.yml");
      const file = join(dir, "Resources", "nested-stack-lambda.yml");
      for (const options of [{}, { iac: { accountId: "123456789012" } }]) {
        const doc = await build([top], options);
        expect(doc.meta.warnings.filter((w) => w.code === "conflicting-records")).toEqual([]);
        const clash = doc.meta.warnings.filter((w) => w.code === "cloudformation-nested-name-clash");
        expect(clash.map((w) => [w.severity, w.file, w.path])).toEqual([["warning", file, "LambdaFunction"]]);
        const fn = doc.functions[0]!;
        expect(clash[0]!.message).toBe(
          `two nested stacks of ${top}, LambdaStack and SecondLambdaStack, deploy this template, and its function (LambdaFunction) has a fixed name (FunctionName): both make ${fn.arn}; a function name is unique in its account, so CloudFormation fails to create it in SecondLambdaStack (AWS-Nested-Stack-Lambda-ProtoType already exists) and rolls the deployment back; read as LambdaStack's`,
        );
        expect(doc.functions.map((f) => [f.name, f.roleArn.split(":").slice(5).join(":")])).toEqual([["AWS-Nested-Stack-Lambda-ProtoType", "role/LambdaStack-LambdaFunctionRole"]]);
        expect(doc.meta.partial).toBe(false);
      }
    });
  });
});
