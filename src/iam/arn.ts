/**
 * ARN matching with IAM's rules, and a small algebra of resource patterns.
 *
 * - An ARN has six colon-separated parts, `arn:partition:service:region:account:resource`; the
 *   resource part keeps any further colons. A Resource or NotResource pattern is matched part by
 *   part, but a `*` that ends one of the first five parts may run on across colons (IAM User Guide,
 *   "IAM JSON policy elements: Resource", Using wildcards in resource ARNs: "If the * wildcard is
 *   the last character of a resource ARN segment, it can expand to match beyond the colon
 *   boundaries"), so `arn:aws:lambda:*:function:f` matches `arn:aws:lambda:us-east-1:1:function:f`,
 *   and a `*` inside a part (`us-*-1`) does not. An Arn* condition is matched strictly part by part
 *   (IAM User Guide, "Condition operators", ARN condition operators: "Each of the six
 *   colon-delimited components of the ARN is checked separately"): `arnConditionMatches`. Both are
 *   one matcher (arnPatternMatches) with that difference as its one option.
 * - `*` matches any run of characters, `?` exactly one; matching is case-sensitive.
 * - Policy variables (`${aws:username}`, `${aws:PrincipalTag/team}`, `${s3:prefix, 'default'}`, and the
 *   escapes `${*}`, `${?}`, `${$}`) are substituted only under Version 2012-10-17; under 2008-10-17
 *   or without Version the text is literal. A variable with no value and no default makes the
 *   pattern match nothing (AWS: "If the variable is not present, ... the statement does not match").
 *   A variable is one literal token of the part it is written in, its own colon and its value's
 *   included: `arn:aws:iam::${aws:PrincipalAccount}:role/x` names a role of the caller's account.
 */

import { globCoversTokens, globTokens, type GlobToken } from "./wildcard.js";

export interface ArnParts {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

/** Split an ARN into its parts; null when it does not have six parts. */
export function parseArn(arn: string): ArnParts | null {
  const parts = splitArn(arn);
  if (parts === null || parts[0] !== "arn") return null;
  return { partition: parts[1] as string, service: parts[2] as string, region: parts[3] as string, account: parts[4] as string, resource: parts[5] as string };
}

/** `[arn, partition, service, region, account, resource]`, or null when there are fewer than six parts. */
export function splitArn(arn: string): string[] | null {
  const out: string[] = [];
  let start = 0;
  for (let k = 0; k < 5; k++) {
    const c = arn.indexOf(":", start);
    if (c < 0) return null;
    out.push(arn.slice(start, c));
    start = c + 1;
  }
  out.push(arn.slice(start));
  return out;
}

/**
 * The account field of an ARN when it is 12 digits, else null: `splitArn(arn)[4]` checked against
 * /^\d{12}$/, without building the parts (it runs twice per evaluated request and once per
 * escalation candidate). `parts` 5 also reads `arn:aws:iam::123456789012` (no resource part).
 */
/** A region code as AWS writes them (`us-east-1`, `ap-southeast-2`, `us-gov-west-1`): the one check for a region given or read. */
export function isRegionCode(s: string): boolean {
  return /^[a-z]{2}(-[a-z]+)+-\d+$/.test(s);
}

export function arnAccount(arn: string, parts: 5 | 6 = 6): string | null {
  let i = -1;
  for (let k = 0; k < 4; k++) {
    i = arn.indexOf(":", i + 1);
    if (i < 0) return null;
  }
  let j = arn.indexOf(":", i + 1);
  if (j < 0) {
    if (parts === 6) return null;
    j = arn.length;
  }
  if (j - i - 1 !== 12) return null;
  for (let k = i + 1; k < j; k++) {
    const c = arn.charCodeAt(k);
    if (c < 48 || c > 57) return null;
  }
  return arn.slice(i + 1, j);
}

/** Values of policy variables, keyed by lower-case key name (`aws:username`, `aws:principaltag/team`). */
export type PolicyVariables = { [lowerCaseKey: string]: string | undefined } | ReadonlyMap<string, string>;

const STAR: GlobToken = { wild: "*" };
const QUESTION: GlobToken = { wild: "?" };

const VARIABLE = /\$\{([^}]*)\}/g;

/**
 * The values of the pattern's policy variables, in order; null when one has no value (the pattern
 * then matches nothing). `${*}`, `${?}` and `${$}` are variables with fixed values.
 */
function variableValues(pattern: string, variables: PolicyVariables): string[] | null {
  const values: string[] = [];
  for (const m of pattern.matchAll(VARIABLE)) {
    const value = resolveVariable(m[1] as string, variables);
    if (value === null) return null;
    values.push(value);
  }
  return values;
}

/**
 * An ARN pattern as tokens, the one reading of a pattern for Resource, NotResource and Arn*
 * conditions alike: its six parts, split at the first five colons of the pattern's own text, or a
 * single part (a glob over the whole string) when it has fewer than six (`*`, `arn:aws:logs:*`,
 * malformed). `values` (variableValues) given = Version 2012-10-17: each `${…}` is replaced by its
 * value as one literal token, never a wildcard and never a separator, so the colon of
 * `${aws:PrincipalAccount}` does not split `arn:aws:iam::${aws:PrincipalAccount}:role/x` and a
 * value's `:`, `*`, `?` are text of its part. Omitted = `${…}` is text like any other.
 */
function tokenizeArnPattern(pattern: string, values: readonly string[] | undefined): GlobToken[][] {
  const parts: GlobToken[][] = [[]];
  const pushText = (text: string): void => {
    let part = parts[parts.length - 1] as GlobToken[];
    let lit = "";
    for (const ch of text) {
      const separator = ch === ":" && parts.length < 6;
      if (!separator && ch !== "*" && ch !== "?") {
        lit += ch;
        continue;
      }
      if (lit !== "") part.push(lit);
      lit = "";
      if (separator) parts.push((part = []));
      else part.push(ch === "*" ? STAR : QUESTION);
    }
    if (lit !== "") part.push(lit);
  };
  if (values === undefined) pushText(pattern);
  else {
    let last = 0;
    let k = 0;
    for (const m of pattern.matchAll(VARIABLE)) {
      pushText(pattern.slice(last, m.index));
      last = (m.index as number) + m[0].length;
      const value = values[k++] as string;
      if (value !== "") (parts[parts.length - 1] as GlobToken[]).push(value);
    }
    pushText(pattern.slice(last));
  }
  return parts.length === 6 ? parts : [parts.flatMap((p, i) => (i === 0 ? p : [":", ...p]))];
}

/** `${*}` → `*` (literal), `${aws:username}` → its value, `${key, 'default'}` → value or default; null when unresolved. */
export function resolveVariable(body: string, variables: PolicyVariables): string | null {
  const trimmed = body.trim();
  if (trimmed === "*" || trimmed === "?" || trimmed === "$") return trimmed;
  let key = trimmed;
  let fallback: string | null = null;
  const comma = trimmed.indexOf(",");
  if (comma >= 0) {
    key = trimmed.slice(0, comma).trim();
    const def = trimmed.slice(comma + 1).trim();
    const quoted = /^'(.*)'$/.exec(def);
    fallback = quoted ? (quoted[1] as string) : def;
  }
  const lower = key.toLowerCase();
  const value = variables instanceof Map ? variables.get(lower) : (variables as { [k: string]: string | undefined })[lower];
  if (value !== undefined) return value;
  return fallback;
}

function tokensToRegex(tokens: readonly GlobToken[]): RegExp {
  return new RegExp(`^${tokensSource(tokens, false)}$`, "u");
}

/**
 * A regular expression's source for tokens. `inPart`: the tokens are one of the first five parts of
 * a Resource pattern matched whole (resourcePatternRegex): a `*` stays inside the part unless it
 * ends it, and `?` is one character of the part.
 */
function tokensSource(tokens: readonly GlobToken[], inPart: boolean): string {
  let source = "";
  tokens.forEach((t, i) => {
    if (typeof t === "string") source += t.replace(/[\\^$.|?*+()[\]{}]/g, "\\$&");
    else if (!inPart) source += t.wild === "*" ? "[\\s\\S]*" : "[\\s\\S]";
    else source += t.wild === "?" ? "[^:]" : i === tokens.length - 1 ? "[\\s\\S]*" : "[^:]*";
  });
  return source;
}

/** Whether the last token is a `*` wildcard (a part that ends in `*`). */
function endsInStar(tokens: readonly GlobToken[]): boolean {
  const last = tokens[tokens.length - 1];
  return last !== undefined && typeof last !== "string" && last.wild === "*";
}

/** A pattern compiled: one regular expression for the whole ARN, or one per part. */
type Compiled = RegExp | RegExp[];

/**
 * A pattern's two compiled readings: `perPart` (every part on its own) and `crossing` (a `*` ending
 * one of the first five parts may run across colons), the same object when no such part ends in `*`.
 */
interface CompiledPattern {
  readonly perPart: Compiled;
  readonly crossing: Compiled;
}

/**
 * The one cache of compiled ARN patterns, for Resource patterns and Arn* condition values alike.
 * Keyed by the pattern, and with variables substituted by the pattern and their values (JSON: the
 * NUL that joins them never appears in JSON text, and a pattern with a NUL is not cached, so no
 * two keys collide).
 */
const compiledCache = new Map<string, CompiledPattern>();

function compiledPattern(pattern: string, variables: PolicyVariables | undefined): CompiledPattern | null {
  let values: string[] | undefined;
  let key = pattern;
  if (variables !== undefined && pattern.includes("${")) {
    const v = variableValues(pattern, variables);
    if (v === null) return null;
    values = v;
    key = `${pattern}\u0000${JSON.stringify(v)}`;
  }
  let hit = compiledCache.get(key);
  if (hit === undefined) {
    hit = compile(tokenizeArnPattern(pattern, values));
    if (!pattern.includes("\u0000")) {
      // Bounded: policies in a big account have tens of thousands of distinct patterns at most.
      if (compiledCache.size > 200_000) compiledCache.clear();
      compiledCache.set(key, hit);
    }
  }
  return hit;
}

/** Every part its own expression; a pattern that is not a six-part ARN, one over the whole string. */
function compilePerPart(parts: readonly GlobToken[][]): Compiled {
  return parts.length === 1 ? tokensToRegex(parts[0] as GlobToken[]) : parts.map(tokensToRegex);
}

/**
 * A Resource pattern one of whose first five parts ends in `*`, as one expression over the whole
 * ARN: that `*` may match across colons, a `*` inside a part and `?` may not, and the resource part
 * is matched as always (its `*` already spans its colons).
 */
function resourcePatternRegex(parts: readonly GlobToken[][]): RegExp {
  const head = parts.slice(0, 5).map((tokens) => tokensSource(tokens, true));
  return new RegExp(`^${head.join(":")}:${tokensSource(parts[5] as GlobToken[], false)}$`, "u");
}

function compile(parts: GlobToken[][]): CompiledPattern {
  const perPart = compilePerPart(parts);
  const crosses = parts.length === 6 && parts.slice(0, 5).some(endsInStar);
  return { perPart, crossing: crosses ? resourcePatternRegex(parts) : perPart };
}

/**
 * Does the resource pattern (from a Resource or NotResource element) match `arn`? A `*` ending one
 * of the first five parts may run across colons (see the top of this file). `variables` given = the policy is Version 2012-10-17 and variables are substituted from it;
 * omitted = variables are literal text (Version 2008-10-17 or none).
 */
export function arnMatches(pattern: string, arn: string, variables?: PolicyVariables): boolean {
  return arnPatternMatches(pattern, arn, variables, true);
}

/**
 * Does the value of an ArnEquals / ArnLike condition match `arn`? As arnMatches, but every one of
 * the six parts is matched on its own: a `*` never runs across a colon outside the resource part.
 */
export function arnConditionMatches(pattern: string, arn: string, variables?: PolicyVariables): boolean {
  return arnPatternMatches(pattern, arn, variables, false);
}

/**
 * The one ARN matcher, behind arnMatches (Resource, NotResource) and arnConditionMatches (ArnEquals,
 * ArnLike and their negations): the pattern tokenized once (tokenizeArnPattern) and cached, then
 * matched part by part, case-sensitively, with `*` and `?` wildcards. The two readings differ in
 * one documented point, `trailingStarCrossesColons`: true for Resource (IAM User Guide, "IAM JSON
 * policy elements: Resource": "If the * wildcard is the last character of a resource ARN segment,
 * it can expand to match beyond the colon boundaries"), false for conditions ("Condition
 * operators", ARN condition operators: "Each of the six colon-delimited components of the ARN is
 * checked separately"). test/iam/arn-twins.property.test.ts holds them to agreeing elsewhere.
 */
export function arnPatternMatches(pattern: string, arn: string, variables: PolicyVariables | undefined, trailingStarCrossesColons: boolean): boolean {
  if (pattern === "*") return true;
  const c = compiledPattern(pattern, variables);
  if (c === null) return false;
  const compiled = trailingStarCrossesColons ? c.crossing : c.perPart;
  if (compiled instanceof RegExp) return compiled.test(arn);
  const parts = splitArn(arn);
  if (parts === null) return false;
  for (let k = 0; k < 6; k++) if (!(compiled[k] as RegExp).test(parts[k] as string)) return false;
  return true;
}

/**
 * Does pattern `a` match every ARN pattern `b` matches? Exact for patterns without policy variables
 * (per ARN part, by glob inclusion). The literal forms `${*}`, `${?}`, `${$}` are the characters
 * they stand for (read as Version 2012-10-17, the only Version with variables: a `${*}` read as
 * `${` + wildcard + `}` would let `b/a${*}`, the one object `b/a*`, cover `b/a${$}{x}`). Other
 * `${…}` are compared as text, which is sound but may say false for a pattern that does cover.
 */
export function patternCovers(a: string, b: string): boolean {
  if (a === "*" || a === b) return true;
  if (b === "*") return false;
  const pa = splitArn(a);
  const pb = splitArn(b);
  if (pa === null || pb === null) return pa === null && globCoversTokens(globTokens(a, true), globTokens(b, true));
  for (let k = 0; k < 6; k++) {
    const x = pa[k] as string;
    const y = pb[k] as string;
    if (x !== y && x !== "*" && !globCoversTokens(globTokens(x, true), globTokens(y, true))) return false;
  }
  return true;
}

/**
 * Text as an IAM policy matches it literally (Version 2012-10-17): `$`, `*` and `?` written as
 * the policy variables with fixed values `${$}`, `${*}`, `${?}` (IAM User Guide, "IAM policy
 * elements: Variables and tags", Special characters). Without it, an observed S3 key
 * `u/${aws:username}/x` is a policy variable and `a*` a wildcard.
 */
export function policyLiteral(text: string): string {
  return text.replace(/[$*?]/g, (c) => `\${${c}}`);
}

/**
 * An observed ARN as a Resource that matches it alone: policyLiteral of the resource part (the
 * part after the fifth colon, the only one where IAM reads variables); the other parts as they
 * are. Text that is not an ARN is escaped whole.
 */
export function literalArn(arn: string): string {
  const parts = splitArn(arn);
  if (parts === null) return policyLiteral(arn);
  return `${parts.slice(0, 5).join(":")}:${policyLiteral(parts[5] as string)}`;
}

/** Longest common prefix of names, never ending inside a surrogate pair (a lone surrogate is not text IAM can hold). */
export function literalCommonPrefix(values: readonly string[]): string {
  let prefix = values[0] ?? "";
  for (const v of values) {
    let i = 0;
    while (i < prefix.length && i < v.length && prefix.charCodeAt(i) === v.charCodeAt(i)) i++;
    prefix = prefix.slice(0, i);
  }
  return /[\uD800-\uDBFF]$/.test(prefix) ? prefix.slice(0, -1) : prefix;
}

/**
 * A raw prefix of observed names (or the usage stage's `<prefix>*`) as the Resource pattern
 * `<literal prefix>*`: the names are data, so their `$`, `*`, `?` go in literal forms (literalArn)
 * and only the trailing `*` is a wildcard.
 */
export function literalPrefixPattern(prefix: string): string {
  const head = prefix.endsWith("*") ? prefix.slice(0, -1) : prefix;
  return `${literalArn(/[\uD800-\uDBFF]$/.test(head) ? head.slice(0, -1) : head)}*`;
}

/** True when the pattern has a wildcard `*` or `?` besides the literal forms `${*}` and `${?}`. */
export function hasPatternWildcard(pattern: string): boolean {
  return /[*?]/.test(pattern.replace(/\$\{[*?$]\}/g, ""));
}

/**
 * The narrowest single pattern of the form "common prefix + `*`" (per ARN part) that matches every
 * ARN given: `table/orders-eu`, `table/orders-us` → `table/orders-*`; parts that differ become
 * `<common prefix>*` (regions `eu-west-1`, `eu-central-1` → `eu-*`). Identical ARNs give the ARN.
 * Wildcards in the inputs are treated as wildcards (the prefix stops before them). Null for no input.
 */
export function narrowestPrefixPattern(arns: readonly string[]): string | null {
  if (arns.length === 0) return null;
  const first = arns[0] as string;
  if (arns.every((a) => a === first) && !/[*?]/.test(first)) return first;
  const split = arns.map(splitArn);
  if (split.some((p) => p === null)) return commonPrefixPattern(arns);
  const parts: string[] = [];
  for (let k = 0; k < 6; k++) parts.push(commonPrefixPattern(split.map((p) => (p as string[])[k] as string)));
  return parts.join(":");
}

function commonPrefixPattern(values: readonly string[]): string {
  const first = values[0] as string;
  let n = first.length;
  for (const v of values) {
    let i = 0;
    while (i < n && i < v.length && v[i] === first[i]) i++;
    n = i;
  }
  const wild = first.slice(0, n).search(/[*?]/);
  if (wild >= 0) n = wild;
  const allSame = n === first.length && values.every((v) => v.length === n);
  return allSame ? first : `${first.slice(0, n)}*`;
}
