/**
 * `aws lambda list-functions --function-version ALL` (each published version listed beside
 * `$LATEST`, with its own qualified FunctionArn, Version and Role) given with `get-function` output
 * of the same function (Configuration beside Concurrency, Code and Tags): one function, its
 * published version a version record, its tags read, nothing duplicated. The configurations are
 * AWS's own responses (test/fixtures/lambda-api-sweep/responses.json: LocalStack's recorded
 * publish-version and the AWS CLI's get-function example); only the version's role was changed, to
 * tell it from `$LATEST`'s. Checked for the brief of 2026-12-02 (no defect found: a guard).
 */
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { normalize } from "../../src/audit/normalize-paths.js";

const cases = JSON.parse(readFileSync(new URL("../fixtures/lambda-api-sweep/responses.json", import.meta.url), "utf8")).cases as Array<{ id: string; output: any }>;
const output = (id: string) => structuredClone(cases.find((c) => c.id === id)!.output);

describe("list-functions --function-version ALL with get-function output", () => {
  it("reads one function with its published version and its tags", async () => {
    const v1 = { ...output("publish-version"), Role: "arn:aws:iam::123456789012:role/old-role" };
    const latest = { ...output("publish-version"), FunctionArn: v1.FunctionArn.replace(/:1$/, ""), Version: "$LATEST" };
    const getFunction = { ...output("get-function-cli-example"), Configuration: latest, Tags: { team: "orders" } };
    const dir = mkdtempSync(join(tmpdir(), "leastrole-fv-all-"));
    mkdirSync(join(dir, "lambda"));
    writeFileSync(join(dir, "lambda", "list-functions.json"), JSON.stringify({ Functions: [latest, v1] }));
    writeFileSync(join(dir, "lambda", "get-function.json"), JSON.stringify(getFunction));
    const { document } = await normalize([dir]);
    expect(document.functions.map((f) => [f.arn, f.roleArn, f.tags])).toEqual([[latest.FunctionArn, latest.Role, { team: "orders" }]]);
    expect(document.functions[0]!.versions.map((v) => [v.version, v.roleArn])).toEqual([["1", v1.Role]]);
  });
});
