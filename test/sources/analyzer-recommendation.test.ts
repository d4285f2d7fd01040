/**
 * `aws accessanalyzer get-finding-recommendation` output (test/fixtures/access-analyzer-recommendation,
 * the AWS Security Blog's): given as activity data, it is named with what to give instead. Before,
 * it was "not an input leastrole reads" followed by the list of every accepted input.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readValue, readWalked } from "./helpers.js";

const output = JSON.parse(readFileSync(new URL("../fixtures/access-analyzer-recommendation/get-finding-recommendation.json", import.meta.url), "utf8")) as { resourceArn: string };

describe("Access Analyzer get-finding-recommendation output", () => {
  it("is said to be a recommendation for its role, not unused-access data, with get-finding-v2 to give instead", () => {
    const { fragment, warnings } = readWalked("get-finding-recommendation.json", output);
    expect(fragment).toBeNull();
    expect(warnings.map((w) => [w.code, w.severity])).toEqual([["unrecognized-input", "warning"]]);
    // Named by the user: what the user meant to give is missing, an error (the inputs partial).
    expect(readValue("get-finding-recommendation.json", output).warnings.map((w) => [w.code, w.severity])).toEqual([["unrecognized-input", "error"]]);
    expect(warnings[0]!.message).toContain(`get-finding-recommendation output (policies to detach or create for ${output.resourceArn})`);
    expect(warnings[0]!.message).toContain("aws accessanalyzer get-finding-v2");
    expect(warnings[0]!.message).not.toContain("accepted: account data");
  });
});
