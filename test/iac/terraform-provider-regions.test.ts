/**
 * A function is made in the region of the provider configuration it is made with: an aliased
 * provider (`provider = aws.us_east_1`, as Lambda@Edge needs), one whose region is a variable, a
 * module given a provider (`providers = { aws = aws.dr }`). Real plan:
 * test/iac/fixtures/terraform-provider-regions (README for the command).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";
import { normalizeFragments } from "../../src/normalize/index.js";
import { readTerraformPlan, readTfFiles } from "../../src/sources/terraform/index.js";

const dir = join(packageRoot(), "test", "iac", "fixtures", "terraform-provider-regions");
const bytes = readFileSync(join(dir, "plan.json"));
const regions = (withConfig: boolean) => {
  const fragment = readTerraformPlan(bytes, "plan.json", withConfig ? { configFiles: readTfFiles(dir) } : {});
  const doc = normalizeFragments([fragment]).document;
  return { fragment, doc, byAddress: Object.fromEntries(doc.functions.map((f) => [f.source?.address, f.arn])) };
};

describe("functions in the region of their provider configuration", () => {
  it("each function's ARN and region are its provider's; one name in two regions is two functions", () => {
    const { fragment, doc, byAddress } = regions(true);
    expect(byAddress).toEqual({
      "aws_lambda_function.home": "arn:aws:lambda:eu-west-1:unknown:function:home-fn",
      "aws_lambda_function.viewer": "arn:aws:lambda:us-east-1:unknown:function:viewer-request",
      "aws_lambda_function.dr": "arn:aws:lambda:eu-central-1:unknown:function:dr-worker",
      "module.edge.aws_lambda_function.origin": "arn:aws:lambda:us-east-1:unknown:function:origin-response",
      "module.edge_dr.aws_lambda_function.origin": "arn:aws:lambda:eu-central-1:unknown:function:origin-response",
      // `region = local.computed_region`: evaluated from the .tf files.
      "aws_lambda_function.computed": "arn:aws:lambda:us-west-2:unknown:function:computed-region",
    });
    for (const f of doc.functions) expect(f.region).toBe(f.arn.split(":")[3]);
    // The DR queue is made in the DR region: its trigger and the role's grant name it there.
    const dr = doc.functions.find((f) => f.name === "dr-worker");
    expect(dr?.triggers.map((t) => t.eventSourceArn)).toEqual(["arn:aws:sqs:eu-central-1:unknown:dr-jobs"]);
    // Encrypted with a key of the plan: reading it needs kms:Decrypt on that key, in that region.
    expect(dr?.triggers.map((t) => t.sourceKmsKeyArn)).toEqual(["arn:aws:kms:eu-central-1:unknown:key/${aws_kms_key.dr_jobs.key_id}"]);
    const grants = fragment.roles.flatMap((r) => r.inlinePolicies.flatMap((p) => p.document.Statement.flatMap((s) => s.Resource ?? [])));
    expect(grants).toContain("arn:aws:sqs:eu-central-1:unknown:dr-jobs");
    expect(grants.filter((g) => g.includes("dr-jobs"))).toEqual(["arn:aws:sqs:eu-central-1:unknown:dr-jobs"]);
  });

  it("without the .tf files, a region the plan gives only as an expression is unknown, with a note (never the default provider's)", () => {
    const { fragment, byAddress } = regions(false);
    expect(byAddress["aws_lambda_function.computed"]).toBe("arn:aws:lambda:unknown:unknown:function:computed-region");
    expect(byAddress["aws_lambda_function.viewer"]).toBe("arn:aws:lambda:us-east-1:unknown:function:viewer-request");
    expect(fragment.warnings.filter((w) => w.code === "terraform-unknown-region").map((w) => [w.severity, w.message])).toEqual([
      ["info", expect.stringMatching(/^aws_lambda_function\.computed: made with provider aws\.computed, whose region/)],
    ]);
  });
});
