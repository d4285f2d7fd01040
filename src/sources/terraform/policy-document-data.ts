/**
 * `data.aws_iam_policy_document` without its rendered `json`: when a statement refers to a
 * resource created by the same plan, Terraform defers the read and the JSON is unknown. The
 * statement blocks are still in the plan, with the unknown elements marked in `after_unknown`;
 * rebuilding the document from them (as the provider would) keeps every statement, with a
 * readable placeholder (`${aws_dynamodb_table.orders.arn}`) where a value is not known yet.
 */

import { isRecord } from "../cloudformation/lambda-shapes.js";
import type { PlanIndex, TfResource } from "./plan-index.js";
import { printable } from "../../printable.js";

export interface Rebuilt {
  document: Record<string, unknown>;
  /** Placeholders that stand for values unknown at plan time. */
  placeholders: string[];
  /** Features whose merge the rebuild cannot reproduce (source/override documents with unknown JSON). */
  incomplete: string[];
  /** How many statement lists were taken from the `.tf` files (`fromConfig`). */
  fromConfig: number;
}

/**
 * @param values   the data source's planned attributes (`statement`, `version`, `policy_id`, …)
 * @param unknown  its `after_unknown` mirror
 * @param placeholderFor  the readable placeholder for an unknown element, given the attribute path
 * @param fromConfig  a statement's (not_)actions/(not_)resources evaluated from the `.tf` files, when they are given
 */
export function rebuildPolicyDocument(
  values: Record<string, unknown>,
  unknown: Record<string, unknown>,
  placeholderFor: (statementIndex: number, attribute: string) => string,
  fromConfig?: (statementIndex: number, attribute: string) => { values: string[]; placeholders: string[] } | undefined,
): Rebuilt {
  const placeholders: string[] = [];
  const incomplete: string[] = [];
  const statements: Record<string, unknown>[] = [];
  let readFromConfig = 0;
  const stmtValues = Array.isArray(values.statement) ? values.statement : [];
  const stmtUnknown = Array.isArray(unknown.statement) ? unknown.statement : [];

  const list = (i: number, s: Record<string, unknown>, u: unknown, attr: string, top = false): string[] | undefined => {
    const v = s[attr];
    const uu = isRecord(u) ? u[attr] : undefined;
    // A statement's own list with unknown parts: its expression in the .tf files, when given, evaluated.
    const partly = uu === true || (Array.isArray(uu) && uu.includes(true)) || (Array.isArray(v) && v.includes(null));
    const evaluated = top && partly ? fromConfig?.(i, attr) : undefined;
    if (evaluated) {
      readFromConfig++;
      placeholders.push(...evaluated.placeholders);
      return evaluated.values.length > 0 ? evaluated.values : undefined;
    }
    if (uu === true) {
      const p = placeholderFor(i, attr);
      placeholders.push(p);
      return [p];
    }
    if (!Array.isArray(v)) return undefined;
    const out: string[] = [];
    v.forEach((e, j) => {
      // planned_values has no after_unknown: there an unknown element is written as null.
      if ((Array.isArray(uu) && uu[j] === true) || e === null) {
        const p = placeholderFor(i, attr);
        placeholders.push(p);
        out.push(p);
      } else if (e !== null && e !== undefined) out.push(printable(e));
    });
    return out.length > 0 ? out : undefined;
  };

  const principals = (i: number, s: Record<string, unknown>, u: unknown, attr: string): unknown => {
    const blocks = s[attr];
    if (!Array.isArray(blocks) || blocks.length === 0) return undefined;
    const uBlocks = isRecord(u) && Array.isArray(u[attr]) ? (u[attr] as unknown[]) : [];
    const out: Record<string, string[]> = {};
    let star = false;
    blocks.forEach((b, j) => {
      if (!isRecord(b)) return;
      const type = typeof b.type === "string" ? b.type : "AWS";
      const ids = list(i, b, uBlocks[j], "identifiers") ?? [];
      if (type === "*" && ids.length === 1 && ids[0] === "*") star = true;
      else out[type] = [...(out[type] ?? []), ...ids];
    });
    return star && Object.keys(out).length === 0 ? "*" : out;
  };

  stmtValues.forEach((raw, i) => {
    if (!isRecord(raw)) return;
    const u = stmtUnknown[i];
    const st: Record<string, unknown> = {};
    if (typeof raw.sid === "string" && raw.sid !== "") st.Sid = raw.sid;
    st.Effect = typeof raw.effect === "string" && raw.effect !== "" ? raw.effect : "Allow";
    const pairs: [string, string][] = [
      ["actions", "Action"],
      ["not_actions", "NotAction"],
      ["resources", "Resource"],
      ["not_resources", "NotResource"],
    ];
    for (const [attr, key] of pairs) {
      const v = list(i, raw, u, attr, true);
      if (v) st[key] = v;
    }
    const p = principals(i, raw, u, "principals");
    if (p !== undefined) st.Principal = p;
    const np = principals(i, raw, u, "not_principals");
    if (np !== undefined) st.NotPrincipal = np;
    if (Array.isArray(raw.condition) && raw.condition.length > 0) {
      const cond: Record<string, Record<string, string[]>> = {};
      const uConds = isRecord(u) && Array.isArray(u.condition) ? (u.condition as unknown[]) : [];
      raw.condition.forEach((c, j) => {
        if (!isRecord(c) || typeof c.test !== "string" || typeof c.variable !== "string") return;
        const values = list(i, c, uConds[j], "values") ?? [];
        const byKey = (cond[c.test] ??= {});
        byKey[c.variable] = [...(byKey[c.variable] ?? []), ...values];
      });
      st.Condition = cond;
    }
    statements.push(st);
  });

  for (const attr of ["source_policy_documents", "override_policy_documents", "source_json", "override_json"]) {
    const v = values[attr];
    if ((Array.isArray(v) && v.length > 0) || (typeof v === "string" && v !== "") || unknown[attr] === true) incomplete.push(attr);
  }
  const document: Record<string, unknown> = { Version: typeof values.version === "string" ? values.version : "2012-10-17", Statement: statements };
  if (typeof values.policy_id === "string" && values.policy_id !== "") document.Id = values.policy_id;
  return { document, placeholders, incomplete, fromConfig: readFromConfig };
}

/**
 * A `data "aws_iam_policy_document"` that is in the configuration but in no value section of the
 * plan (older formats do not list data sources that are read during apply): its statement
 * blocks from the configuration, constants as values and references as unknowns.
 */
export function dataSourceFromConfiguration(index: PlanIndex, configAddress: string): TfResource | undefined {
  const cfg = index.config.get(configAddress);
  if (!cfg) return undefined;
  const values: Record<string, unknown> = {};
  const unknown: Record<string, unknown> = {};
  const constOf = (expr: unknown): { value?: unknown; unknown: boolean } =>
    isRecord(expr) && "constant_value" in expr ? { value: expr.constant_value, unknown: false } : { unknown: isRecord(expr) && Object.keys(expr).length > 0 };
  const blocks = (list: unknown, fields: string[], nested: Record<string, string[]> = {}): { v: unknown[]; u: unknown[] } => {
    const v: unknown[] = [];
    const u: unknown[] = [];
    for (const b of Array.isArray(list) ? list : []) {
      if (!isRecord(b)) continue;
      const bv: Record<string, unknown> = {};
      const bu: Record<string, unknown> = {};
      for (const f of fields) {
        const c = constOf(b[f]);
        if (c.unknown) bu[f] = true;
        else if (c.value !== undefined) bv[f] = c.value;
      }
      for (const [n, nf] of Object.entries(nested)) {
        const inner = blocks(b[n], nf);
        bv[n] = inner.v;
        bu[n] = inner.u;
      }
      v.push(bv);
      u.push(bu);
    }
    return { v, u };
  };
  const st = blocks(cfg.expressions.statement, ["sid", "effect", "actions", "not_actions", "resources", "not_resources"], {
    principals: ["type", "identifiers"],
    not_principals: ["type", "identifiers"],
    condition: ["test", "variable", "values"],
  });
  values.statement = st.v;
  unknown.statement = st.u;
  for (const f of ["version", "policy_id", "source_policy_documents", "override_policy_documents"]) {
    const c = constOf(cfg.expressions[f]);
    if (c.unknown) unknown[f] = true;
    else if (c.value !== undefined) values[f] = c.value;
  }
  const name = configAddress.slice(configAddress.lastIndexOf(".") + 1);
  return {
    address: configAddress,
    configAddress,
    modulePath: cfg.modulePath,
    moduleInstance: cfg.modulePath,
    key: "",
    mode: "data",
    type: "aws_iam_policy_document",
    name,
    values,
    unknown,
    jsonPath: "configuration",
    line: null,
  };
}
