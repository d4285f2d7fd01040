/**
 * The IAM policy grammar: turns a policy document in any of the forms AWS hands out (an object, a
 * JSON string, or the URL-encoded JSON string that the IAM API and the JS SDK return) into the
 * canonical `PolicyDocument` shape, where every list field is an array and every condition value a
 * string. Anything IAM itself would reject is a `PolicyParseError` naming the JSON path, so a bad
 * document is reported where it is, instead of being half-understood and analysed wrongly.
 *
 * Grammar reference: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 */

import { PolicyParseError } from "../errors.js";
import type { PolicyDocument, PolicyPrincipal, PolicyStatement } from "../model/document.js";
import { canonicalConditionOperator } from "./condition-operators.js";

export interface ParseOptions {
  /** File the document came from; carried into the error. */
  file?: string;
  /** JSON path of the document inside that file (e.g. `RoleDetailList[3].RolePolicyList[0].PolicyDocument`); error paths are appended to it. */
  path?: string;
}

export type TryParseResult = { document: PolicyDocument; error?: undefined } | { document?: undefined; error: PolicyParseError };

/** The two policy language versions IAM accepts. A missing Version means 2008-10-17 (no policy variables). */
export const POLICY_VERSIONS = ["2012-10-17", "2008-10-17"] as const;

const TOP_LEVEL_KEYS = new Set(["Version", "Id", "Statement"]);
const STATEMENT_KEYS = new Set(["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition"]);
const PRINCIPAL_TYPES = new Set(["AWS", "Service", "Federated", "CanonicalUser"]);

/**
 * Parse a policy document. Accepts an object, a JSON string, or a URL-encoded JSON string
 * (`%7B%22Version%22…`; `+` is kept literally, as IAM encodes spaces as `%20`).
 * @throws PolicyParseError with `path` set to the offending element, e.g. `Statement[2].Effect`.
 */
export function parsePolicyDocument(input: unknown, options: ParseOptions = {}): PolicyDocument {
  const ctx = new Context(options);
  const value = decodeInput(input, ctx);
  return parseDocument(value, ctx);
}

/** Like `parsePolicyDocument`, but returns the error instead of throwing it. */
export function tryParsePolicyDocument(input: unknown, options: ParseOptions = {}): TryParseResult {
  try {
    return { document: parsePolicyDocument(input, options) };
  } catch (error) {
    if (error instanceof PolicyParseError) return { error };
    throw error;
  }
}

/* ------------------------------------------------------------------ input forms */

class Context {
  constructor(readonly options: ParseOptions) {}

  fail(path: string, message: string): never {
    const full = joinPath(this.options.path, path);
    const opts: { file?: string; path?: string } = {};
    if (this.options.file !== undefined) opts.file = this.options.file;
    if (full !== "") opts.path = full;
    throw new PolicyParseError(message, opts);
  }
}

function joinPath(prefix: string | undefined, path: string): string {
  if (prefix === undefined || prefix === "") return path;
  if (path === "") return prefix;
  return path.startsWith("[") ? prefix + path : `${prefix}.${path}`;
}

function decodeInput(input: unknown, ctx: Context): unknown {
  if (typeof input !== "string") return input;
  let text = input.trim();
  if (text === "") ctx.fail("", "empty policy document");
  // The IAM API (GetRolePolicy, GetPolicyVersion, GetAccountAuthorizationDetails) returns the
  // document URL-encoded per RFC 3986; a JSON document always starts with `{`, so anything else is
  // decoded first. decodeURIComponent leaves `+` alone, which is right: IAM encodes space as %20.
  if (!text.startsWith("{")) {
    try {
      text = decodeURIComponent(text).trim();
    } catch (cause) {
      ctx.fail("", "policy document is neither JSON nor valid URL-encoded JSON (malformed percent-encoding)");
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    return ctx.fail("", `policy document is not valid JSON: ${detail}`);
  }
}

/* ------------------------------------------------------------------ grammar */

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

function isPlainObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `a.b`, or `a["aws:SourceArn"]` for keys that are not identifiers, so paths stay unambiguous. */
function child(path: string, key: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return path === "" ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

function parseDocument(value: unknown, ctx: Context): PolicyDocument {
  if (!isPlainObject(value)) ctx.fail("", `expected a policy document object, got ${describe(value)}`);
  for (const key of Object.keys(value)) {
    if (!TOP_LEVEL_KEYS.has(key)) ctx.fail(child("", key), `unknown policy element (expected Version, Id or Statement)`);
  }
  const doc: PolicyDocument = { Statement: [] };
  if (value.Version !== undefined) {
    if (typeof value.Version !== "string" || !(POLICY_VERSIONS as readonly string[]).includes(value.Version)) {
      ctx.fail("Version", `expected "2012-10-17" or "2008-10-17", got ${describe(value.Version)}`);
    }
    doc.Version = value.Version;
  }
  if (value.Id !== undefined) {
    if (typeof value.Id !== "string") ctx.fail("Id", `expected a string, got ${describe(value.Id)}`);
    doc.Id = value.Id;
  }
  const statements = value.Statement;
  if (statements === undefined) ctx.fail("Statement", "missing (a policy needs a Statement element)");
  if (Array.isArray(statements)) {
    doc.Statement = statements.map((s, i) => parseStatement(s, `Statement[${i}]`, ctx));
  } else if (isPlainObject(statements)) {
    doc.Statement = [parseStatement(statements, "Statement", ctx)];
  } else {
    ctx.fail("Statement", `expected a statement object or an array of statements, got ${describe(statements)}`);
  }
  return doc;
}

function parseStatement(value: unknown, path: string, ctx: Context): PolicyStatement {
  if (!isPlainObject(value)) ctx.fail(path, `expected a statement object, got ${describe(value)}`);
  for (const key of Object.keys(value)) {
    if (!STATEMENT_KEYS.has(key)) {
      ctx.fail(child(path, key), `unknown statement element (expected one of ${[...STATEMENT_KEYS].join(", ")})`);
    }
  }
  const effect = value.Effect;
  if (effect !== "Allow" && effect !== "Deny") {
    ctx.fail(child(path, "Effect"), effect === undefined ? `missing (expected "Allow" or "Deny")` : `expected "Allow" or "Deny", got ${describe(effect)}`);
  }
  const statement: PolicyStatement = { Effect: effect };
  if (value.Sid !== undefined) {
    if (typeof value.Sid !== "string") ctx.fail(child(path, "Sid"), `expected a string, got ${describe(value.Sid)}`);
    statement.Sid = value.Sid;
  }

  exclusive(value, "Action", "NotAction", path, ctx, true);
  if (value.Action !== undefined) statement.Action = parseActionList(value.Action, child(path, "Action"), ctx);
  if (value.NotAction !== undefined) statement.NotAction = parseActionList(value.NotAction, child(path, "NotAction"), ctx);

  exclusive(value, "Resource", "NotResource", path, ctx, false);
  if (value.Resource !== undefined) statement.Resource = parseStringList(value.Resource, child(path, "Resource"), ctx);
  if (value.NotResource !== undefined) statement.NotResource = parseStringList(value.NotResource, child(path, "NotResource"), ctx);

  exclusive(value, "Principal", "NotPrincipal", path, ctx, false);
  if (value.Principal !== undefined) statement.Principal = parsePrincipal(value.Principal, child(path, "Principal"), ctx);
  if (value.NotPrincipal !== undefined) statement.NotPrincipal = parsePrincipal(value.NotPrincipal, child(path, "NotPrincipal"), ctx);

  if (value.Condition !== undefined) statement.Condition = parseCondition(value.Condition, child(path, "Condition"), ctx);
  return statement;
}

function exclusive(value: { [key: string]: unknown }, a: string, b: string, path: string, ctx: Context, required: boolean): void {
  if (value[a] !== undefined && value[b] !== undefined) ctx.fail(child(path, b), `a statement cannot have both ${a} and ${b}`);
  if (required && value[a] === undefined && value[b] === undefined) ctx.fail(child(path, a), `missing (a statement needs ${a} or ${b})`);
}

function parseStringList(value: unknown, path: string, ctx: Context): string[] {
  if (typeof value === "string") return [value];
  if (!Array.isArray(value)) ctx.fail(path, `expected a string or an array of strings, got ${describe(value)}`);
  return value.map((item, i) => {
    if (typeof item !== "string") ctx.fail(`${path}[${i}]`, `expected a string, got ${describe(item)}`);
    return item;
  });
}

function parseActionList(value: unknown, path: string, ctx: Context): string[] {
  const list = parseStringList(value, path, ctx);
  list.forEach((action, i) => {
    const at = typeof value === "string" ? path : `${path}[${i}]`;
    // IAM: "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
    if (action !== "*" && !/^[^:\s]+:[^:\s]+$/.test(action)) {
      ctx.fail(at, `expected "*" or "service:action", got ${describe(action)}`);
    }
  });
  return list;
}

function parsePrincipal(value: unknown, path: string, ctx: Context): PolicyPrincipal {
  if (value === "*") return "*";
  if (!isPlainObject(value)) ctx.fail(path, `expected "*" or an object of principal types (AWS, Service, Federated, CanonicalUser), got ${describe(value)}`);
  const principal: { [type: string]: string[] } = {};
  for (const [type, ids] of Object.entries(value)) {
    if (!PRINCIPAL_TYPES.has(type)) ctx.fail(child(path, type), `unknown principal type (expected AWS, Service, Federated or CanonicalUser)`);
    principal[type] = parseStringList(ids, child(path, type), ctx);
  }
  return principal;
}

function parseCondition(value: unknown, path: string, ctx: Context): NonNullable<PolicyStatement["Condition"]> {
  if (!isPlainObject(value)) ctx.fail(path, `expected an object of condition operators, got ${describe(value)}`);
  const condition: NonNullable<PolicyStatement["Condition"]> = {};
  for (const [operator, block] of Object.entries(value)) {
    const opPath = child(path, operator);
    const canonical = canonicalConditionOperator(operator);
    if (canonical === null) ctx.fail(opPath, `unknown condition operator`);
    if (!isPlainObject(block)) ctx.fail(opPath, `expected an object of condition keys, got ${describe(block)}`);
    if (condition[canonical] !== undefined) ctx.fail(opPath, `duplicate condition operator (same as ${canonical})`);
    const keys: { [key: string]: string[] } = {};
    for (const [key, raw] of Object.entries(block)) {
      const keyPath = child(opPath, key);
      keys[key] = parseConditionValues(raw, keyPath, ctx);
    }
    condition[canonical] = keys;
  }
  return condition;
}

/** Condition values are strings in the canonical form: IAM compares `true` and `"true"`, `5` and `"5"` alike. */
function parseConditionValues(value: unknown, path: string, ctx: Context): string[] {
  const one = (item: unknown, at: string): string => {
    if (typeof item === "string") return item;
    if (typeof item === "boolean") return item ? "true" : "false";
    if (typeof item === "number" && Number.isFinite(item)) return String(item);
    return ctx.fail(at, `expected a string, number or boolean condition value, got ${describe(item)}`);
  };
  if (Array.isArray(value)) return value.map((item, i) => one(item, `${path}[${i}]`));
  return [one(value, path)];
}
