/**
 * CloudTrail writes `HIDDEN_DUE_TO_SECURITY_REASONS` for request values it will not log
 * (test/fixtures/cloudtrail-hidden/SOURCE.md). A record whose hidden values leastrole does not read
 * (a Voice ID domain's or a Bedrock guardrail's `name`) is a call like any other: counted, not
 * skipped. One whose resource leastrole would derive from a hidden value was counted as read, on a
 * resource that does not exist (`parameter/HIDDEN_DUE_TO_SECURITY_REASONS`), and the coverage said
 * every record was read: it is now skipped, with the reason, in every reader.
 */

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readUsage } from "../../src/usage/index.js";

const FILE = join(import.meta.dirname, "../fixtures/cloudtrail-hidden/records.json");

describe("records with values CloudTrail hid", () => {
  it.each([["wasm", undefined], ["js", "js"], ["full parse", false]] as const)("%s: a hidden value the call's resource comes from skips the record, with the reason; other hidden values do not", async (_name, fastScan) => {
    const usage = await readUsage([FILE], { workers: 1, ...(fastScan === undefined ? {} : { fastScan }) });
    expect(usage.coverage.recordsRead).toBe(3);
    expect(usage.coverage.recordsSkipped).toBe(1);
    const actions = usage.sessions.flatMap((s) => s.actions.map((a) => [a.action, [...a.resources]]));
    expect(actions.sort()).toEqual([
      ["bedrock:UpdateGuardrail", []],
      ["voiceid:CreateDomain", []],
    ]);
    const skipped = usage.warnings.filter((w) => w.code === "cloudtrail-record-skipped");
    expect(skipped.map((w) => [w.path, w.message])).toEqual([
      [
        "Records[2]",
        "record skipped: ssm.amazonaws.com GetParameter: the resource its requestParameters name is HIDDEN_DUE_TO_SECURITY_REASONS (CloudTrail did not log the value), so which resource the call was on is unknown",
      ],
    ]);
    expect(usage.coverage.partialReasons).toContain("1 record skipped (see warnings)");
  });
});
