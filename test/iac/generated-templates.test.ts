/**
 * Templates written by deployment tools, not by hand, as the tools write them (trimmed copies of
 * real output, each fixture with its SOURCE.md): the patterns of their own that leastrole must
 * read as CloudFormation deploys them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { auditDocument, buildDocument } from "../../src/index.js";
import { packageRoot } from "../../src/evaluate/locate.js";

const fixtures = join(packageRoot(), "test", "iac", "fixtures");

describe("Architect's sam.json", () => {
  const file = join(fixtures, "architect-sam", "sam.json");

  it("joins every function to the shared Role its `!Sub [role/${roleName}, {roleName: !Ref Role}]` names", async () => {
    const document = await buildDocument([file], { iac: { accountId: "123456789012", region: "us-east-1" } });
    const role = document.roles.find((r) => r.displayName === "Role" || r.name === "Role");
    expect(role).toBeDefined();
    expect(document.functions.map((f) => [f.displayName ?? f.name, f.roleArn])).toEqual([
      ["BgQueueLambda", role?.arn],
      ["GetIndexHTTPLambda", role?.arn],
      ["PostQHTTPLambda", role?.arn],
    ]);
    // The role and its separate AWS::IAM::Policy are read, so nothing is missing.
    expect(document.meta.warnings.filter((w) => /not in the IAM inputs/.test(w.message))).toEqual([]);
    const findings = auditDocument(document).findings;
    // Before, the functions' role was "not in the inputs" and the role "used by no function".
    expect(findings.filter((f) => f.ruleId === "LR016")).toEqual([]);
    expect(findings.find((f) => f.ruleId === "LR001")?.message).toBe("Role Role is the execution role of 3 functions (BgQueueLambda, GetIndexHTTPLambda, PostQHTTPLambda)");
    // Architect's queue policy names sqs:SendMessageBatch, which no IAM policy can grant
    // (SendMessageBatch is authorised by sqs:SendMessage).
    expect(findings.find((f) => f.ruleId === "LR019")?.message).toMatch(/sqs:SendMessageBatch/);
  });
});

describe("an Amplify CLI function stack", () => {
  const file = join(fixtures, "amplify-function", "S3Trigger-cloudformation-template.json");
  const s3Resources = (document: Awaited<ReturnType<typeof buildDocument>>): unknown[] =>
    document.roles.flatMap((r) => r.inlinePolicies.flatMap((p) => p.document.Statement.filter((s) => JSON.stringify(s.Action).includes("s3:")).map((s) => s.Resource)));

  it("reads a parameter whose Default is its own name as unknown, not as a bucket or user pool of that name", async () => {
    const document = await buildDocument([file], {});
    // Amplify passes the storage category's bucket name at push: before, the policy was read on
    // a bucket named `storageamfilesBucketName`, and generate wrote that bucket into its policy.
    expect(s3Resources(document)).toEqual([["arn:aws:s3:::${storageamfilesBucketName}"], ["arn:aws:s3:::${storageamfilesBucketName}/*"]]);
    const cognito = document.roles[0]?.inlinePolicies.find((p) => p.name === "amplify-lambda-execution-policy")?.document.Statement[0]?.Resource;
    expect(cognito).toEqual(["arn:aws:cognito-idp:${AWS::Region}:${AWS::AccountId}:userpool/${authamfilesa7b0f2f2UserPoolId}"]);
    const said = document.meta.warnings.filter((w) => w.code === "cloudformation-parameter-placeholder").map((w) => w.path);
    expect(said).toEqual(["Parameters.apiamfilesGraphQLAPIIdOutput", "Parameters.authamfilesa7b0f2f2UserPoolId", "Parameters.storageamfilesBucketName"]);
    expect(document.meta.warnings.filter((w) => w.code === "cloudformation-parameter-default")).toEqual([]);
  });

  it("names the parameter an undecided condition needs, and reads the deployed names once it is given", async () => {
    const bare = await buildDocument([file], {});
    expect(bare.meta.warnings.find((w) => w.code === "cloudformation-undecided-condition")?.message).toBe(
      "condition ShouldNotCreateEnvResources cannot be decided from parameter defaults (env has no value: give --parameter env=…); where it selects a value, the first branch that has one was read",
    );
    const dev = await buildDocument([file], { iac: { parameters: { env: "dev" } } });
    expect(dev.meta.warnings.filter((w) => w.code === "cloudformation-undecided-condition")).toEqual([]);
    expect(dev.functions.map((f) => [f.name, f.logGroup])).toEqual([["S3Trigger-dev", "/aws/lambda/S3Trigger-dev"]]);
    expect(dev.roles.map((r) => r.name)).toEqual(["amfilesLambdaRole5fa601c9-dev"]);
  });

  it("takes the value given with --parameter", async () => {
    const document = await buildDocument([file], { iac: { parameters: { storageamfilesBucketName: "amfiles-uploads-dev" } } });
    expect(s3Resources(document)).toEqual([["arn:aws:s3:::amfiles-uploads-dev"], ["arn:aws:s3:::amfiles-uploads-dev/*"]]);
    expect(document.meta.warnings.filter((w) => w.path === "Parameters.storageamfilesBucketName")).toEqual([]);
  });
});

describe("a template the Serverless Framework compiled", () => {
  const file = join(fixtures, "serverless-compiled", "cloudformation-template-update-stack.json");

  it("names the framework's functions by their deployed names, not their <Key>LambdaFunction logical IDs", async () => {
    const document = await buildDocument([file], {});
    expect(document.functions.map((f) => f.displayName ?? f.name)).toEqual(["flask-api-dev-app", "flask-api-dev-custom-resource-apigw-cw-role"]);
    const findings = auditDocument(document).findings;
    // The framework's own custom-resource role has no log permissions, and can create and pass roles:
    // attach a policy to any role, or create one that trusts it, attach a policy and assume it.
    expect(findings.find((f) => f.ruleId === "LR005")?.message).toMatch(/^Function flask-api-dev-custom-resource-apigw-cw-role cannot write its logs/);
    expect(findings.find((f) => f.ruleId === "LR014")?.message).toMatch(/^Role IamRoleCustomResourcesLambdaExecution has 2 privilege-escalation paths: Attach a managed policy to a role .*; Create a role that trusts it and assume it/);
  });

  it("keeps the logical ID of a function the user wrote under resources:", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-sls-compiled-"));
    try {
      const template = JSON.parse(readFileSync(file, "utf8")) as { Resources: Record<string, unknown> };
      template.Resources.Worker = { Type: "AWS::Lambda::Function", Properties: { FunctionName: "flask-api-dev-worker", Handler: "w.handler", Runtime: "python3.8", Code: { ZipFile: "x" }, Role: { "Fn::GetAtt": ["IamRoleLambdaExecution", "Arn"] } } };
      writeFileSync(join(dir, "cloudformation-template-update-stack.json"), JSON.stringify(template));
      const document = await buildDocument([join(dir, "cloudformation-template-update-stack.json")], {});
      expect(document.functions.map((f) => f.displayName ?? f.name)).toEqual(["flask-api-dev-app", "flask-api-dev-custom-resource-apigw-cw-role", "Worker"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
