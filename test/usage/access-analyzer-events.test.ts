/**
 * IAM Access Analyzer's EventBridge events of its unused-access findings
 * (test/fixtures/access-analyzer-events, SOURCE.md: the IAM User Guide's examples). They name the
 * finding and count its unused services and actions, but not which ones: not read, and said with
 * the get-finding-v2 call that gives the finding. Before, the usage reader took each for a
 * CloudTrail record in an EventBridge envelope ("record skipped: missing or non-string
 * eventTime"), and the account readers for "a Lambda event payload".
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSourceBytes } from "../../src/sources/read-sources.js";
import { readUsageFile } from "../../src/usage/read-file.js";

const DIR = new URL("../fixtures/access-analyzer-events/", import.meta.url).pathname;
const text = (name: string) => readFileSync(join(DIR, name), "utf8");
const json = (name: string) => JSON.parse(text(name)) as Record<string, any>;
const scratch = mkdtempSync(join(tmpdir(), "leastrole-aa-events-"));

describe("IAM Access Analyzer unused-access finding events (EventBridge)", () => {
  it("one event: not counted as a CloudTrail record, said with the get-finding-v2 call of its finding (a warning, usage not partial)", () => {
    const event = json("unused-permission-event.json");
    const r = readUsageFile(join(DIR, "unused-permission-event.json")).partial;
    expect(r.format).toBe("access-analyzer-events");
    expect(r.records).toBe(0);
    expect(r.partialReasons).toEqual([]);
    expect(r.warnings.map((w) => [w.code, w.severity])).toEqual([["access-analyzer-events", "warning"]]);
    expect(r.warnings[0]!.message).toContain(`aws accessanalyzer get-finding-v2 --analyzer-arn ${event.resources[0]} --id ${event.detail.findingId}`);
    expect(r.warnings[0]!.message).not.toContain("eventTime");
  });

  it("events one per line (and a list of them) are said alike, the first finding named", () => {
    const a = json("unused-permission-event.json");
    const b = json("unused-iam-role-error-event.json");
    const lines = join(scratch, "events.jsonl");
    writeFileSync(lines, `${JSON.stringify(a)}\n${JSON.stringify(b)}\n`);
    const list = join(scratch, "events.json");
    writeFileSync(list, JSON.stringify([b, a]));
    for (const [file, first] of [[lines, a], [list, b]] as const) {
      const r = readUsageFile(file).partial;
      expect(r.format).toBe("access-analyzer-events");
      expect(r.records).toBe(0);
      expect(r.warnings.map((w) => w.code)).toEqual(["access-analyzer-events"]);
      expect(r.warnings[0]!.message).toContain(`events (2)`);
      expect(r.warnings[0]!.message).toContain(`--id ${first.detail.findingId} (and so for the other 1)`);
    }
  });

  it("given to the account readers: not 'a Lambda event payload', the same warning", () => {
    const { fragment, warnings } = readSourceBytes(join(DIR, "unused-iam-role-error-event.json"), text("unused-iam-role-error-event.json"), { explicit: true });
    expect(fragment).toBeNull();
    expect(warnings.map((w) => [w.code, w.severity])).toEqual([["input-not-used", "warning"]]);
    expect(warnings[0]!.message).not.toContain("Lambda event payload");
    expect(warnings[0]!.message).toContain(`--id ${json("unused-iam-role-error-event.json").detail.findingId}`);
  });

  it("an external-access finding event is said to hold no unused-access data", () => {
    const event = { ...json("unused-permission-event.json"), "detail-type": "Access Analyzer Finding" };
    const { warnings } = readSourceBytes(join(scratch, "external.json"), JSON.stringify(event), { explicit: true });
    expect(warnings.map((w) => [w.code, w.severity])).toEqual([["input-not-used", "info"]]);
    expect(warnings[0]!.message).toContain("(Access Analyzer Finding) hold no unused-access data");
  });

  it("a listing of external-access analyzers only is an info, an unused-access analyzer's listing alone a warning", () => {
    // cloudmapper's collect saves accessanalyzer list-analyzers with every account (the corpus's
    // demo account: one ACCOUNT analyzer); nobody meant it as usage data, so it is no warning on
    // every audit of such a collection.
    const file = "/work/shared/corpus/cloudmapper-demo-account/account-data/demo/us-east-1/accessanalzyer-list-analyzers.json";
    const external = readSourceBytes(file, readFileSync(file, "utf8"), { explicit: false });
    expect(external.warnings.map((w) => [w.code, w.severity, w.message])).toEqual([["input-not-used", "info", "skipped: aws accessanalyzer get-analyzer/list-analyzers output of no unused-access analyzer (ACCOUNT): no unused-access data, not used"]]);
    const analyzer = { arn: "arn:aws:access-analyzer:us-east-1:123456789012:analyzer/unused", name: "unused", type: "ACCOUNT_UNUSED_ACCESS", status: "ACTIVE", configuration: { unusedAccess: { unusedAccessAge: 90 } } };
    const unused = readSourceBytes(join(scratch, "get-analyzer.json"), JSON.stringify({ analyzer }), { explicit: true });
    expect(unused.warnings.map((w) => [w.code, w.severity])).toEqual([["input-not-used", "warning"]]);
  });
});
