/**
 * `aws lambda add-permission` output as AWS returns it, `{"Statement": "<JSON string>"}`: the one
 * statement added to the function's resource-based policy (test/fixtures/add-permission-output,
 * real outputs). Before, the string was taken for a policy document's Statement and refused as
 * "expected a statement object" (an error on a valid AWS output), so a permission such as a public
 * function URL's was never seen.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { normalizeFragments } from "../../src/normalize/index.js";
import { readValue } from "./helpers.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/add-permission-output/${name}`, import.meta.url), "utf8"));

describe("lambda add-permission output", () => {
  it("the statement is read as part of the function's resource-based policy, said to be one statement of it", () => {
    const { fragment, warnings } = readValue("function-url-public-add-permission.json", fixture("function-url-public-add-permission.json"));
    expect(warnings).toEqual([]);
    expect(fragment?.source.kind).toBe("lambda-policy");
    expect(fragment?.functionPatches.map((p) => p.functionArn)).toEqual(["arn:aws:lambda:us-east-1:654654589924:function:empresas_bd"]);
    const statement = fragment!.functionPatches[0]!.patch.resourcePolicy!.Statement;
    expect(statement).toHaveLength(1);
    expect(statement[0]).toMatchObject({ Sid: "FunctionUrlAllowPublicAccess", Effect: "Allow", Principal: "*", Action: ["lambda:InvokeFunctionUrl"] });
    expect(fragment!.warnings.map((w) => [w.code, w.severity])).toEqual([["add-permission-output", "warning"]]);
    expect(fragment!.warnings[0]!.message).toContain("unless aws lambda get-policy output of the function is given too");
    expect(fragment!.partial).toBe(false);
  });

  it("with the function's configuration, the function has the statement as its policy", () => {
    const fragments = ["talos-update-function-configuration.json", "talos-add-permission.json"].map((name) => {
      const { fragment, warnings } = readValue(name, fixture(name));
      expect(warnings, name).toEqual([]);
      return fragment!;
    });
    const { document } = normalizeFragments(fragments);
    const fn = document.functions.find((f) => f.name === "SamEbsteinTalosLambdaTest");
    expect(fn?.resourcePolicy?.Statement).toEqual([
      expect.objectContaining({
        Sid: "EventBridgeInvokeSamEbsteinTalosLambdaTest",
        Principal: { Service: ["events.amazonaws.com"] },
        Condition: { ArnLike: { "AWS:SourceArn": ["arn:aws:events:us-east-1:339735964233:rule/TalosWorkersAsgScaleUp"] } },
      }),
    ]);
  });

  it("with the function's get-policy output, the whole policy is read and the add-permission statement is left out (it may have been removed since)", () => {
    // The function's policy as get-policy would print it after the statement above was removed and
    // another added (made for the test from the statement's own fields): the later, whole word.
    const added = JSON.parse((fixture("talos-add-permission.json") as { Statement: string }).Statement) as Record<string, unknown>;
    const other = { ...added, Sid: "sns-invoke", Principal: { Service: "sns.amazonaws.com" }, Condition: { ArnLike: { "AWS:SourceArn": "arn:aws:sns:us-east-1:339735964233:alerts" } } };
    const getPolicy = { Policy: JSON.stringify({ Version: "2012-10-17", Id: "default", Statement: [other] }), RevisionId: "6a6f2f4e-0000-4000-8000-000000000000" };
    const inputs: Array<[string, unknown]> = [
      ["talos-update-function-configuration.json", fixture("talos-update-function-configuration.json")],
      ["talos-add-permission.json", fixture("talos-add-permission.json")],
      ["get-policy.json", getPolicy],
    ];
    const { document } = normalizeFragments(inputs.map(([name, value]) => readValue(name, value).fragment!));
    const fn = document.functions.find((f) => f.name === "SamEbsteinTalosLambdaTest");
    expect(fn?.resourcePolicy?.Statement.map((st) => st.Sid)).toEqual(["sns-invoke"]);
  });

  it("the CLI documentation's object form reads as the same policy (a bare function policy)", () => {
    const { fragment } = readValue("aws-cli-add-permission.json", fixture("aws-cli-add-permission.json"));
    expect(fragment?.functionPatches[0]!.patch.resourcePolicy!.Statement[0]).toMatchObject({ Sid: "sns", Principal: { Service: ["sns.amazonaws.com"] } });
  });

  it("a Statement string that is no function's statement is still refused as a policy", () => {
    const { fragment, warnings } = readValue("odd.json", { Statement: JSON.stringify({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }) });
    expect(fragment).toBeNull();
    expect(warnings.map((w) => w.code)).toEqual(["invalid-policy-document"]);
  });
});
