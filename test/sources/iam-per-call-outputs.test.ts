/**
 * Outputs of the IAM calls that read one role's permissions piece by piece (get-role-policy,
 * list-attached-role-policies, create-policy/get-policy, create-policy-version/get-policy-version:
 * test/fixtures/iam-per-call-outputs). None is read (a role's permissions need all of them); each is
 * named, with the one call that gives them all. Before, each was "not an input leastrole reads"
 * followed by the list of every accepted input.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readValue } from "./helpers.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/iam-per-call-outputs/${name}`, import.meta.url), "utf8"));

describe("IAM per-call outputs", () => {
  it.each([
    ["aws-cli-get-role-policy.json", "iam get-role-policy output (one inline policy, ExamplePolicy, of role Test-Role)"],
    ["aws-cli-list-attached-role-policies.json", "iam list-attached-role/user/group-policies output"],
    ["cookbook-create-policy.json", "iam get-policy/create-policy output (a managed policy's metadata, no document)"],
    ["talos-create-policy-version.json", "iam get-policy-version/create-policy-version output"],
  ])("%s is named, with get-account-authorization-details to give instead", (name, said) => {
    const { fragment, warnings } = readValue(name, fixture(name));
    expect(fragment).toBeNull();
    expect(warnings.map((w) => w.code)).toEqual(["input-not-used"]);
    expect(warnings[0]!.message).toContain(said);
    expect(warnings[0]!.message).toContain("use get-account-authorization-details");
  });

  it("Lambda get-policy's envelope, {Policy: \"<JSON>\"}, is still read as a function's policy", () => {
    const policy = { Version: "2012-10-17", Id: "default", Statement: [{ Sid: "s3", Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "lambda:InvokeFunction", Resource: "arn:aws:lambda:us-east-1:123456789012:function:f" }] };
    const { fragment } = readValue("get-policy.json", { Policy: JSON.stringify(policy), RevisionId: "1" });
    expect(fragment?.source.kind).toBe("lambda-policy");
  });
});
