/**
 * Observed names next to a template: CloudTrail keys holding `${date}`, `${AWS::AccountId}`, `*`
 * are names, not CloudFormation placeholders. The built CLI's CloudFormation output must keep them
 * literal (no Fn::Sub that CloudFormation would substitute, or reject with cfn-lint's E1019), and
 * the generation must not call them infrastructure-as-code references.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import YAML from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const cli = join(packageRoot(), "dist", "cli.js");
const work = mkdtempSync(join(tmpdir(), "lr-iac-literals-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const hasCfnLint = spawnSync("cfn-lint", ["--version"], { encoding: "utf8" }).status === 0;

const ACCOUNT = "111122223333";
const KEYS = ["exports/${date}/x.csv", "z/${AWS::AccountId}/w", "u/${aws:username}/y.csv", "t/star*q?"];

function run(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: work, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** An S3 GetObject data event of the template's function, in the shape CloudTrail writes it. */
function getObject(i: number, key: string): object {
  return {
    eventVersion: "1.09",
    userIdentity: {
      type: "AssumedRole",
      principalId: "AROAEXAMPLEEXAMPLE01:tpl-fn",
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/tpl-role/tpl-fn`,
      accountId: ACCOUNT,
      sessionContext: { sessionIssuer: { type: "Role", principalId: "AROAEXAMPLEEXAMPLE01", arn: `arn:aws:iam::${ACCOUNT}:role/tpl-role`, accountId: ACCOUNT, userName: "tpl-role" } },
    },
    eventTime: `2026-11-23T02:0${i}:00Z`,
    eventSource: "s3.amazonaws.com",
    eventName: "GetObject",
    awsRegion: "us-east-1",
    sourceIPAddress: "3.3.3.3",
    userAgent: "aws-sdk-js/3",
    requestParameters: { bucketName: "plain-bucket", Host: "plain-bucket.s3.us-east-1.amazonaws.com", key },
    requestID: `req-${i}`,
    eventID: `00000000-0000-0000-0000-00000000000${i}`,
    readOnly: true,
    resources: [
      { accountId: ACCOUNT, type: "AWS::S3::Object", ARN: `arn:aws:s3:::plain-bucket/${key}` },
      { accountId: ACCOUNT, type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::plain-bucket" },
    ],
    eventType: "AwsApiCall",
    managementEvent: false,
    recipientAccountId: ACCOUNT,
    eventCategory: "Data",
  };
}

const template = join(work, "template.yaml");
const trail = join(work, `${ACCOUNT}_CloudTrail_us-east-1_20261123T0300Z_x.json`);
const flags = ["--account-id", ACCOUNT, "--region", "us-east-1", "--window-days", "1", "--quiet"];

beforeAll(() => {
  if (!existsSync(cli)) throw new Error("build first: npm run build");
  writeFileSync(
    template,
    [
      "Resources:",
      "  Role:",
      "    Type: AWS::IAM::Role",
      "    Properties:",
      "      RoleName: tpl-role",
      "      AssumeRolePolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}",
      "  Fn:",
      "    Type: AWS::Lambda::Function",
      "    Properties: {FunctionName: tpl-fn, Role: !GetAtt Role.Arn, Runtime: python3.12, Handler: a.b, Code: {ZipFile: x}}",
      "",
    ].join("\n"),
  );
  writeFileSync(trail, JSON.stringify({ Records: KEYS.map((k, i) => getObject(i, k)) }));
});

type Template = { Resources: { [id: string]: { Properties: { Policies?: { PolicyDocument: { Statement: { Action: string[]; Resource: unknown[] }[] } }[] } } } };

describe("observed names beside a template", () => {
  it("stay literal in CloudFormation: IAM's ${$}/${*}/${?}, no Fn::Sub, nothing substituted", () => {
    const r = run(["generate", template, trail, ...flags, "-f", "cloudformation"]);
    expect(r.code, r.stderr).toBe(0);
    const tpl = YAML.parse(r.stdout) as Template;
    const statements = Object.values(tpl.Resources).flatMap((x) => x.Properties.Policies ?? []).flatMap((p) => p.PolicyDocument.Statement);
    const s3 = statements.find((s) => s.Action.includes("s3:GetObject"));
    expect(s3?.Resource).toEqual([
      "arn:aws:s3:::plain-bucket/exports/${$}{date}/x.csv",
      "arn:aws:s3:::plain-bucket/t/star${*}q${?}",
      "arn:aws:s3:::plain-bucket/u/${$}{aws:username}/y.csv",
      "arn:aws:s3:::plain-bucket/z/${$}{AWS::AccountId}/w",
    ]);
  });

  it.skipIf(!hasCfnLint)("is a template cfn-lint accepts (no E1019 for a key's ${date})", () => {
    const out = join(work, "generated.yaml");
    expect(run(["generate", template, trail, ...flags, "-f", "cloudformation", "-o", out]).code).toBe(0);
    const lint = spawnSync("cfn-lint", [out], { encoding: "utf8" });
    expect(`${lint.stdout}${lint.stderr}`).toBe("");
    expect(lint.status).toBe(0);
  });

  it("are not called infrastructure-as-code references", () => {
    const r = run(["generate", template, trail, ...flags]);
    const targets = JSON.parse(r.stdout) as { warnings: { code: string }[] }[];
    expect(targets.flatMap((t) => t.warnings.map((w) => w.code))).not.toContain("unresolved-references");
  });
});

describe("CloudFormation made from a Terraform plan", () => {
  // The plan does not say the account (the reader writes `unknown`): the role's stack does, as
  // ${AWS::AccountId}. Left as `unknown`, the log group ARN matched no log group (the function
  // could not log) and cfn-lint rejected it (E3510, not an ARN).
  const plan = join(packageRoot(), "test/iac/fixtures/terraform/lambda-app.plan.json");
  type Resources = { [id: string]: { Properties: { Policies?: { PolicyDocument: { Statement: { Action: string[]; Resource: unknown[] }[] } }[] } } };
  const logResources = (statements: { Action: string[]; Resource: unknown[] }[]) => statements.filter((s) => s.Action.some((a) => a.startsWith("logs:"))).flatMap((s) => s.Resource);

  it("fills the plan's unknown account with ${AWS::AccountId}, in the template and in SAM's output", () => {
    const cfn = run(["generate", plan, "-f", "cloudformation", "--quiet"]);
    expect(cfn.code, cfn.stderr).toBe(0);
    expect(cfn.stdout.split("\n").filter((l) => !l.trimStart().startsWith("#") && l.includes(":unknown:"))).toEqual([]);
    const resources = (YAML.parse(cfn.stdout) as { Resources: Resources }).Resources;
    const logs = logResources(Object.values(resources).flatMap((x) => x.Properties.Policies ?? []).flatMap((p) => p.PolicyDocument.Statement));
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.every((r) => typeof r === "object" && /^arn:aws:logs:eu-west-1:\$\{AWS::AccountId\}:log-group:\/aws\/lambda\/[a-z-]+(:\*|:log-stream:\*)?$/.test((r as { "Fn::Sub": string })["Fn::Sub"]))).toBe(true);
    const sam = run(["generate", plan, "-f", "sam", "--quiet"]);
    // A Terraform function is no AWS::Serverless::Function: SAM's output is its role, as in the template.
    const docs = YAML.parseAllDocuments(sam.stdout).map((d) => d.toJS() as { Policies?: unknown; Resources: Resources });
    expect(docs.filter((d) => d.Policies !== undefined)).toEqual([]);
    const samLogs = logResources(docs.flatMap((d) => Object.values(d.Resources)).flatMap((x) => x.Properties.Policies ?? []).flatMap((p) => p.PolicyDocument.Statement));
    expect([samLogs.length > 0, samLogs.filter((r) => typeof r === "string" && r.includes(":unknown:"))]).toEqual([true, []]);
  });

  it.skipIf(!hasCfnLint)("is a template whose only cfn-lint error is the plan's own reference (${aws_sqs_queue.jobs.arn}, warned as unresolved)", () => {
    const out = join(work, "from-plan.yaml");
    expect(run(["generate", plan, "-f", "cloudformation", "--quiet", "-o", out]).code).toBe(0);
    const lint = spawnSync("cfn-lint", ["--format", "parseable", out], { encoding: "utf8" });
    const errors = lint.stdout.split("\n").filter((l) => l !== "");
    expect(errors.map((l) => /:\d+:\d+:\d+:\d+:([EW]\d{4}):/.exec(l)?.[1])).toEqual(["E3510"]);
    expect(errors[0]).toContain("${aws_sqs_queue.jobs.arn}");
  });
});
