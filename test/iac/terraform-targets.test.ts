/**
 * A plan that creates a function together with its dead-letter queue, KMS key and the on-failure
 * queue of its stream mapping (test/iac/fixtures/terraform-targets: a real plan against moto). Their
 * ARNs are known only after apply; the configuration says which resource each is, so each is an
 * ARN of its service, named as the plan knows it, and the permissions Lambda needs on it are
 * required. They used to be dropped: no requirement, no LR010, a generated policy without them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeDocument } from "../../src/analysis/index.js";
import { auditDocument } from "../../src/audit/index.js";
import { packageRoot } from "../../src/evaluate/locate.js";
import { normalizeFragments } from "../../src/normalize/index.js";
import { readTerraformPlan } from "../../src/sources/terraform/index.js";

const dir = join(packageRoot(), "test", "iac", "fixtures", "terraform-targets");

describe("a plan's function targets made by the same plan", () => {
  const plan = readTerraformPlan(readFileSync(join(dir, "plan.json")), "plan.json");
  const fn = plan.functions[0];

  it("are ARNs of their service, the names the plan knows kept", () => {
    const raw = JSON.parse(readFileSync(join(dir, "plan.json"), "utf8")) as { resource_changes: Array<{ type: string; change: { after_unknown: Record<string, unknown> } }> };
    // What the plan itself says: unknown after apply.
    expect(raw.resource_changes.find((r) => r.type === "aws_lambda_function")?.change.after_unknown).toMatchObject({ kms_key_arn: true, dead_letter_config: [{ target_arn: true }] });
    // The account is the one `data "aws_caller_identity"` read while planning (moto's).
    expect(fn?.deadLetterTargetArn).toBe("arn:aws:sqs:us-west-2:123456789012:dlq");
    expect(fn?.kmsKeyArn).toBe("arn:aws:kms:us-west-2:123456789012:key/${aws_kms_key.k.key_id}");
    expect(fn?.triggers.map((t) => [t.kind, t.eventSourceArn, t.onFailureDestination])).toEqual([["dynamodb", "${aws_dynamodb_table.t.stream_arn}", "arn:aws:sqs:us-west-2:123456789012:dlq"]]);
  });

  it("are required, and LR010 says the role cannot send to the queue", async () => {
    const document = analyzeDocument(normalizeFragments([plan]).document);
    const requirements = document.functions[0]?.analysis?.requirements.filter((r) => r.resource.includes(":sqs:")).map((r) => [r.purpose, r.action, r.decision]);
    expect(requirements).toEqual([
      ["dead-letter", "sqs:SendMessage", "implicit-deny"],
      ["trigger-destination", "sqs:SendMessage", "implicit-deny"],
    ]);
    const lr010 = auditDocument(document).findings.filter((f) => f.ruleId === "LR010").map((f) => f.message);
    expect(lr010.some((m) => m.includes("arn:aws:sqs:us-west-2:123456789012:dlq") && m.includes("sqs:SendMessage"))).toBe(true);
  });

  it("in the applied state, are the real ARNs, and an unqualified URL has no qualifier", () => {
    const state = readTerraformPlan(readFileSync(join(dir, "show-state.json")), "show-state.json");
    const f = state.functions[0];
    expect(f?.kmsKeyArn).toMatch(/^arn:aws:kms:us-west-2:123456789012:key\/[0-9a-f-]{36}$/);
    expect(f?.triggers[0]?.onFailureDestination).toBe("arn:aws:sqs:us-west-2:123456789012:dlq");
    // The state writes qualifier "" for the function's own URL.
    expect(f?.functionUrls.map((u) => [u.authType, u.qualifier])).toEqual([["NONE", null]]);
  });
});
