/**
 * Which IaC format a parsed file is, by its shape (never by its name): a Terraform plan has
 * `format_version` and plan sections; a CloudFormation / SAM / CDK template has a `Resources` map
 * of `{Type: "AWS::…"}` (or a template-level key CloudFormation defines).
 */

import { isRecord } from "./lambda-shapes.js";
import { terraformStateKind } from "../terraform/plan-index.js";
import { isGetTemplateOutput } from "./read-template.js";

export type IacKind = "terraform-plan" | "cloudformation";

export function detectIac(parsed: unknown, _file?: string): IacKind | null {
  if (!isRecord(parsed)) return null;
  // `aws cloudformation get-template` output: the template is its TemplateBody (an object, or YAML or JSON text).
  if (isGetTemplateOutput(parsed)) {
    const body = parsed.TemplateBody;
    if (typeof body === "string") return /^\s*"?Resources"?\s*:/m.test(body) ? "cloudformation" : null;
    return detectIac(body);
  }
  if (typeof parsed.format_version === "string" && ("planned_values" in parsed || "resource_changes" in parsed || "configuration" in parsed)) {
    return "terraform-plan";
  }
  // A Terraform state (`terraform show -json` without a plan, or `terraform state pull`): read by the plan reader.
  if (terraformStateKind(parsed) !== null) return "terraform-plan";
  if (typeof parsed.AWSTemplateFormatVersion === "string") return "cloudformation";
  const resources = parsed.Resources;
  if (isRecord(resources)) {
    const values = Object.values(resources);
    if (values.length > 0 && values.some((r) => isRecord(r) && typeof r.Type === "string" && /^(AWS|Custom|Alexa)::|^Custom::/.test(r.Type))) return "cloudformation";
  }
  if (parsed.Transform === "AWS::Serverless-2016-10-31" || (Array.isArray(parsed.Transform) && parsed.Transform.includes("AWS::Serverless-2016-10-31"))) {
    return "cloudformation";
  }
  return null;
}
