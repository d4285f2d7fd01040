/**
 * The AWS CDK's own singleton handlers (LogRetention, BucketNotificationsHandler, AwsCustomResource's
 * provider, a core CustomResourceProvider): their roles are marked (Role.cdkHandler), and a finding
 * on a grant the CDK writes for one says so and what the app can do instead of scoping the role,
 * which cdk synth rewrites. Both shapes of a cloud assembly: the CDK's integration snapshots
 * (construct paths from the manifest only) and cdk synth's output (aws:cdk:path metadata).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { auditDocument } from "../../src/audit/index.js";
import { buildDocument } from "../../src/audit/build-document.js";
import type { CdkHandler } from "../../src/model/document.js";
import { cdkHandlerOf } from "../../src/sources/cloudformation/cdk-handlers.js";

const SWEEP = new URL("../fixtures/cdk-sweep/", import.meta.url).pathname;
const SYNTH = new URL("./fixtures/cdk-synth/cdk.out/", import.meta.url).pathname;
const read = (paths: string[]) => buildDocument(paths, { workers: 1 });
const handlers = async (paths: string[]): Promise<Record<string, CdkHandler | undefined>> =>
  Object.fromEntries((await read(paths)).roles.filter((r) => r.cdkHandler).map((r) => [r.source?.construct, r.cdkHandler]));

describe("the CDK's own handlers", () => {
  it("are recognised by construct path, below the stack, in a Stage or a nested stack; the app's own constructs are not", () => {
    expect(cdkHandlerOf("S/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a/ServiceRole/Resource")).toEqual({ kind: "log-retention", construct: "S/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a" });
    expect(cdkHandlerOf("Prod/S/AWS679f53fac002430cb0da5b7982bd2287/ServiceRole/Resource")).toEqual({ kind: "aws-custom-resource", construct: "Prod/S/AWS679f53fac002430cb0da5b7982bd2287" });
    expect(cdkHandlerOf("S/Nested.NestedStack/BucketNotificationsHandler050a0587b7544547bf325f094a3db834/Role/Resource")?.kind).toBe("bucket-notifications");
    expect(cdkHandlerOf("S/Custom::S3AutoDeleteObjectsCustomResourceProvider/Role")?.kind).toBe("custom-resource-provider");
    expect(cdkHandlerOf("S/SingletonLambda6e4a2b1f0c7d4e9a8b3c5d7e9f1a2b3c/ServiceRole/Resource")?.kind).toBe("singleton-function");
    // The stack's own id is not a handler's, whatever it ends with.
    expect(cdkHandlerOf("AWS679f53fac002430cb0da5b7982bd2287/Api/ServiceRole/Resource")).toBeNull();
    expect(cdkHandlerOf("S/Api/ServiceRole/Resource")).toBeNull();
    expect(cdkHandlerOf("S/my-provider/framework-onEvent/ServiceRole/Resource")).toBeNull();
  });

  it("in a template without any construct path (a unit test's synth, an integration snapshot alone), are told by their roles' logical IDs", async () => {
    // test/iac/fixtures/cdk-no-path-metadata/SOURCE.md. Before, nothing marked them, and LR003 told
    // the user to scope the roles the CDK writes (which cdk synth rewrites).
    const dir = new URL("./fixtures/cdk-no-path-metadata/", import.meta.url).pathname;
    const byId = async (file: string) => Object.fromEntries((await read([join(dir, file)])).roles.filter((r) => r.cdkHandler).map((r) => [r.name, r.cdkHandler]));
    expect(await byId("log-retention.template.json")).toEqual({
      LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8aServiceRole9741ECFB: { kind: "log-retention", construct: "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a" },
    });
    expect(await byId("aws-custom-resource.template.json")).toEqual({
      AWS679f53fac002430cb0da5b7982bd2287ServiceRoleC1EA0FF2: {
        kind: "aws-custom-resource",
        construct: "AWS679f53fac002430cb0da5b7982bd2287",
        awsCustomResources: {
          "inline:DescribeClusterCustomResourcePolicyD7730CF4": "DescribeCluster",
          "inline:GetParameterCustomResourcePolicyD8E5D455": "GetParameter",
          "inline:ListTopicsCustomResourcePolicy31A8396A": "ListTopics",
          "inline:PublishCustomResourcePolicyDF696FCA": "Publish",
        },
      },
    });
    // The app's own role beside them (CustomRole, ssm:*) is not a handler's.
    const report = auditDocument(await read([join(dir, "aws-custom-resource.template.json")]));
    const lr003 = report.findings.filter((f) => f.ruleId === "LR003").map((f) => f.message);
    expect(lr003.filter((m) => m.includes("The CDK writes this grant for the AwsCustomResource"))).toHaveLength(3);
    expect(lr003.filter((m) => m.startsWith("Role CustomRole6D8E6809:") && m.includes("The CDK writes"))).toEqual([]);
  });

  it("mark their roles, and each AwsCustomResource's policy on the shared handler role, from the manifest's construct paths", async () => {
    expect(await handlers([join(SWEEP, "provider-no-echo")])).toEqual({
      "integ-provider-no-echo/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a/ServiceRole/Resource": { kind: "log-retention", construct: "integ-provider-no-echo/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a" },
    });
    expect(await handlers([join(SWEEP, "aws-custom-resource-ssm-cross-stack")])).toEqual({
      "GetParameterStack/AWS679f53fac002430cb0da5b7982bd2287/ServiceRole/Resource": {
        kind: "aws-custom-resource",
        construct: "GetParameterStack/AWS679f53fac002430cb0da5b7982bd2287",
        awsCustomResources: { "inline:GetParameterCustomResourcePolicyD8E5D455": "GetParameterStack/GetParameter" },
      },
    });
    expect(Object.values(await handlers([join(SWEEP, "s3")])).map((h) => h?.kind).sort()).toEqual(["bucket-notifications", "custom-resource-provider"]);
  });

  it("mark their roles from cdk synth's aws:cdk:path metadata", async () => {
    const got = await handlers([join(SYNTH, "OrdersStack.template.json"), join(SYNTH, "OrdersStackNestedB84F9012.nested.template.json")]);
    expect(Object.fromEntries(Object.entries(got).map(([c, h]) => [c, h?.kind]))).toEqual({
      "OrdersStack/AWS679f53fac002430cb0da5b7982bd2287/ServiceRole/Resource": "aws-custom-resource",
      "OrdersStack/BucketNotificationsHandler050a0587b7544547bf325f094a3db834/Role/Resource": "bucket-notifications",
      "OrdersStack/Custom::S3AutoDeleteObjectsCustomResourceProvider/Role": "custom-resource-provider",
      "OrdersStack/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a/ServiceRole/Resource": "log-retention",
    });
    expect(got["OrdersStack/AWS679f53fac002430cb0da5b7982bd2287/ServiceRole/Resource"]?.awsCustomResources).toEqual({ "inline:ReadParamCustomResourcePolicyCD17C26E": "OrdersStack/ReadParam" });
  });

  it("LR003 on a grant the CDK writes says so and what the app can do: logGroup for LogRetention, fromSdkCalls on the AwsCustomResource", async () => {
    for (const paths of [
      [join(SWEEP, "provider-no-echo"), join(SWEEP, "aws-custom-resource-ssm-cross-stack")],
      [join(SYNTH, "OrdersStack.template.json"), join(SYNTH, "OrdersStackNestedB84F9012.nested.template.json")],
    ]) {
      const report = auditDocument(await read(paths));
      const lr003 = report.findings.filter((f) => f.ruleId === "LR003").map((f) => f.message.slice(f.message.indexOf("). ") + 3));
      expect(lr003, paths[0]).toHaveLength(2);
      const [retention, custom] = lr003.sort(); // "for its LogRetention" before "for the AwsCustomResource"
      expect(custom).toMatch(/^The CDK writes this grant for the AwsCustomResource \S+\/(GetParameter|ReadParam) from its policy \(AwsCustomResourcePolicy\.ANY_RESOURCE grants its calls on every resource\): give it AwsCustomResourcePolicy\.fromSdkCalls\(\{ resources: \[\.\.\.\] \}\)/);
      expect(retention).toMatch(/^The CDK writes this grant for its LogRetention handler \S+\/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a, which it adds for the logRetention prop/);
      expect(retention).toContain("give them a logGroup (a logs.LogGroup with its retention) instead of logRetention, as the CDK recommends");
    }
  });

  it("leave the findings on the app's own roles as they were", async () => {
    const report = auditDocument(await read([join(SYNTH, "OrdersStack.template.json"), join(SYNTH, "OrdersStackNestedB84F9012.nested.template.json")]));
    const own = report.findings.filter((f) => !/AWS679f|LogRetention/.test(f.resource.name));
    expect(own.length).toBeGreaterThan(0);
    expect(own.filter((f) => f.message.includes("CDK"))).toEqual([]);
  });

  it("LR002 and LR015 on an AwsCustomResource's own statements (AwsCustomResourcePolicy.fromStatements) name that AwsCustomResource and fromSdkCalls, at the rule's severity", async () => {
    // The public integration snapshot, with the GetParameter AwsCustomResource's policy written as
    // an app would with fromStatements: ssm:* on every resource, and an Allow with NotResource.
    const dir = mkdtempSync(join(tmpdir(), "lr-cdk-handlers-"));
    try {
      cpSync(join(SWEEP, "aws-custom-resource-ssm-cross-stack"), dir, { recursive: true });
      const file = join(dir, "GetParameterStack.template.json");
      const template = JSON.parse(readFileSync(file, "utf8"));
      template.Resources.GetParameterCustomResourcePolicyD8E5D455.Properties.PolicyDocument.Statement = [
        { Action: "ssm:*", Effect: "Allow", Resource: "*" },
        { Action: "ssm:GetParameter", Effect: "Allow", NotResource: "arn:aws:ssm:*:*:parameter/secret/*" },
      ];
      writeFileSync(file, JSON.stringify(template, null, 1));
      const report = auditDocument(await read([dir]));
      const advice = ". The CDK writes this grant for the AwsCustomResource GetParameterStack/GetParameter from its policy (AwsCustomResourcePolicy.ANY_RESOURCE grants its calls on every resource): give it AwsCustomResourcePolicy.fromSdkCalls({ resources: [...] }) with the ARNs its SDK calls use";
      const of = (id: string) => report.findings.filter((f) => f.ruleId === id).map((f) => [f.severity, f.message.slice(f.message.indexOf(": ") + 2)]);
      expect(of("LR002")).toEqual([["high", `GetParameterStack/GetParameter/CustomResourcePolicy Statement[0] allows every action of a service (ssm:*)${advice}`]]);
      expect(of("LR015")).toEqual([["medium", `GetParameterStack/GetParameter/CustomResourcePolicy Statement[1] is an Allow with NotResource (grants 1 action)${advice}`]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
