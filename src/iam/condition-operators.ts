/**
 * The condition operator vocabulary of IAM: base operators grouped in families, the `IfExists`
 * suffix and the `ForAllValues:` / `ForAnyValue:` set qualifiers. Shared by the parser (which
 * rejects unknown operators, as IAM does) and the evaluator.
 *
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */

export type OperatorFamily = "String" | "Numeric" | "Date" | "Bool" | "Binary" | "IpAddress" | "Arn" | "Null";

/** Base operator (canonical spelling) → family. */
export const BASE_OPERATORS: ReadonlyMap<string, OperatorFamily> = new Map<string, OperatorFamily>([
  ["StringEquals", "String"],
  ["StringNotEquals", "String"],
  ["StringEqualsIgnoreCase", "String"],
  ["StringNotEqualsIgnoreCase", "String"],
  ["StringLike", "String"],
  ["StringNotLike", "String"],
  ["NumericEquals", "Numeric"],
  ["NumericNotEquals", "Numeric"],
  ["NumericLessThan", "Numeric"],
  ["NumericLessThanEquals", "Numeric"],
  ["NumericGreaterThan", "Numeric"],
  ["NumericGreaterThanEquals", "Numeric"],
  ["DateEquals", "Date"],
  ["DateNotEquals", "Date"],
  ["DateLessThan", "Date"],
  ["DateLessThanEquals", "Date"],
  ["DateGreaterThan", "Date"],
  ["DateGreaterThanEquals", "Date"],
  ["Bool", "Bool"],
  ["BinaryEquals", "Binary"],
  ["IpAddress", "IpAddress"],
  ["NotIpAddress", "IpAddress"],
  ["ArnEquals", "Arn"],
  ["ArnLike", "Arn"],
  ["ArnNotEquals", "Arn"],
  ["ArnNotLike", "Arn"],
  ["Null", "Null"],
]);

const BASE_BY_LOWER = new Map([...BASE_OPERATORS.keys()].map((op) => [op.toLowerCase(), op]));

/**
 * Negated operators: they match when the key is absent (AWS: "StringNotEquals ... if the key is
 * not present, the condition evaluates to true"), and under ForAnyValue/ForAllValues they negate
 * per value.
 */
export const NEGATED_OPERATORS: ReadonlySet<string> = new Set([
  "StringNotEquals",
  "StringNotEqualsIgnoreCase",
  "StringNotLike",
  "NumericNotEquals",
  "DateNotEquals",
  "NotIpAddress",
  "ArnNotEquals",
  "ArnNotLike",
]);

export type SetQualifier = "ForAllValues" | "ForAnyValue" | null;

export interface ParsedOperator {
  /** Canonical spelling of the whole operator, e.g. `ForAnyValue:StringLikeIfExists`. */
  canonical: string;
  base: string;
  family: OperatorFamily;
  ifExists: boolean;
  qualifier: SetQualifier;
}

const cache = new Map<string, ParsedOperator | null>();

/** Parse an operator name (case-insensitively, as IAM does); null when it is not an IAM operator. */
export function parseConditionOperator(name: string): ParsedOperator | null {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const parsed = parseUncached(name);
  cache.set(name, parsed);
  return parsed;
}

function parseUncached(name: string): ParsedOperator | null {
  let rest = name;
  let qualifier: SetQualifier = null;
  const colon = rest.indexOf(":");
  if (colon >= 0) {
    const q = rest.slice(0, colon).toLowerCase();
    if (q === "forallvalues") qualifier = "ForAllValues";
    else if (q === "foranyvalue") qualifier = "ForAnyValue";
    else return null;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (rest.toLowerCase().endsWith("ifexists")) {
    ifExists = true;
    rest = rest.slice(0, -"ifexists".length);
  }
  const base = BASE_BY_LOWER.get(rest.toLowerCase());
  if (base === undefined) return null;
  const family = BASE_OPERATORS.get(base) as OperatorFamily;
  // AWS: "You can add IfExists to the end of any condition operator name except the Null condition".
  if (family === "Null" && (ifExists || qualifier !== null)) return null;
  const canonical = `${qualifier === null ? "" : `${qualifier}:`}${base}${ifExists ? "IfExists" : ""}`;
  return { canonical, base, family, ifExists, qualifier };
}

/** Canonical spelling of an operator, or null when IAM does not know it. */
export function canonicalConditionOperator(name: string): string | null {
  return parseConditionOperator(name)?.canonical ?? null;
}
