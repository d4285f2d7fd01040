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
