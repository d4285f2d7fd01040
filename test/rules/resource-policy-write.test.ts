/**
 * LR020 resource-policy-write through the real pipeline (export → normaliser and IAM facts →
 * analysis → compiled pack), on execution roles written the ways real accounts write them: a
 * service wildcard on one bucket, SAM's S3CrudPolicy and SNSCrudPolicy statements, AWS managed
 * policies from the shipped data, denies, boundaries and conditions. And the rule's action list
 * held to the engine's: an action the facts never list would make the rule silently blind.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { audit } from "../../src/index.js";
import { loadActionCatalogSync, SENSITIVE_ACTIONS } from "../../src/iam/index.js";
import { EXPORT_ACCOUNT, exportRole, writeExport } from "../support/authorization-details.js";

const work = mkdtempSync(join(tmpdir(), "leastrole-lr020-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const ACCOUNT = EXPORT_ACCOUNT;
type Statement = { Effect: "Allow" | "Deny"; Action?: string | string[]; NotAction?: string | string[]; Resource: string | string[]; Condition?: object };
const doc = (...Statement: Statement[]) => ({ Version: "2012-10-17", Statement });
const role = exportRole;

async function findingsOf(roles: unknown[], policies: unknown[] = []) {
  const { report } = await audit([writeExport(work, roles, policies)]);
  return report.findings.filter((f) => f.ruleId === "LR020" || f.ruleId === "LR004");
}

const actionsOf = (f: { evidence: Record<string, unknown> }) => (f.evidence.actions as { action: string }[]).map((a) => a.action);

describe("LR020 resource-policy-write", () => {
  it("names only actions the engine lists in the facts and the catalog knows as policy writes", () => {
    const rego = readFileSync(join(import.meta.dirname, "..", "..", "policies", "rules", "resource_policy_write.rego"), "utf8");
    const block = /policy_writes := \{([\s\S]*?)\n\}/.exec(rego)?.[1] ?? "";
    const actions = [...block.matchAll(/"([a-z0-9-]+:[A-Za-z]+)":/g)].map((m) => m[1] as string);
    expect(actions.length).toBe(22);
    const catalog = loadActionCatalogSync();
    for (const a of actions) {
      expect(SENSITIVE_ACTIONS, a).toContain(a);
      const info = catalog.action(a);
      expect(info?.action, a).toBe(a);
      // AWS files each of them under Permissions management, or Write for the RDS snapshot attributes.
      expect(info?.accessLevels.some((l) => l === "Permissions management" || l === "Write"), a).toBe(true);
    }
  });

  it("s3:* on one bucket is medium and lists every S3 policy write on what it can name; on every bucket it is high", async () => {
    const findings = await findingsOf([
      role("one-bucket", { inline: [doc({ Effect: "Allow", Action: "s3:*", Resource: ["arn:aws:s3:::orders", "arn:aws:s3:::orders/*"] })] }),
      role("objects-only", { inline: [doc({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::orders/*" })] }),
      role("every-bucket", { inline: [doc({ Effect: "Allow", Action: ["s3:PutBucketPolicy", "s3:GetObject"], Resource: "arn:aws:s3:::*" })] }),
    ]);
    const by = Object.fromEntries(findings.map((f) => [f.resource.name, f]));
    expect(findings.map((f) => `${f.ruleId} ${f.severity} ${f.resource.name}`).sort()).toEqual(["LR020 high every-bucket", "LR020 low objects-only", "LR020 medium one-bucket"]);
    const scoped = (f: { evidence: Record<string, unknown> }) => (f.evidence.actions as { action: string; resources: string[] }[]).map((a) => `${a.action} ${a.resources.join(" ")}`);
    // A bucket's ARN has no "/": the bucket writes reach the bucket, the object ACL writes its
    // objects; an access point's ARN names a region and an account, so neither pattern reaches one.
    expect(scoped(by["one-bucket"]!)).toEqual([
      "s3:PutBucketAcl arn:aws:s3:::orders",
      "s3:PutBucketPolicy arn:aws:s3:::orders",
      "s3:PutBucketPublicAccessBlock arn:aws:s3:::orders",
      "s3:PutObjectAcl arn:aws:s3:::orders/*",
      "s3:PutObjectVersionAcl arn:aws:s3:::orders/*",
    ]);
    // On the objects alone, s3:* cannot write the bucket's policy: only the object ACLs (low).
    expect(scoped(by["objects-only"]!)).toEqual(["s3:PutObjectAcl arn:aws:s3:::orders/*", "s3:PutObjectVersionAcl arn:aws:s3:::orders/*"]);
    expect(by["every-bucket"]!.message).toBe("Role every-bucket can change who may access resources: s3:PutBucketPolicy (S3 bucket, every resource)");
  });

  it("SAM's S3CrudPolicy and SNSCrudPolicy statements: object ACLs and topic attributes on the named resources", async () => {
    const s3Crud = {
      Effect: "Allow" as const,
      Action: ["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:GetObjectVersion", "s3:PutObject", "s3:PutObjectAcl", "s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration", "s3:DeleteObject"],
      Resource: ["arn:aws:s3:::uploads", "arn:aws:s3:::uploads/*"],
    };
    const snsCrud = { Effect: "Allow" as const, Action: ["sns:ListSubscriptionsByTopic", "sns:CreateTopic", "sns:SetTopicAttributes", "sns:Subscribe", "sns:Publish"], Resource: `arn:aws:sns:us-east-1:${ACCOUNT}:events` };
    const poller = { Effect: "Allow" as const, Action: ["sqs:ChangeMessageVisibility", "sqs:ChangeMessageVisibilityBatch", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage"], Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:jobs` };
    const [f, ...rest] = await findingsOf([role("crud", { inline: [doc(s3Crud, snsCrud)] }), role("poller", { inline: [doc(poller)] })]);
    expect(rest).toEqual([]);
    expect(f!.resource.name).toBe("crud");
    expect(f!.severity).toBe("medium");
    expect(f!.message).toBe("Role crud can change who may access resources: s3:PutObjectAcl (S3 object, 1 resource), sns:SetTopicAttributes (SNS topic, 1 resource)");
    expect(f!.evidence.actions).toEqual([
      { action: "s3:PutObjectAcl", resourceType: "S3 object", resources: ["arn:aws:s3:::uploads/*"], everyResource: false, conditional: false, grantedBy: ["inline:inline-0"] },
      { action: "sns:SetTopicAttributes", resourceType: "SNS topic", resources: [`arn:aws:sns:us-east-1:${ACCOUNT}:events`], everyResource: false, conditional: false, grantedBy: ["inline:inline-0"] },
    ]);
  });

  it("an AWS managed full-access policy stays LR004's; one that is not full access is LR020's", async () => {
    const findings = await findingsOf([
      role("s3-full", { managed: ["arn:aws:iam::aws:policy/AmazonS3FullAccess"] }),
      role("efs-full", { managed: ["arn:aws:iam::aws:policy/AmazonElasticFileSystemFullAccess"] }),
      role("basic", { managed: ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole"] }),
    ]);
    expect(findings.map((f) => `${f.ruleId} ${f.severity} ${f.resource.name}`).sort()).toEqual(["LR004 high s3-full", "LR020 high efs-full"]);
    expect(actionsOf(findings.find((f) => f.ruleId === "LR020")!)).toEqual(["elasticfilesystem:PutFileSystemPolicy"]);
  });

  it("a Deny, a permissions boundary or NotAction are evaluated, not string-matched", async () => {
    const wide = doc({ Effect: "Allow", Action: ["s3:PutBucketPolicy", "sqs:SetQueueAttributes"], Resource: "*" });
    const boundaryArn = `arn:aws:iam::${ACCOUNT}:policy/boundary`;
    const findings = await findingsOf(
      [
        role("denied", { inline: [wide, doc({ Effect: "Deny", Action: "s3:PutBucket*", Resource: "*" })] }),
        role("bounded", { inline: [wide], boundary: boundaryArn }),
        role("not-action", { inline: [doc({ Effect: "Allow", NotAction: ["iam:*", "s3:*", "kms:*", "lambda:*", "ec2:*", "rds:*", "ecr:*", "sns:*", "secretsmanager:*", "elasticfilesystem:*", "dynamodb:*", "s3express:*"], Resource: "*" })] }),
      ],
      [
        {
          PolicyName: "boundary",
          Arn: boundaryArn,
          Path: "/",
          DefaultVersionId: "v1",
          AttachmentCount: 1,
          IsAttachable: true,
          PolicyVersionList: [{ VersionId: "v1", IsDefaultVersion: true, Document: doc({ Effect: "Allow", Action: "sqs:*", Resource: "*" }) }],
        },
      ],
    );
    const by = Object.fromEntries(findings.map((f) => [f.resource.name, actionsOf(f)]));
    expect(by).toEqual({ denied: ["sqs:SetQueueAttributes"], bounded: ["sqs:SetQueueAttributes"], "not-action": ["sqs:AddPermission", "sqs:SetQueueAttributes"] });
  });

  it("dynamodb:* on a table's indexes writes no table's policy; on the table it does", async () => {
    const table = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`;
    const findings = await findingsOf([
      role("indexes", { inline: [doc({ Effect: "Allow", Action: "dynamodb:*", Resource: `${table}/index/*` })] }),
      role("table", { inline: [doc({ Effect: "Allow", Action: "dynamodb:*", Resource: [table, `${table}/index/*`] })] }),
    ]);
    expect(findings.map((f) => [f.resource.name, f.severity, f.message])).toEqual([["table", "medium", "Role table can change who may access resources: dynamodb:PutResourcePolicy (DynamoDB table or stream, 1 resource)"]]);
  });

  it("kms:CreateGrant only for AWS resources is low: the inputs do not settle the condition", async () => {
    const [f] = await findingsOf([
      role("kms", { inline: [doc({ Effect: "Allow", Action: ["kms:CreateGrant", "kms:Decrypt"], Resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/*`, Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } } })] }),
    ]);
    expect([f!.severity, f!.evidence.conditional, actionsOf(f!)]).toEqual(["low", true, ["kms:CreateGrant"]]);
    expect(f!.message).toBe("Role kms can change who may access resources: kms:CreateGrant (KMS key, every resource, with a condition)");
  });

  it("judges the condition on the resources left after the S3 narrowing, not on every statement granting the action", async () => {
    const vpce = { StringEquals: { "aws:SourceVpce": "vpce-1a2b3c4d" } };
    const findings = await findingsOf([
      // s3:* on the objects (no condition: their ACLs, low) and the bucket's policy only from one
      // VPC endpoint: what can write the policy is only the conditional statement.
      role("narrowed", {
        inline: [doc({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::orders/*" }, { Effect: "Allow", Action: "s3:PutBucketPolicy", Resource: "arn:aws:s3:::orders", Condition: vpce })],
      }),
      // Every bucket's policy under the condition, one bucket's without: that bucket's medium.
      role("mixed", {
        inline: [doc({ Effect: "Allow", Action: "s3:PutBucketPolicy", Resource: "*", Condition: vpce }, { Effect: "Allow", Action: "s3:PutBucketPolicy", Resource: "arn:aws:s3:::orders" })],
      }),
    ]);
    const rows = findings.map((f) => ({
      role: f.resource.name,
      severity: f.severity,
      actions: (f.evidence.actions as { action: string; conditional: boolean; everyResource: boolean }[]).map((a) => `${a.action} conditional=${a.conditional} every=${a.everyResource}`),
    }));
    expect(rows).toEqual([
      { role: "mixed", severity: "medium", actions: ["s3:PutBucketPolicy conditional=false every=true"] },
      {
        role: "narrowed",
        severity: "low",
        actions: ["s3:PutBucketPolicy conditional=true every=false", "s3:PutObjectAcl conditional=false every=false", "s3:PutObjectVersionAcl conditional=false every=false"],
      },
    ]);
  });
});
