/**
 * Where a plan's names and ARNs came from (value-references.ts), for generate -f terraform: the
 * plan's `planned_values` hold `var.env`'s value (`dev-orders`), its `configuration` the
 * references each attribute was made from (`references: ["var.env"]`), not the text. A string
 * attribute of a root-module resource is written back as a Terraform string template when its
 * text (the .tf files read beside the plan) is only text and references, and each referenced
 * value (a root variable, a known attribute of a root resource) occurs in it exactly once
 * (`dev-orders` with `var.env` = `dev`: `${var.env}-orders`); twice, or not at all, or without the
 * text (`lower(var.env)` has the same references), it is left as it is. The known ARN of a root resource is its reference (`${aws_sqs_queue.dlq.arn}`).
 * Module resources are left out: their `var.x` is the module's input, which the root cannot name.
 */

import { addValueReference, type ValueReferences } from "../value-references.js";
import { isRecord } from "../cloudformation/lambda-shapes.js";
import type { PlanIndex, TfResource } from "./plan-index.js";
import type { Expr } from "./hcl/ast.js";

const RESOURCE_ATTRIBUTE = /^((?:data\.)?[a-z0-9_-]+\.[A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)$/;

/** The root resource of `configAddress` when it has one instance without a key. */
function single(index: PlanIndex, configAddress: string): TfResource | undefined {
  const all = index.byConfigAddress.get(configAddress) ?? [];
  const [only] = all;
  return all.length === 1 && only !== undefined && only.key === "" && only.modulePath === "" ? only : undefined;
}

/** The plan's value of a root reference (`var.env`, `aws_sqs_queue.dlq.name`), when it is known text. */
function referenceValue(index: PlanIndex, ref: string): string | undefined {
  const text = (v: unknown): string | undefined => (typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined);
  const v = /^var\.([A-Za-z0-9_-]+)$/.exec(ref);
  if (v !== null) return text(index.variables.get(v[1] as string));
  const m = RESOURCE_ATTRIBUTE.exec(ref);
  if (m === null) return undefined;
  const r = single(index, m[1] as string);
  const attribute = m[2] as string;
  if (r === undefined || r.unknown[attribute] === true) return undefined;
  return text(r.values[attribute]);
}

/** `value` with each reference's value (occurring exactly once) as `${ref}`; null when none applies. */
function templateOf(value: string, refs: ReadonlyMap<string, string>): string | null {
  if (value.includes("${") || value.includes("%{")) return null;
  if (value.startsWith("{") || value.startsWith("[")) return null; // a JSON document (a policy): its parts are matched in generate
  const places: { start: number; end: number; ref: string }[] = [];
  for (const [ref, v] of [...refs].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1))) {
    if (v === "") continue;
    const first = value.indexOf(v);
    if (first < 0) continue;
    if (value.indexOf(v, first + 1) >= 0) return null; // which one is the reference's cannot be told
    const end = first + v.length;
    if (places.some((p) => first < p.end && end > p.start)) continue;
    places.push({ start: first, end, ref });
  }
  if (places.length === 0) return null;
  places.sort((a, b) => a.start - b.start);
  let out = "";
  let at = 0;
  for (const p of places) {
    out += `${value.slice(at, p.start)}\${${p.ref}}`;
    at = p.end;
  }
  return out + value.slice(at);
}

/**
 * Whether an expression as written is only text and references (`"${var.env}-orders"`,
 * `aws_sqs_queue.dlq.arn`): then putting the references' values back gives it. A function call, a
 * condition or an operator (`lower(var.env)`, which is `dev` for `dev` too) does not.
 */
export function isPlainTemplate(expr: Expr): boolean {
  const reference = (e: Expr): boolean =>
    e.kind === "traversal" ? e.target.kind === "variable" && e.steps.every((s) => s.kind === "attr") : e.kind === "paren" ? reference(e.expr) : false;
  if (expr.kind === "template") return expr.parts.every((p) => p.kind === "text" || (p.kind === "interp" && reference(p.expr)));
  return reference(expr);
}

/**
 * `plainAt`: for a plan read with its .tf files, whether the attribute at a path of a resource is
 * written as a plain template (isPlainTemplate); undefined where the text is not known, which
 * leaves the plan's references alone to decide.
 */
export function planValueReferences(index: PlanIndex, file: string, plainAt?: (configAddress: string, path: readonly (string | number)[]) => boolean | undefined): ValueReferences | undefined {
  const values = new Map<string, string | null>();
  const whole = new Set<string>();
  let resource = "";
  const pair = (value: unknown, expr: unknown, path: (string | number)[]): void => {
    if (Array.isArray(expr) && Array.isArray(value)) {
      expr.forEach((e, i) => pair(value[i], e, [...path, i]));
      return;
    }
    if (!isRecord(expr)) return;
    if (Array.isArray(expr.references)) {
      if (typeof value !== "string" || value === "") return;
      // The plan's references alone cannot tell `"${var.env}-orders"` from `"${lower(var.env)}-orders"`:
      // without the text, only a value that is a whole reference (an ARN) is written back.
      const plain = plainAt?.(resource, path) === true;
      const refs = new Map<string, string>();
      for (const ref of expr.references) {
        if (typeof ref !== "string") continue;
        const v = referenceValue(index, ref);
        if (v !== undefined) refs.set(ref, v);
      }
      const t = templateOf(value, refs);
      if (t === null) return;
      // A name that is one reference alone (`role = aws_iam_role.fn.name`) may name what the output
      // replaces (the role itself): only an ARN is written so.
      const alone = /^\$\{[^}]*\}$/.test(t);
      if (alone ? !value.startsWith("arn:") : !plain) return;
      addValueReference(values, value, t);
      return;
    }
    if ("constant_value" in expr) return;
    if (!isRecord(value)) return;
    for (const [k, e] of Object.entries(expr)) pair(value[k], e, [...path, k]);
  };
  for (const r of index.resources) {
    if (r.modulePath !== "" || r.key !== "" || single(index, r.configAddress) !== r) continue;
    resource = r.configAddress;
    pair(r.values, index.config.get(r.configAddress)?.expressions, []);
  }
  // A root resource's known ARN is the resource's own (`aws_sqs_queue.dlq.arn`): written so, it
  // follows the queue wherever the configuration is applied.
  for (const r of index.resources) {
    if (r.modulePath !== "" || r.key !== "" || single(index, r.configAddress) !== r) continue;
    const arn = r.values.arn;
    if (typeof arn === "string" && arn.startsWith("arn:") && r.unknown.arn !== true) {
      values.delete(arn);
      addValueReference(values, arn, `\${${r.configAddress}.arn}`);
    }
  }
  // The root variables' text values, for the warning about names still holding one (generate).
  const variables: { [name: string]: string } = {};
  for (const name of [...index.variables.keys()].sort()) {
    const v = index.variables.get(name);
    if (typeof v === "string" && v !== "") variables[name] = v;
  }
  if (values.size === 0 && Object.keys(variables).length === 0) return undefined;
  return { file, language: "terraform", values, whole, conditionParameters: [], ...(Object.keys(variables).length > 0 ? { variables } : {}) };
}
