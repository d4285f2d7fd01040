import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffPermissions, permissionRows, readCloudFormationTemplate } from "../../src/sources/cloudformation/index.js";
import { readTerraformPlan } from "../../src/sources/terraform/index.js";
import type { SourceFragment } from "../../src/sources/types.js";

const corpus = "/work/shared/corpus";
const fragments: SourceFragment[] = [
  readTerraformPlan(readFileSync("test/iac/fixtures/terraform/lambda-app.plan.json"), "app"),
  readTerraformPlan(readFileSync("test/iac/fixtures/terraform/fanout.plan.json"), "fanout"),
  readTerraformPlan(readFileSync(`${corpus}/terraform-plans/cloudgoat-lambda_privesc.plan.json`), "cloudgoat"),
  readCloudFormationTemplate(readFileSync(`${corpus}/serverless-patterns-sam/apigw-kinesis-lambda/template.yaml`), "kinesis"),
  readCloudFormationTemplate(readFileSync(`${corpus}/serverless-patterns-sam/apigw-lambda-sfn-transcribe-translate-polly-sam/template.yaml`), "sfn"),
  readCloudFormationTemplate(readFileSync(`${corpus}/aws-sam-translator/input/function_with_policy_templates.yaml`), "templates"),
];

describe("permission rows and diffs", () => {
  it("a statement added to a plan is exactly one added row, with its location", () => {
    const text = readFileSync("test/iac/fixtures/terraform/lambda-app.plan.json", "utf8");
    const before = readTerraformPlan(text, "before.json");
    // The reviewer's case: someone widens the logs inline policy to logs:*.
    const after = readTerraformPlan(text.replaceAll('\\"logs:PutLogEvents\\"]', '\\"logs:PutLogEvents\\",\\"logs:*\\"]'), "after.json");
    const diff = diffPermissions(before, after);
    expect(diff.removed.map((r) => r.kind)).toEqual(["inline-statement"]);
    expect(diff.added.map((r) => [r.kind, r.owner, r.policy, r.source?.address])).toEqual([
      ["inline-statement", "arn:aws:iam::unknown:role/service/api-handler-role", "logs", 'aws_iam_role.api.inline_policy["logs"].policy.Statement[0]'],
    ]);
    expect((diff.added[0]?.value as { Action: string[] }).Action).toEqual(["logs:*", "logs:CreateLogStream", "logs:PutLogEvents"]);
  });

  it("a URL added on an alias is one added row, owned by the alias's ARN; the function's own URL is unchanged", () => {
    const resources = {
      Fn: { Type: "AWS::Lambda::Function", Properties: { FunctionName: "api", Role: "arn:aws:iam::123456789012:role/r", Runtime: "python3.12", Handler: "a.h", Code: { ZipFile: "x" } } },
      OwnUrl: { Type: "AWS::Lambda::Url", Properties: { TargetFunctionArn: { Ref: "Fn" }, AuthType: "AWS_IAM" } },
    };
    const before = readCloudFormationTemplate(Buffer.from(JSON.stringify({ Resources: resources })), "before.json");
    const liveUrl = { Type: "AWS::Lambda::Url", Properties: { TargetFunctionArn: { Ref: "Fn" }, Qualifier: "live", AuthType: "NONE" } };
    const after = readCloudFormationTemplate(Buffer.from(JSON.stringify({ Resources: { ...resources, LiveUrl: liveUrl } })), "after.json");
    const diff = diffPermissions(before, after);
    expect(diff.removed).toEqual([]);
    expect(diff.added.map((r) => [r.kind, r.owner.replace(/^.*:function:/, ""), r.value])).toEqual([["function-url", "api:live", { authType: "NONE", qualifier: "live", url: null }]]);
  });

  it("a user gaining a policy is a row for that user", () => {
    const text = readFileSync(`${corpus}/checkov-tfplan-fixtures/plan_with_iam_policies.tfplan.json`, "utf8");
    const before = readTerraformPlan(text, "b");
    const after = readTerraformPlan(text.replaceAll('\\"Action\\": \\"iam:*\\"', '\\"Action\\": [\\"iam:*\\", \\"sts:AssumeRole\\"]'), "a");
    const diff = diffPermissions(before, after);
    expect(diff.added.map((r) => [r.kind, r.owner])).toEqual(
      expect.arrayContaining([["inline-statement", "arn:aws:iam::unknown:user/example"]]),
    );
  });

  it("SAM input and the translator's output have the same permissions (policy templates pair)", () => {
    const sam = readCloudFormationTemplate(readFileSync(`${corpus}/aws-sam-translator/input/function_with_policy_templates.yaml`), "in");
    const cfn = readCloudFormationTemplate(readFileSync(`${corpus}/aws-sam-translator/output/function_with_policy_templates.json`), "out");
    expect(diffPermissions(sam, cfn)).toEqual({ added: [], removed: [] });
  });

  it("law: diff(a, a) is empty and diff(a, b) mirrors diff(b, a)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...fragments), fc.constantFrom(...fragments), (a, b) => {
        expect(diffPermissions(a, a)).toEqual({ added: [], removed: [] });
        const ab = diffPermissions(a, b);
        const ba = diffPermissions(b, a);
        expect(ab.added.map((r) => r.key)).toEqual(ba.removed.map((r) => r.key));
        expect(ab.removed.map((r) => r.key)).toEqual(ba.added.map((r) => r.key));
      }),
      { numRuns: 50 },
    );
  });

  it("law: reordering statements, actions and resources, renaming Sids or respelling actions in another case changes no row", () => {
    fc.assert(
      fc.property(fc.constantFrom(...fragments), fc.integer(), (fragment, seed) => {
        const copy = JSON.parse(JSON.stringify(fragment)) as SourceFragment;
        let s = seed;
        const shuffle = <T>(xs: T[]): T[] => {
          const out = [...xs];
          for (let i = out.length - 1; i > 0; i--) {
            s = (s * 1103515245 + 12345) | 0;
            const j = Math.abs(s) % (i + 1);
            [out[i], out[j]] = [out[j] as T, out[i] as T];
          }
          return out;
        };
        for (const role of copy.roles) {
          for (const p of role.inlinePolicies) {
            // Action names respelled in another case too: IAM matches them case-insensitively.
            const respell = (a: string): string => ((s = (s * 1103515245 + 12345) | 0) & 1 ? a.toUpperCase() : a);
            p.document.Statement = shuffle(p.document.Statement).map((st) => ({ ...st, Sid: `S${Math.abs(s) % 97}`, ...(st.Action ? { Action: shuffle(st.Action).map(respell) } : {}), ...(st.NotAction ? { NotAction: st.NotAction.map(respell) } : {}), ...(st.Resource ? { Resource: shuffle(st.Resource) } : {}) }));
          }
          role.attachedPolicies = shuffle(role.attachedPolicies);
        }
        expect(permissionRows(copy).map((r) => r.key)).toEqual(permissionRows(fragment).map((r) => r.key));
      }),
      { numRuns: 100 },
    );
  });
});
