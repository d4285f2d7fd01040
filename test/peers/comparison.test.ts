/**
 * docs/comparison.md compares leastrole with Cloudsplaining and Parliament on the corpus exports.
 * The peers are Python tools that CI does not install, so their side is a stored fixture
 * (test/fixtures/peers/comparison.json, written by `npx tsx bench/peers/compare.ts`; see the README
 * there). leastrole's side is rerun here, so neither the fixture nor the doc's tables can go stale
 * when a rule changes: regenerate both with the script (it needs the peers' venv).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { COMPARISON_FILE, EXPORTS, leastroleRuns, renderMarkdown, type Comparison } from "../../bench/peers/compare.js";
import { CATEGORIES, countByCategory, leastroleTable, principalKey } from "../../bench/peers/normalise.js";

const CORPUS = process.env.LEASTROLE_CORPUS ?? "/work/shared/corpus";
const stored = JSON.parse(readFileSync(COMPARISON_FILE, "utf8")) as Comparison;
const work = mkdtempSync(join(tmpdir(), "leastrole-peers-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("comparison normalisation", () => {
  it("keys principals and functions by kind and name, whatever the path", () => {
    expect(principalKey("arn:aws:iam::123456789012:role/service-role/level1")).toBe("role/level1");
    expect(principalKey("arn:aws:iam::aws:user/USER")).toBe("user/USER");
    expect(principalKey("arn:aws:lambda:us-east-1:123456789012:function:invpclambda")).toBe("function/invpclambda");
  });

  it("names LR014's escalation methods and refuses a rule it cannot categorise", () => {
    const resource = { type: "role", arn: "arn:aws:iam::1:role/r", name: "r" };
    const table = leastroleTable([
      { ruleId: "LR014", resource, evidence: { paths: [{ id: "passrole-lambda" }, { id: "iam-put-role-policy" }] } },
      { ruleId: "LR003", resource },
      { ruleId: "LR003", resource },
    ]);
    expect(table).toEqual({ "role/r": { "privilege-escalation": ["LR014 iam-put-role-policy", "LR014 passrole-lambda"], "overly-permissive": ["LR003"] } });
    expect(countByCategory(table)).toEqual({ "privilege-escalation": 1, "overly-permissive": 1 });
    expect(() => leastroleTable([{ ruleId: "LR999", resource }])).toThrow(/LR999 has no comparison category/);
  });

  it("the doc's generated section is the stored comparison rendered", () => {
    const doc = readFileSync(join(import.meta.dirname, "../../docs/comparison.md"), "utf8");
    expect(doc).toContain(renderMarkdown(stored));
    expect(stored.exports.map((e) => e.name)).toEqual(EXPORTS.map((e) => e.name));
    expect(stored.categories).toEqual([...CATEGORIES]);
  });
});

describe.skipIf(!existsSync(CORPUS))("leastrole's column of the comparison, rerun on the corpus", () => {
  it.each(EXPORTS)("$name: the same findings as stored", async (spec) => {
    const runs = await leastroleRuns(spec, CORPUS, mkdtempSync(join(work, "e-")));
    const e = stored.exports.find((x) => x.name === spec.name)!;
    expect(runs.leastrole.table).toEqual(e.tables.leastrole);
    expect(runs["leastrole-account"].table).toEqual(e.tables["leastrole-account"]);
    expect(runs["leastrole-as-lambda"].table).toEqual(e.tables["leastrole-as-lambda"]);
    expect(runs.leastrole.warnings).toEqual(e.leastroleWarnings.leastrole);
  });

  // The claims docs/comparison.md makes in prose, pinned one by one.
  it("example-authz-details: no execution role, so nothing by default; LR014 on three roles and three users with --scope account", () => {
    const e = stored.exports.find((x) => x.name === "cloudsplaining-example-authz-details")!;
    expect(e.tables.leastrole).toEqual({});
    expect(Object.keys(e.tables["leastrole-account"])).toEqual(["role/MyOtherRole", "role/MyRole", "role/OverprivilegedEC2", "user/biden", "user/obama", "user/userwithlotsofpermissions"]);
    expect(e.tables["leastrole-account"]["role/OverprivilegedEC2"]).toEqual({ "privilege-escalation": ["LR014 iam-create-access-key"] });
    expect(e.tables["leastrole-account"]["user/biden"]).toEqual({
      "privilege-escalation": ["LR014 lambda-update-code", "LR014 lambda-update-configuration", "LR014 passrole-lambda"],
    });
    // Cloudsplaining's default exclusions skip AdministratorAccess, so obama (admin through it) is clean there.
    expect(e.cloudsplainingSkippedPolicies).toContain("AdministratorAccess");
    expect(e.tables.cloudsplaining["user/obama"]).toBeUndefined();
    expect(e.tables["cloudsplaining-no-exclusions"]["user/obama"]?.["privilege-escalation"]?.length).toBeGreaterThan(0);
    // MyRole/MyOtherRole may pass any role and attach an instance profile to any running instance
    // (ec2:AssociateIamInstanceProfile), which Cloudsplaining's methods lack; as execution roles they
    // also get LR003 for iam:PassRole & co. on "*".
    for (const r of ["role/MyRole", "role/MyOtherRole"]) {
      expect(e.tables["leastrole-account"][r]).toEqual({ "privilege-escalation": ["LR014 passrole-ec2-associate-instance-profile"] });
      expect(e.tables["leastrole-as-lambda"][r]).toEqual({ "privilege-escalation": ["LR014 passrole-ec2-associate-instance-profile"], "overly-permissive": ["LR003"] });
      expect(e.tables.cloudsplaining[r]?.["privilege-escalation"]).toBeUndefined();
    }
  });

  it("as-Lambda: LR018 reports the AWS managed read-only policies Cloudsplaining calls data exfiltration; LR014 finds Cloudsplaining's takeover methods on PowerUserAccess and AmazonEC2FullAccess", () => {
    const t = stored.exports.find((x) => x.name === "cloudsplaining-example-authz-details")!.tables;
    for (const p of ["policy/AmazonS3ReadOnlyAccess", "policy/AWSConfigRole"]) {
      expect(t["cloudsplaining-no-exclusions"][p]?.["data-exfiltration"]?.length, p).toBeGreaterThan(0);
    }
    // AWSConfigRole also writes every Config rule, recorder and aggregator (config:Put* on *): LR021,
    // where Cloudsplaining says infrastructure modification. AmazonS3ReadOnlyAccess writes nothing.
    expect(t["leastrole-as-lambda"]["policy/AmazonS3ReadOnlyAccess"]).toEqual({ "data-exfiltration": ["LR018"] });
    expect(t["leastrole-as-lambda"]["policy/AWSConfigRole"]).toEqual({ "data-exfiltration": ["LR018"], "infrastructure-modification": ["LR021"] });
    expect(t["cloudsplaining-no-exclusions"]["policy/AWSConfigRole"]?.["infrastructure-modification"]?.length).toBeGreaterThan(0);
    // Cloudsplaining's method → leastrole's path, for every method it lists on these two policies.
    const same: Record<string, string> = {
      AccessExistingBedrockCodeInterpreterSession: "bedrock-code-interpreter-session",
      CreatePresignedSageMakerNotebookUrl: "sagemaker-presigned-notebook-url",
      EC2InstanceConnectSendSSHPublicKey: "ec2-instance-connect-ssh",
      ECSExecuteCommandOnRunningTask: "ecs-execute-command",
      EditExistingLambdaFunctionWithRole: "lambda-update-configuration",
      ExecuteCloudFormationChangeSet: "cloudformation-execute-change-set",
      ModifyEC2InstanceUserDataThenRestart: "ec2-modify-user-data",
      ModifyExistingEC2LaunchTemplate: "ec2-modify-launch-template",
      UpdateAndInvokeLambdaFunction: "lambda-update-code",
      UpdateExistingGlueDevEndpoint: "glue-update-dev-endpoint",
      UpdateLambdaFunctionAndAddPermission: "lambda-update-code",
      UpdateSageMakerNotebookLifecycleConfig: "sagemaker-notebook-lifecycle-config",
    };
    for (const policy of ["PowerUserAccess", "AmazonEC2FullAccess"]) {
      const ours = t["leastrole-as-lambda"][`policy/${policy}`]?.["privilege-escalation"] ?? [];
      const theirs = t.cloudsplaining[`policy/${policy}`]?.["privilege-escalation"] ?? [];
      expect(theirs.length, policy).toBeGreaterThan(0);
      for (const m of theirs) expect(ours, `${policy}: ${m}`).toContain(`LR014 ${same[m.slice(policy.length + 2)] ?? m}`);
    }
  });

  it("cloudmapper bad_role (Allow * on *): every one of Cloudsplaining's 59 escalation methods is an LR014 path", () => {
    // Cloudsplaining 0.9.1's PRIVILEGE_ESCALATION_METHODS → the LR014 path that covers it. Several of
    // theirs are one of ours: their variants of a step (run a task, start it, or make a service) are
    // one step with alternatives here, and their two-step IAM combinations need only the first step.
    const ours: Record<string, string> = {
      AccessExistingBedrockCodeInterpreterSession: "bedrock-code-interpreter-session",
      AddUserToGroup: "iam-add-user-to-group",
      AttachGroupPolicy: "iam-put-group-policy",
      AttachRolePolicy: "iam-attach-role-policy",
      AttachRolePolicyThenUpdateAssumeRolePolicy: "iam-attach-role-policy",
      AttachUserPolicy: "iam-attach-user-policy",
      AttachUserPolicyThenCreateAccessKey: "iam-attach-user-policy",
      CreateAccessKey: "iam-create-access-key",
      CreateAndRotateAccessKey: "iam-create-access-key",
      CreateEC2WithExistingIP: "passrole-ec2",
      CreateLoginProfile: "iam-create-login-profile",
      CreateNewPolicyVersion: "iam-create-policy-version",
      CreatePolicyVersionThenAssumeRole: "iam-create-policy-version",
      CreatePolicyVersionThenUpdateAssumeRolePolicy: "iam-create-policy-version",
      CreatePresignedSageMakerNotebookUrl: "sagemaker-presigned-notebook-url",
      EC2InstanceConnectSendSSHPublicKey: "ec2-instance-connect-ssh",
      ECSExecuteCommandOnRunningTask: "ecs-execute-command",
      EditExistingLambdaFunctionWithRole: "lambda-update-code",
      ExecuteCloudFormationChangeSet: "cloudformation-execute-change-set",
      ModifyEC2InstanceUserDataThenRestart: "ec2-modify-user-data",
      ModifyExistingEC2LaunchTemplate: "ec2-modify-launch-template",
      PassExistingRoleToCloudFormation: "passrole-cloudformation",
      PassExistingRoleToNewAppRunnerService: "passrole-apprunner",
      PassExistingRoleToNewBedrockCodeInterpreter: "passrole-bedrock-code-interpreter",
      PassExistingRoleToNewCloudFormationStackSet: "passrole-cloudformation-stackset",
      PassExistingRoleToNewCodeBuildProjectThenBuild: "passrole-codebuild",
      PassExistingRoleToNewCodeBuildProjectThenBuildBatch: "passrole-codebuild",
      PassExistingRoleToNewDataPipeline: "passrole-datapipeline",
      PassExistingRoleToNewEC2SpotInstance: "passrole-ec2-spot",
      PassExistingRoleToNewECSClusterRunTask: "passrole-ecs",
      PassExistingRoleToNewECSClusterServiceTask: "passrole-ecs",
      PassExistingRoleToNewECSService: "passrole-ecs",
      PassExistingRoleToNewECSTaskViaRunTask: "passrole-ecs",
      PassExistingRoleToNewECSTaskViaStartTask: "passrole-ecs",
      PassExistingRoleToNewGlueDevEndpoint: "passrole-glue",
      PassExistingRoleToNewGlueJobThenRun: "passrole-glue-job",
      PassExistingRoleToNewGlueJobViaTrigger: "passrole-glue-job",
      PassExistingRoleToNewLambdaThenAddPermission: "passrole-lambda",
      PassExistingRoleToNewLambdaThenInvoke: "passrole-lambda",
      PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo: "passrole-lambda",
      PassExistingRoleToNewLambdaThenTriggerWithNewDynamo: "passrole-lambda",
      PassExistingRoleToNewSageMakerNotebookInstance: "passrole-sagemaker",
      PassExistingRoleToNewSageMakerProcessingJob: "passrole-sagemaker-job",
      PassExistingRoleToNewSageMakerTrainingJob: "passrole-sagemaker-job",
      PassExistingRoleToUpdatedGlueJobThenRun: "glue-update-job",
      PassExistingRoleToUpdatedGlueJobViaTrigger: "glue-update-job",
      PassRoleToUpdateCloudFormationStackSet: "cloudformation-update-stackset",
      PutGroupPolicy: "iam-put-group-policy",
      PutRolePolicy: "iam-put-role-policy",
      PutRolePolicyThenUpdateAssumeRolePolicy: "iam-put-role-policy",
      PutUserPolicy: "iam-put-user-policy",
      PutUserPolicyThenCreateAccessKey: "iam-put-user-policy",
      SetExistingDefaultPolicyVersion: "iam-set-default-policy-version",
      UpdateAndInvokeLambdaFunction: "lambda-update-code",
      UpdateExistingGlueDevEndpoint: "glue-update-dev-endpoint",
      UpdateLambdaFunctionAndAddPermission: "lambda-update-code",
      UpdateLoginProfile: "iam-create-login-profile",
      UpdateRolePolicyToAssumeIt: "iam-update-assume-role-policy",
      UpdateSageMakerNotebookLifecycleConfig: "sagemaker-notebook-lifecycle-config",
    };
    const t = stored.exports.find((x) => x.name === "cloudmapper-demo-account")!.tables;
    const theirs = (t.cloudsplaining["policy/inline:dostuff"]?.["privilege-escalation"] ?? []).map((m) => m.slice("inline:dostuff: ".length));
    expect(theirs.length).toBe(59);
    expect([...theirs].sort()).toEqual(Object.keys(ours).sort());
    const found = t["leastrole-account"]["role/bad_role"]?.["privilege-escalation"] ?? [];
    for (const m of theirs) expect(found, m).toContain(`LR014 ${ours[m]}`);
  });

  it("as-Lambda: ${aws:username} in a role's policy grants the role nothing, so no LR014 on cloudmapper's BAD_MFA_POLICY (a fixed false positive)", () => {
    const t = stored.exports.find((x) => x.name === "cloudmapper-demo-account")!.tables;
    // What remains is LR019 on its retired SMS-MFA actions, as Parliament's UNKNOWN_ACTION.
    expect(t["leastrole-as-lambda"]["policy/BAD_MFA_POLICY"]).toEqual({ "policy-validity": ["LR019"] });
    expect(t["parliament-per-policy"]["policy/BAD_MFA_POLICY"]?.["policy-validity"]).toContain("UNKNOWN_ACTION (BAD_MFA_POLICY)");
  });

  it("example_authz_v2: leastrole resolves AdministratorAccess from its shipped data; the export lacks its document, so both peers miss BlakeBortles", () => {
    const e = stored.exports.find((x) => x.name === "cloudsplaining-example_authz_v2")!;
    expect(e.tables["leastrole-account"]["user/BlakeBortles"]?.["privilege-escalation"]).toContain("LR014 iam-put-role-policy");
    for (const run of ["cloudsplaining", "cloudsplaining-no-exclusions", "parliament", "parliament-community", "parliament-per-policy"] as const) {
      expect(e.tables[run]["user/BlakeBortles"], run).toBeUndefined();
    }
  });

  it("cloudmapper: Cloudsplaining drops bad_role (it shares a RoleId with level1); leastrole reports it with --scope account", () => {
    const e = stored.exports.find((x) => x.name === "cloudmapper-demo-account")!;
    expect(e.principals.export).toContain("role/bad_role");
    expect(e.principals.cloudsplaining).not.toContain("role/bad_role");
    expect(e.tables.cloudsplaining["policy/inline:dostuff"]?.["privilege-escalation"]?.length).toBeGreaterThan(0);
    expect(e.tables["leastrole-account"]["role/bad_role"]?.["privilege-escalation"]?.length).toBeGreaterThan(0);
    // level1 may assume bad_role (administrator, trusting "*"): LR014 sts-assume-role, in the default run too.
    expect(e.tables.leastrole).toEqual({ "role/level1": { "privilege-escalation": ["LR014 sts-assume-role"], hygiene: ["LR016"] } });
    // level1 (the only Lambda role) grants ecr:GetAuthorizationToken: credentials exposure for both peers, not for leastrole.
    expect(e.tables.cloudsplaining["role/level1"]).toEqual({ "credentials-exposure": ["inline:level1: ecr:GetAuthorizationToken"] });
  });
});
