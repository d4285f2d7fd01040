/**
 * Policies put on a role by resources of their own, beside the role's definition: CDK's
 * `<Role>DefaultPolicy` and `iam.Policy` / `iam.ManagedPolicy` naming roles (real `cdk synth`
 * output, fixtures/cdk-policy-resources), and Terraform's aws_iam_role_policy, attachments and
 * `*_exclusive` resources (a real plan, fixtures/terraform-policy-resources; a plan against an
 * applied state whose aws_iam_role_policy is known only after apply, fixtures/terraform-role-policy-after-apply,
 * one that destroys a role's aws_iam_role_policy and attachment, fixtures/terraform-role-policies-destroyed, and
 * one that replaces an attachment, fixtures/terraform-role-attachment-replaced). Each is attached to
 * the role it names, and the role says where it is written (Role.policyResources), with what
 * else it names and what depends on it: what `generate` needs to tell the user to remove it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildDocument } from "../../src/audit/build-document.js";
import { packageRoot } from "../../src/evaluate/locate.js";
import type { CanonicalDocument, Role } from "../../src/model/document.js";

const fixtures = join(packageRoot(), "test", "iac", "fixtures");
const cdk = join(fixtures, "cdk-policy-resources", "cdk.out");
const plan = join(fixtures, "terraform-policy-resources", "plan.json");
const afterApply = join(fixtures, "terraform-role-policy-after-apply", "plan.json");
const destroyed = join(fixtures, "terraform-role-policies-destroyed", "plan.json");
const replaced = join(fixtures, "terraform-role-attachment-replaced", "plan.json");

function roleOf(doc: CanonicalDocument, logicalId: string): Role {
  const role = doc.roles.find((r) => r.source?.address === logicalId);
  if (role === undefined) throw new Error(`no role ${logicalId} in ${doc.roles.map((r) => r.source?.address).join(", ")}`);
  return role;
}

const where = (role: Role) => (role.policyResources ?? []).map((p) => [p.source.address, p.type, p.inlinePolicy ?? p.managedPolicyArns, p.sharedWith, p.dependents]);

describe("CloudFormation: policies a template puts on a role from outside it (CDK)", () => {
  it("CDK's DefaultPolicy, a Policy and a ManagedPolicy naming two roles are attached and located, with the function that DependsOn them", async () => {
    const doc = await buildDocument([cdk], { workers: 1 });
    const api = roleOf(doc, "ApiServiceRole1BD550DA");
    expect(api.inlinePolicies.map((p) => p.name)).toEqual(["ApiServiceRoleDefaultPolicyB24862FE"]);
    expect(where(api)).toEqual([["ApiServiceRoleDefaultPolicyB24862FE", "AWS::IAM::Policy", "ApiServiceRoleDefaultPolicyB24862FE", [], ["ApiF70053CD"]]]);
    const located = api.policyResources?.[0]?.source;
    expect(located?.file.endsWith("Orders.template.json")).toBe(true);
    expect(located?.line).toBeGreaterThan(0);
    expect(located?.construct).toBe("Orders/Api/ServiceRole/DefaultPolicy/Resource");

    const exporter = roleOf(doc, "ExporterServiceRole7D9D9589");
    const tableAdmin = "arn:aws:iam::111122223333:policy/Orders-TableAdminBC3102D9";
    expect(exporter.attachedPolicies.map((p) => p.arn)).toContain(tableAdmin);
    expect(where(exporter)).toEqual([
      ["BucketAccess1F7583DE", "AWS::IAM::Policy", "BucketAccess1F7583DE", ["role ImporterServiceRole6C1C53A3"], []],
      ["TableAdminBC3102D9", "AWS::IAM::ManagedPolicy", [tableAdmin], ["role ImporterServiceRole6C1C53A3"], []],
    ]);
    expect(where(roleOf(doc, "ImporterServiceRole6C1C53A3")).map((w) => w[3])).toEqual([["role ExporterServiceRole7D9D9589"], ["role ExporterServiceRole7D9D9589"]]);
    // A role of the other stack, with nothing beside it there, and the role of this stack's function
    // from the other's one (below).
    expect(roleOf(doc, "Worker11F36D0F").policyResources?.map((p) => p.source.address)).toEqual(["ShipperQueueBB42972D"]);
  });

  it("a policy under a condition is on the role only where the condition holds", async () => {
    const off = await buildDocument([cdk], { workers: 1 });
    expect(where(roleOf(off, "ApiServiceRole1BD550DA")).map((w) => w[0])).toEqual(["ApiServiceRoleDefaultPolicyB24862FE"]);
    const on = await buildDocument([cdk], { workers: 1, iac: { parameters: { Debug: "true" } } });
    const api = roleOf(on, "ApiServiceRole1BD550DA");
    expect(where(api).map((w) => w[0])).toEqual(["ApiServiceRoleDefaultPolicyB24862FE", "DebugAccessE2EB14FD"]);
    expect(api.inlinePolicies.map((p) => p.name)).toContain("DebugAccessE2EB14FD");
  });

  it("a role named by an import says where its name comes from, not a placeholder", async () => {
    const doc = await buildDocument([cdk], { workers: 1 });
    const external = doc.meta.warnings.filter((w) => w.code === "cloudformation-external-role").map((w) => w.message);
    expect(external).toHaveLength(3);
    // CDK cuts an imported ARN's name out with Fn::Select / Fn::Split: before, "role ${Fn::Select:1}".
    const shared = external.find((m) => m.startsWith("SharedPolicy3A5F5467"));
    expect(shared).toContain("role given by Fn::ImportValue platform-shared-role-arn, the name cut from that ARN");
    expect(shared).not.toContain("${");
    // A literal name (a role imported by ARN) and a parameter's default are names.
    expect(external.find((m) => m.startsWith("LegacyPolicy8A4DDF15"))).toContain("to role legacy-billing, which this template does not define");
    expect(external.find((m) => m.startsWith("AuditPolicy3AC4EDFE"))).toContain("to role audit-fn, which this template does not define");
  });
});

describe("CloudFormation: a policy on a role of another stack of the CDK app", () => {
  it("is on that role when both stacks are read: by the name the other stack exports, or by the construct of a name CloudFormation makes", async () => {
    const doc = await buildDocument([cdk], { workers: 1 });
    // Roles: [{Fn::ImportValue: Roles:ExportsOutputRefWorker…}], the Ref of a role named orders-worker.
    const worker = doc.roles.find((r) => r.arn === "arn:aws:iam::111122223333:role/orders-worker");
    expect(worker?.inlinePolicies.map((p) => p.name)).toEqual(["ShipperQueueBB42972D"]);
    expect(worker?.inlinePolicies[0]?.document.Statement[0]?.Action).toEqual(["sqs:*"]);
    expect(worker?.policyResources?.map((p) => [p.source.address, p.source.construct, p.source.file.endsWith("Orders.template.json")])).toEqual([["ShipperQueueBB42972D", "Orders/ShipperQueue/Resource", true]]);
    // The same for a role without roleName: the export is the role's construct (Roles/Mailer).
    const mailer = roleOf(doc, "Mailer30915986");
    expect(mailer.attachedPolicies.map((p) => p.arn)).toEqual(["arn:aws:iam::111122223333:policy/Orders-MailerBucketCE06E978"]);
    expect(mailer.policyResources?.map((p) => p.source.address)).toEqual(["MailerBucketCE06E978"]);
    // Before, both were warned as roles the template does not define, and left out.
    expect(doc.meta.warnings.filter((w) => w.code === "cloudformation-external-role" && /ShipperQueue|MailerBucket/.test(w.message))).toEqual([]);
  });

  it("read without the other stack's template, it is warned, naming the role", async () => {
    // The assembly's manifest still gives the other stack's exports: the name, or its construct.
    const doc = await buildDocument([join(cdk, "Orders.template.json")], { workers: 1 });
    const warned = doc.meta.warnings.filter((w) => w.code === "cloudformation-external-role").map((w) => w.message);
    expect(warned.find((m) => m.startsWith("ShipperQueueBB42972D"))).toContain("to role orders-worker, which this template does not define, nor any other input");
    expect(warned.find((m) => m.startsWith("MailerBucketCE06E978"))).toContain("is attached to role given by Fn::ImportValue Roles:ExportsOutputRefMailer3091598697074F1A");
  });
});

describe("CloudFormation: a policy naming a role of another template", () => {
  it("is not put on a role of a template of another (or no stated) account", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leastrole-policy-resources-"));
    try {
      const role = `Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: orders-role
      AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }] }
`;
      const policy = `Resources:
  Extra:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: extra
      Roles: [orders-role]
      PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: Allow, Action: "s3:*", Resource: "*" }] }
`;
      writeFileSync(join(dir, "a.yaml"), role);
      writeFileSync(join(dir, "b.yaml"), policy);
      // Neither says its account: each is its own, as their ARNs are; the name alone proves nothing.
      const apart = await buildDocument([join(dir, "a.yaml"), join(dir, "b.yaml")], { workers: 1 });
      expect(apart.roles.find((r) => r.name === "orders-role")?.inlinePolicies).toEqual([]);
      expect(apart.meta.warnings.filter((w) => w.code === "cloudformation-external-role")).toHaveLength(1);
      // In one account (--account-id), it is that account's one role of that name.
      const together = await buildDocument([join(dir, "a.yaml"), join(dir, "b.yaml")], { workers: 1, iac: { accountId: "111122223333" } });
      expect(together.roles.find((r) => r.name === "orders-role")?.inlinePolicies.map((p) => p.name)).toEqual(["extra"]);
      expect(together.meta.warnings.filter((w) => w.code === "cloudformation-external-role")).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("Terraform: policies a plan puts on a role from outside its aws_iam_role block", () => {
  it("aws_iam_role_policy, the attachments and the exclusive resources are on the role, located, with the resources whose depends_on names them", async () => {
    const doc = await buildDocument([plan], { workers: 1 });
    const byAddress = (a: string) => {
      const role = doc.roles.find((r) => r.source?.address === a);
      if (!role) throw new Error(a);
      return role;
    };
    const api = byAddress("aws_iam_role.api");
    const queues = "arn:aws:iam::unknown:policy/orders-queues";
    const basic = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
    expect(where(api)).toEqual([
      ["aws_iam_policy_attachment.queues", "aws_iam_policy_attachment", [queues], ["role aws_iam_role.worker"], []],
      ["aws_iam_role_policy.api_tables", "aws_iam_role_policy", "tables", [], ["aws_lambda_function.api"]],
      ["aws_iam_role_policy_attachment.api_logs", "aws_iam_role_policy_attachment", [basic], [], ["aws_lambda_function.api"]],
    ]);
    expect(api.policyResources?.every((p) => p.source.file.endsWith("main.tf") && (p.source.line ?? 0) > 0)).toBe(true);

    const worker = byAddress("aws_iam_role.worker");
    expect(where(worker).map((w) => w[0])).toEqual([
      "aws_iam_policy_attachment.queues",
      "aws_iam_role_policies_exclusive.worker",
      "aws_iam_role_policy.worker_legacy",
      "aws_iam_role_policy.worker_s3",
      "aws_iam_role_policy_attachments_exclusive.worker",
    ]);
  });

  it("an aws_iam_role_policy whose policy is known only after apply: today's policy of its name, which the role's inline_policy lists as read back from IAM, is not judged as what will be; the role is partial and says the resource", async () => {
    const doc = await buildDocument([afterApply], { workers: 1 });
    const role = doc.roles.find((r) => r.source?.address === "aws_iam_role.lambda");
    // Before, today's intake-data-access (dynamodb:* and s3:*) stayed on the role, and was judged
    // (two LR002, an LR020) though the plan replaces it with a policy known only after apply.
    expect(role?.inlinePolicies.map((p) => p.name)).toEqual([]);
    expect(role?.facts.incomplete).toBe(true);
    expect(doc.meta.partial).toBe(true);
    expect(doc.meta.warnings.map((w) => [w.code, w.path])).toEqual([["terraform-unknown-policy", "resource_changes[2].change.after.policy"]]);
    // generate's replacement role must say it stays beside it (before, only the attachment was said).
    expect(role ? where(role) : []).toEqual([
      ["aws_iam_role_policy.lambda_inline", "aws_iam_role_policy", "intake-data-access", [], []],
      ["aws_iam_role_policy_attachment.lambda_basic", "aws_iam_role_policy_attachment", ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"], [], []],
    ]);
  });

  it("an aws_iam_role_policy and an aws_iam_role_policy_attachment the plan destroys are gone from the role, though its inline_policy and managed_policy_arns, read back from IAM, still list them", async () => {
    const doc = await buildDocument([destroyed], { workers: 1 });
    const role = doc.roles.find((r) => r.source?.address === "aws_iam_role.lambda");
    // Before, the plan that removes `*` and AmazonS3FullAccess was judged as keeping both.
    expect(role?.inlinePolicies.map((p) => p.name)).toEqual([]);
    expect(role?.attachedPolicies.map((p) => p.arn)).toEqual(["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]);
    expect(role?.facts.incomplete).toBe(false);
    expect(doc.meta.partial).toBe(false);
  });

  it("an aws_iam_role_policy_attachment replaced by one of another policy: the role has the new policy only, though its managed_policy_arns, read back from IAM, still lists the old", async () => {
    const doc = await buildDocument([replaced], { workers: 1 });
    const role = doc.roles.find((r) => r.source?.address === "aws_iam_role.lambda");
    // Before, AmazonS3FullAccess stayed beside AmazonS3ReadOnlyAccess (an LR004 the plan fixes).
    expect(role?.attachedPolicies.map((p) => p.arn)).toEqual(["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]);
  });

  it("aws_iam_role_policies_exclusive leaves the role only the inline policies it names", async () => {
    const doc = await buildDocument([plan], { workers: 1 });
    const worker = doc.roles.find((r) => r.source?.address === "aws_iam_role.worker");
    // worker_legacy grants * on *: the provider deletes it at apply. Before, the role kept it.
    expect(worker?.inlinePolicies.map((p) => p.name)).toEqual(["s3"]);
  });

  it("aws_iam_role_policy_attachments_exclusive keeps a policy of the same plan, whose ARN is known only after apply", async () => {
    const doc = await buildDocument([plan], { workers: 1 });
    const worker = doc.roles.find((r) => r.source?.address === "aws_iam_role.worker");
    // Before, the unknown element was dropped and the role lost orders-queues (attached to it twice over).
    expect(worker?.attachedPolicies.map((p) => p.arn)).toEqual(["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "arn:aws:iam::unknown:policy/orders-queues"]);
    expect(doc.meta.warnings.filter((w) => w.code === "terraform-unknown-value")).toEqual([]);
  });
});
