/**
 * AWS Config's configuration item change notifications (test/fixtures/aws-config-notifications,
 * SOURCE.md): what Config publishes to its SNS topic and to EventBridge ("Config Configuration Item
 * Change", the notification as the event's detail) and hands a change-triggered rule. One
 * resource's item, `configuration` an object. Before, the bare notification was "not an input
 * leastrole reads" and the EventBridge event was taken for "a Lambda event payload", so a role
 * exported this way was never audited; the oversized form (the item is in S3) was called a Lambda
 * event payload too. Expected values are read off the fixtures.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readSourceBytes } from "../../src/sources/read-sources.js";
import { readValue } from "./helpers.js";

const path = (name: string) => new URL(`../fixtures/aws-config-notifications/${name}`, import.meta.url).pathname;
const text = (name: string) => readFileSync(path(name), "utf8");
const json = (name: string) => JSON.parse(text(name)) as Record<string, any>;

describe("AWS Config configuration item change notifications", () => {
  it("a notification's IAM role item is read as the role (item version 1.2: arn, accountId)", () => {
    const { fragment, warnings } = readSourceBytes(path("permission-checker-role-notification.json"), text("permission-checker-role-notification.json"), { explicit: true });
    expect(warnings).toEqual([]);
    expect(fragment?.source.kind).toBe("aws-config");
    const item = json("permission-checker-role-notification.json")["configurationItem"];
    expect(fragment!.roles.map((r) => [r.arn, r.path, r.accountId])).toEqual([[item.arn, item.configuration.path, item.accountId]]);
    const role = fragment!.roles[0]!;
    expect(role.attachedPolicies.map((a) => a.arn).sort()).toEqual(item.configuration.attachedManagedPolicies.map((a: { policyArn: string }) => a.policyArn).sort());
    expect(role.trustPolicy?.Statement[0]?.Principal).toEqual({ Service: ["config.amazonaws.com"] });
    expect(role.source?.address).toBe("configurationItem.configuration");
    expect(fragment!.partial).toBe(false);
  });

  it("an EventBridge event carrying one is read as AWS Config output, not as a Lambda event payload", () => {
    const { fragment, warnings } = readSourceBytes(path("eventbridge-efs-item-change.json"), text("eventbridge-efs-item-change.json"), { explicit: true });
    expect(warnings).toEqual([]);
    expect(fragment?.source.kind).toBe("aws-config");
    expect(fragment!.warnings.map((w) => [w.code, w.severity])).toEqual([["config-no-resources", "info"]]);
    expect(fragment!.warnings[0]!.message).toContain("1 item of other types");
  });

  it("events of an EventBridge rule saved one per line: each event's item is read, the role's at its detail", () => {
    const event = json("eventbridge-efs-item-change.json");
    const role = { ...event, detail: json("permission-checker-role-notification.json") };
    const lines = [JSON.stringify(event), JSON.stringify(role)].join("\n");
    const { fragment, warnings } = readValue("config-events.jsonl", lines);
    expect(warnings).toEqual([]);
    expect(fragment!.roles.map((r) => r.arn)).toEqual(["arn:aws:iam::264683526309:role/service-role/config-role-ezcrc2"]);
    expect(fragment!.roles[0]!.source?.address).toBe("[1].detail.configurationItem.configuration");
  });

  it("an oversized notification is said to hold no configuration, with where Config put the item (a warning)", () => {
    const { fragment, warnings } = readSourceBytes(path("eventbridge-oversized-item-change.json"), text("eventbridge-oversized-item-change.json"), { explicit: true });
    expect(fragment).toBeNull();
    expect(warnings.map((w) => [w.code, w.severity])).toEqual([["input-not-used", "warning"]]);
    expect(warnings[0]!.message).toContain("oversized configuration item change notification (AWS::SSM::ManagedInstanceInventory mi-1234567890123456)");
    expect(warnings[0]!.message).toContain("s3://bucket/file.json.gz");
    expect(warnings[0]!.message).not.toContain("Lambda event payload");
  });
});

/**
 * The same notification as Config's SNS topic delivers it (the SNS message, its Message a JSON
 * string), as Lambda hands it to a function subscribed to the topic (Records[].Sns) or reading a
 * queue subscribed to it (Records[].body), and as Config hands it to a custom rule's function
 * (invokingEvent, a JSON string). Before, each was "a Lambda event payload" or not an input, and
 * the role it carried was not audited.
 */
describe("AWS Config notifications carried by SNS, SQS and a rule's event", () => {
  const roleNotification = text("permission-checker-role-notification.json");
  const role = json("permission-checker-role-notification.json")["configurationItem"];
  const snsEvent = json("sns-lambda-event-security-group.json");
  const ruleEvent = json("config-rule-change-event.json");
  const read = (name: string, value: unknown) => readSourceBytes(name, JSON.stringify(value), { explicit: true });

  it("the SNS Lambda event (alertlogic/ci_lambda_checks): read as AWS Config output, its security group item counted, not 'a Lambda event payload'", () => {
    const { fragment, warnings } = readSourceBytes(path("sns-lambda-event-security-group.json"), text("sns-lambda-event-security-group.json"), { explicit: true });
    expect(warnings).toEqual([]);
    expect(fragment?.source.kind).toBe("aws-config");
    expect(fragment!.warnings.map((w) => [w.code, w.severity])).toEqual([["config-no-resources", "info"]]);
    expect(fragment!.warnings[0]!.message).toContain("1 item of other types");
  });

  it("a rule's change-triggered event (AWS Config Developer Guide example): read, its EC2 item counted", () => {
    const { fragment, warnings } = readSourceBytes(path("config-rule-change-event.json"), text("config-rule-change-event.json"), { explicit: true });
    expect(warnings).toEqual([]);
    expect(fragment?.source.kind).toBe("aws-config");
    expect(fragment!.warnings.map((w) => w.code)).toEqual(["config-no-resources"]);
  });

  it("a role's notification as the SNS message, in the SNS and SQS Lambda events, and as a rule's invokingEvent: the role read, at the path in the file", () => {
    const sns = { ...snsEvent.Records[0].Sns, Message: roleNotification };
    const cases: Array<[string, unknown, string]> = [
      ["sns-message.json", sns, "Message.configurationItem.configuration"],
      ["sns-event.json", { Records: [{ ...snsEvent.Records[0], Sns: sns }] }, "Records[0].Sns.Message.configurationItem.configuration"],
      ["sqs-event.json", { Records: [{ messageId: "m-1", body: JSON.stringify(sns), eventSource: "aws:sqs", awsRegion: "us-east-1" }] }, "Records[0].body.Message.configurationItem.configuration"],
      ["sqs-raw-event.json", { Records: [{ messageId: "m-1", body: roleNotification, eventSource: "aws:sqs", awsRegion: "us-east-1" }] }, "Records[0].body.configurationItem.configuration"],
      ["rule-event.json", { ...ruleEvent, invokingEvent: roleNotification }, "invokingEvent.configurationItem.configuration"],
    ];
    for (const [name, value, address] of cases) {
      const { fragment, warnings } = read(name, value);
      expect(warnings, name).toEqual([]);
      expect(fragment?.source.kind, name).toBe("aws-config");
      expect(fragment!.roles.map((r) => [r.arn, r.accountId]), name).toEqual([[role.arn, role.accountId]]);
      expect(fragment!.roles[0]!.attachedPolicies.map((a) => a.arn).sort(), name).toEqual(role.configuration.attachedManagedPolicies.map((a: { policyArn: string }) => a.policyArn).sort());
      expect(fragment!.roles[0]!.source?.address, name).toBe(address);
    }
  });

  it("an SQS batch of two notifications of one role: its last captured state is read, once", () => {
    const older = JSON.parse(roleNotification);
    older.configurationItem.configurationItemCaptureTime = "2016-11-01T00:00:00.000Z";
    older.configurationItem.configuration.attachedManagedPolicies = [];
    const records = [roleNotification, JSON.stringify(older)].map((body, i) => ({ messageId: `m-${i}`, body, eventSource: "aws:sqs" }));
    const { fragment } = read("sqs-batch.json", { Records: records });
    expect(fragment!.roles.map((r) => r.attachedPolicies.length)).toEqual([role.configuration.attachedManagedPolicies.length]);
  });

  it("a rule's oversized and periodic events are said to carry no item, not called a Lambda event payload", () => {
    const over = readSourceBytes(path("config-rule-oversized-event.json"), text("config-rule-oversized-event.json"), { explicit: true });
    expect(over.fragment).toBeNull();
    expect(over.warnings.map((w) => [w.code, w.severity])).toEqual([["input-not-used", "warning"]]);
    expect(over.warnings[0]!.message).toContain("oversized configuration item change notification (AWS::EC2::Instance i-00000000)");
    const periodic = readSourceBytes(path("config-rule-periodic-event.json"), text("config-rule-periodic-event.json"), { explicit: true });
    expect(periodic.fragment).toBeNull();
    expect(periodic.warnings.map((w) => [w.code, w.message])).toEqual([["input-not-used", "skipped: an AWS Config rule's event (ScheduledNotification): it carries no configuration item"]]);
  });

  it("an SNS event whose message is no Config notification stays a Lambda event payload", () => {
    const other = { Records: [{ ...snsEvent.Records[0], Sns: { ...snsEvent.Records[0].Sns, Message: "hello" } }] };
    const { fragment, warnings } = read("sns-other.json", other);
    expect(fragment).toBeNull();
    expect(warnings[0]!.message).toContain("a Lambda event payload");
  });
});
