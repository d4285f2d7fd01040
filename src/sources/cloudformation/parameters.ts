/**
 * What CloudFormation checks of the parameter values a stack is deployed with, before it reads
 * anything else: every value given names a parameter the template declares ("Parameters: [X] do
 * not exist in the template"), and every value meets its parameter's constraints (AllowedValues,
 * AllowedPattern, MinLength/MaxLength, MinValue/MaxValue, a number for Number types). A value
 * CloudFormation would refuse, read anyway, gives the findings and the policy of a stack that
 * cannot exist; a misspelt name, ignored, gives the defaults' (the dev stack for a user who asked
 * for prod). The caller decides what a failed check is (build-document.ts: an input error).
 */

import { decodeText, parseJsonLocated, parseYamlLocated } from "./located.js";
import { isRecord } from "./lambda-shapes.js";
import { isGetTemplateOutput } from "./read-template.js";

/** The template's `Parameters` section (of get-template output too), each declaration by name; empty when it has none. */
export function templateParameters(input: string | Uint8Array, file: string): Record<string, unknown> {
  const parse = (text: string): unknown => (/^\s*[{[]/.test(text) ? parseJsonLocated(text, file) : parseYamlLocated(text, file)).value;
  let template = parse(decodeText(input, file));
  if (isGetTemplateOutput(template)) template = typeof template.TemplateBody === "string" ? parse(template.TemplateBody) : template.TemplateBody;
  return isRecord(template) && isRecord(template.Parameters) ? template.Parameters : {};
}

const text = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));

/**
 * Why CloudFormation would refuse `value` for the parameter declared as `spec`, or null. A list
 * type's members (comma-separated, space trimmed) are checked one by one, as CloudFormation does
 * for AllowedValues and AllowedPattern. An AllowedPattern is a Java regular expression matched
 * against the whole value: one JavaScript cannot compile is not judged (deployment will). SSM
 * parameter types are not judged: the value is the name of an SSM parameter.
 */
export function parameterViolation(spec: unknown, value: string): string | null {
  if (!isRecord(spec)) return null;
  const type = typeof spec.Type === "string" ? spec.Type : "String";
  if (type.startsWith("AWS::SSM::Parameter::")) return null;
  const list = type === "CommaDelimitedList" || type.startsWith("List<");
  const numeric = type === "Number" || type === "List<Number>";
  const items = list ? value.split(",").map((s) => s.trim()) : [value];
  const explain = typeof spec.ConstraintDescription === "string" && spec.ConstraintDescription !== "" ? ` (ConstraintDescription: ${spec.ConstraintDescription})` : "";
  let pattern: RegExp | null = null;
  if (typeof spec.AllowedPattern === "string") {
    try {
      pattern = new RegExp(`^(?:${spec.AllowedPattern})$`);
    } catch {
      pattern = null;
    }
  }
  for (const item of items) {
    const member = list ? `member ${JSON.stringify(item)} ` : "";
    if (numeric && (item.trim() === "" || !Number.isFinite(Number(item)))) return `${member}must be a number (Type ${type})`;
    if (Array.isArray(spec.AllowedValues)) {
      const allowed = spec.AllowedValues.map(text);
      const ok = allowed.includes(item) || (numeric && allowed.some((a) => a.trim() !== "" && Number(a) === Number(item)));
      // `AllowedValues: [yes, no]` unquoted is [true, false] to CloudFormation (YAML 1.1, located.ts): say why `yes` is refused.
      const yaml11 = spec.AllowedValues.some((a) => typeof a === "boolean") && /^(?:yes|no|on|off)$/i.test(item) ? `; unquoted in the template, yes/no/on/off are YAML 1.1 booleans, which CloudFormation reads as true/false: give ${/^(?:yes|on)$/i.test(item) ? "true" : "false"}` : "";
      if (!ok) return `${member}must be one of AllowedValues [${allowed.join(", ")}]${explain}${yaml11}`;
    }
    if (pattern && !numeric && !pattern.test(item)) return `${member}must match AllowedPattern ${spec.AllowedPattern as string}${explain}`;
    if (numeric) {
      const n = Number(item);
      if (spec.MinValue !== undefined && Number.isFinite(Number(spec.MinValue)) && n < Number(spec.MinValue)) return `${member}must be at least MinValue ${text(spec.MinValue)}${explain}`;
      if (spec.MaxValue !== undefined && Number.isFinite(Number(spec.MaxValue)) && n > Number(spec.MaxValue)) return `${member}must be at most MaxValue ${text(spec.MaxValue)}${explain}`;
    }
  }
  if (type === "String") {
    const length = [...value].length;
    if (spec.MinLength !== undefined && Number.isFinite(Number(spec.MinLength)) && length < Number(spec.MinLength)) return `must be at least MinLength ${text(spec.MinLength)} characters long (it has ${length})${explain}`;
    if (spec.MaxLength !== undefined && Number.isFinite(Number(spec.MaxLength)) && length > Number(spec.MaxLength)) return `must be at most MaxLength ${text(spec.MaxLength)} characters long (it has ${length})${explain}`;
  }
  return null;
}

/** `Env=staging`, or for a NoEcho parameter (a password) its name only: the value is never printed. */
export function shownParameter(name: string, spec: unknown, value: string): string {
  const noEcho = isRecord(spec) && (spec.NoEcho === true || spec.NoEcho === "true");
  return noEcho ? `${name} (NoEcho: value not shown)` : `${name}=${value}`;
}
