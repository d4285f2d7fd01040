/**
 * A plan's or state's layer versions (aws_lambda_layer_version) and their permissions
 * (aws_lambda_layer_version_permission: layer_name a name or an ARN, version_number, principal an
 * account ID or `*`, organization_id; hashicorp/aws documentation), to LR022. A version the plan
 * makes has its ARN only after apply: the function's `layers` and the permission's references
 * name the same version all the same.
 */
import { describe, expect, it } from "vitest";
import { analyzeDocument } from "../../src/analysis/index.js";
import { evaluateDocument, loadBuiltinPack } from "../../src/evaluate/index.js";
import { normalizeFragments } from "../../src/normalize/index.js";
import { readTerraformPlan } from "../../src/sources/terraform/index.js";

const resource = (address: string, type: string, values: object) => ({ address, mode: "managed", type, name: address.split(".")[1]!, values });
const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });

function lr022(plan: object) {
  const { document } = normalizeFragments([readTerraformPlan(Buffer.from(JSON.stringify(plan)), "plan.json", { accountId: "123456789012" })]);
  const analysed = analyzeDocument(document);
  const { findings } = evaluateDocument(analysed, [loadBuiltinPack()], { today: "2026-11-01" });
  return { document, findings: findings.filter((f) => f.ruleId === "LR022") };
}

describe("Terraform layer versions and their permissions, to LR022", () => {
  it("a plan: the version made by the plan, shared with everyone by reference, run by the plan's function", () => {
    const resources = [
      resource("aws_iam_role.fn", "aws_iam_role", { name: "fn", path: "/", assume_role_policy: trust }),
      resource("aws_lambda_layer_version.shared", "aws_lambda_layer_version", { layer_name: "shared", compatible_runtimes: ["python3.12"] }),
      resource("aws_lambda_layer_version_permission.public", "aws_lambda_layer_version_permission", { action: "lambda:GetLayerVersion", principal: "*", statement_id: "public", skip_destroy: false }),
      resource("aws_lambda_layer_version_permission.org", "aws_lambda_layer_version_permission", { action: "lambda:GetLayerVersion", principal: "*", organization_id: "o-a1b2c3d4e5", statement_id: "org" }),
      resource("aws_lambda_function.api", "aws_lambda_function", { function_name: "api", runtime: "python3.12", handler: "app.handler", layers: [null] }),
    ];
    const unknown: Record<string, object> = {
      "aws_lambda_layer_version.shared": { arn: true, version: true, layer_arn: true },
      "aws_lambda_layer_version_permission.public": { layer_name: true, version_number: true },
      "aws_lambda_layer_version_permission.org": { layer_name: true, version_number: true },
      "aws_lambda_function.api": { arn: true, role: true, layers: [true] },
    };
    const toLayer = { layer_name: { references: ["aws_lambda_layer_version.shared.layer_arn", "aws_lambda_layer_version.shared"] }, version_number: { references: ["aws_lambda_layer_version.shared.version", "aws_lambda_layer_version.shared"] } };
    const plan = {
      format_version: "1.2",
      terraform_version: "1.9.0",
      planned_values: { root_module: { resources } },
      resource_changes: resources.map((r) => ({ address: r.address, mode: "managed", type: r.type, name: r.name, change: { actions: ["create"], before: null, after: r.values, after_unknown: unknown[r.address] ?? {} } })),
      configuration: {
        provider_config: { aws: { name: "aws", expressions: { region: { constant_value: "us-east-1" } } } },
        root_module: {
          resources: [
            { address: "aws_iam_role.fn", mode: "managed", type: "aws_iam_role", name: "fn", expressions: { name: { constant_value: "fn" } } },
            { address: "aws_lambda_layer_version.shared", mode: "managed", type: "aws_lambda_layer_version", name: "shared", expressions: { layer_name: { constant_value: "shared" } } },
            { address: "aws_lambda_layer_version_permission.public", mode: "managed", type: "aws_lambda_layer_version_permission", name: "public", expressions: { ...toLayer, principal: { constant_value: "*" } } },
            { address: "aws_lambda_layer_version_permission.org", mode: "managed", type: "aws_lambda_layer_version_permission", name: "org", expressions: { ...toLayer, principal: { constant_value: "*" }, organization_id: { constant_value: "o-a1b2c3d4e5" } } },
            {
              address: "aws_lambda_function.api",
              mode: "managed",
              type: "aws_lambda_function",
              name: "api",
              expressions: { function_name: { constant_value: "api" }, role: { references: ["aws_iam_role.fn.arn", "aws_iam_role.fn"] }, layers: { references: ["aws_lambda_layer_version.shared.arn", "aws_lambda_layer_version.shared"] } },
            },
          ],
        },
      },
    };
    const { document, findings } = lr022(plan);
    const arn = "arn:aws:lambda:us-east-1:123456789012:layer:shared:${aws_lambda_layer_version.shared.version}";
    expect(document.functions[0]?.layers).toEqual([arn]);
    expect(document.layerVersions?.map((l) => [l.arn, l.functions, l.policy?.Statement.map((s) => s.Sid)])).toEqual([[arn, [document.functions[0]!.arn], ["public", "org"]]]);
    // At the aws_lambda_layer_version_permission that grants it, not at the layer version.
    expect(findings.map((f) => [f.severity, f.evidence["sid"], f.location?.address])).toEqual([["high", "public", "aws_lambda_layer_version_permission.public"]]);
    // The function as the plan names it (its address), not its function_name `api`; the evidence keeps the ARN.
    expect(findings[0]!.message).toContain("used by 1 function of the inputs: aws_lambda_function.api");
    expect(findings[0]!.evidence["functions"]).toEqual([document.functions[0]!.arn]);
  });

  it("a state: known ARNs, a permission naming the layer by ARN to another account", () => {
    const layer = "arn:aws:lambda:eu-west-1:123456789012:layer:shared";
    const state = {
      format_version: "1.0",
      terraform_version: "1.9.0",
      values: {
        root_module: {
          resources: [
            resource("aws_lambda_layer_version.shared", "aws_lambda_layer_version", { layer_name: "shared", arn: `${layer}:4`, layer_arn: layer, version: "4" }),
            resource("aws_lambda_layer_version_permission.partner", "aws_lambda_layer_version_permission", { layer_name: layer, version_number: 4, principal: "210987654321", action: "lambda:GetLayerVersion", statement_id: "partner", organization_id: null, id: `${layer},4` }),
          ],
        },
      },
    };
    const { document, findings } = lr022(state);
    expect(document.layerVersions?.map((l) => [l.arn, l.policy?.Statement[0]?.Principal])).toEqual([[`${layer}:4`, { AWS: ["arn:aws:iam::210987654321:root"] }]]);
    expect(findings.map((f) => [f.severity, f.resource.arn, f.evidence["sid"]])).toEqual([["medium", `${layer}:4`, "partner"]]);
  });
});
