/**
 * One entry point for an IaC file of unknown kind: sniff the content (JSON: a Terraform plan or a
 * template by shape; YAML: a template) and call the right reader. Returns null for anything that
 * is not IaC, so a caller can try other readers.
 */

import { InputError } from "../../errors.js";
import { readTerraformPlan, type TerraformReadOptions } from "../terraform/read-plan.js";
import { detectIac } from "./detect-iac.js";
import { decodeText } from "./located.js";
import { readCloudFormationTemplate, type CloudFormationReadOptions, type IacFragment } from "./read-template.js";

export type IacReadOptions = TerraformReadOptions & CloudFormationReadOptions;

export function readIac(input: string | Uint8Array, file: string, options: IacReadOptions = {}): IacFragment | null {
  const text = decodeText(input, file);
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return null; // not JSON at all: let the caller's other readers (or its error) speak
    }
    const kind = detectIac(parsed, file);
    if (kind === "terraform-plan") return readTerraformPlan(input, file, options);
    if (kind === "cloudformation") return readCloudFormationTemplate(input, file, options);
    return null;
  }
  // YAML: only a mapping with Resources / AWSTemplateFormatVersion / the SAM transform is a template.
  if (!/^(AWSTemplateFormatVersion|Transform|Resources|Description|Parameters|Globals|Conditions|Mappings|Metadata|Outputs)\s*:/m.test(text)) return null;
  try {
    return readCloudFormationTemplate(input, file, options);
  } catch (error) {
    if (error instanceof InputError && /not a CloudFormation template/.test(error.message)) return null;
    throw error;
  }
}
