/**
 * Which of an action's resource types an observed ARN is, using the ARN formats of the Service
 * Authorization Reference as the catalog ships them (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`).
 *
 * CloudTrail names every resource a call touched, not the one the action is authorised against:
 * an S3 GetObject data event lists the bucket and the object, a DynamoDB call on an index names
 * the table. Only ARNs of a type the action takes may become its Resource, or the policy would
 * grant the bucket where the object was needed (and still deny the call).
 *
 * Matching is two-pass: placeholders first match one path segment (`[^/:]+`), which tells a table
 * from its index (`table/t` vs `table/t/index/i`); ARNs whose names contain `/` (S3 keys, SSM
 * parameter paths) then match with placeholders taking anything, preferring the format with the
 * most literal text (object over bucket).
 */

import type { ActionCatalog, ActionInfo } from "./catalog.js";

export interface FormatMatch {
  /** Resource type key, e.g. `object`. */
  type: string;
  format: string;
  /** Placeholder values in order of appearance, e.g. `[Partition, BucketName, ObjectName]` → values. */
  values: { name: string; value: string }[];
}

interface CompiledFormat {
  type: string;
  format: string;
  names: string[];
  strict: RegExp;
  lenient: RegExp;
  literalLength: number;
  /**
   * The format's longest piece of literal text (`:accesspoint/`): both regular expressions match
   * it verbatim, so an ARN without it matches neither, and `includes` says so for a fraction of a
   * regular expression's cost. Why: an S3 object ARN's key holds `/`, so it is tried against every
   * S3 format (matchResourceType); at 10,000 functions that was ~2 M failed regular expressions.
   */
  needle: string;
  /** Prefixes of the format ending right after each resource-naming placeholder (for parent matching). */
  parents: { regex: RegExp; rest: string }[];
}

const PLACEHOLDER = /\$\{([^}]+)\}/g;
const PLACE_KEYS = new Set(["Partition", "Region", "Account"]);
const cache = new Map<string, CompiledFormat>();

function escape(s: string): string {
  return s.replace(/[\\^$.|?*+()[\]{}]/g, "\\$&");
}

function compile(type: string, format: string): CompiledFormat {
  const key = `${type}\u0000${format}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const names: string[] = [];
  let strict = "^";
  let lenient = "^";
  let last = 0;
  let literalLength = 0;
  let needle = "";
  const parents: { regex: RegExp; rest: string }[] = [];
  const naming = [...format.matchAll(PLACEHOLDER)].filter((m) => !PLACE_KEYS.has(m[1] as string)).length;
  let namingSeen = 0;
  for (const m of format.matchAll(PLACEHOLDER)) {
    const lit = format.slice(last, m.index);
    literalLength += lit.length;
    if (lit.length > needle.length) needle = lit;
    strict += escape(lit);
    lenient += escape(lit);
    const name = m[1] as string;
    names.push(name);
    // Partition, region and account never contain ':'; region and account may be empty in an
    // ARN pattern only when the format leaves them out, which the literal text then shows.
    strict += PLACE_KEYS.has(name) ? "([^:]*)" : "([^/:]+)";
    // Lenient: the last name takes anything (S3 keys, SSM paths); earlier names are lazy so that
    // `bucket/a/b.pdf` splits as bucket `bucket`, key `a/b.pdf`.
    if (!PLACE_KEYS.has(name)) namingSeen++;
    lenient += PLACE_KEYS.has(name) ? "([^:]*)" : namingSeen < naming ? "(.+?)" : "(.+)";
    last = (m.index as number) + m[0].length;
    if (!PLACE_KEYS.has(name) && last < format.length) {
      // "Everything under this parent": the rest of the format with each placeholder as `*`.
      parents.push({ regex: new RegExp(`${lenient}$`, "su"), rest: format.slice(last).replace(PLACEHOLDER, "*") });
    }
  }
  const tail = format.slice(last);
  literalLength += tail.length;
  if (tail.length > needle.length) needle = tail;
  strict += `${escape(tail)}$`;
  lenient += `${escape(tail)}$`;
  // "s": a name may hold any character, line terminators included (an S3 key with LF or U+2028);
  // without it `.` stops there, the ARN matched no type and the call was left out of the policy.
  const compiled: CompiledFormat = { type, format, names, strict: new RegExp(strict, "su"), lenient: new RegExp(lenient, "su"), literalLength, needle, parents };
  cache.set(key, compiled);
  return compiled;
}

const formatsCache = new WeakMap<ActionInfo, CompiledFormat[]>();

function formatsOf(info: ActionInfo): CompiledFormat[] {
  let hit = formatsCache.get(info);
  if (hit === undefined) {
    hit = info.resourceTypes.flatMap((t) => t.arnFormats.map((f) => compile(t.name, f)));
    formatsCache.set(info, hit);
  }
  return hit;
}

function toMatch(f: CompiledFormat, m: RegExpExecArray): FormatMatch {
  return { type: f.type, format: f.format, values: f.names.map((name, i) => ({ name, value: m[i + 1] as string })) };
}

const serviceCache = new WeakMap<ActionCatalog, Map<string, CompiledFormat[]>>();

/** Every ARN format of every resource type of a service, de-duplicated. */
function serviceFormats(catalog: ActionCatalog, service: string): CompiledFormat[] {
  let byService = serviceCache.get(catalog);
  if (byService === undefined) {
    byService = new Map();
    serviceCache.set(catalog, byService);
  }
  let list = byService.get(service);
  if (list === undefined) {
    const seen = new Map<string, CompiledFormat>();
    const s = catalog.services.get(service);
    if (s !== undefined) {
      for (let i = s.firstIndex; i < s.endIndex; i++) {
        for (const t of catalog.actionAt(i)?.resourceTypes ?? []) for (const f of t.arnFormats) seen.set(`${t.name}\u0000${f}`, compile(t.name, f));
      }
    }
    list = [...seen.values()];
    byService.set(service, list);
  }
  return list;
}

function bestLenient(formats: readonly CompiledFormat[], arn: string): { f: CompiledFormat; m: RegExpExecArray } | null {
  let best: { f: CompiledFormat; m: RegExpExecArray } | null = null;
  for (const f of formats) {
    if (!arn.includes(f.needle)) continue;
    const m = f.lenient.exec(arn);
    if (m !== null && (best === null || f.literalLength > best.f.literalLength)) best = { f, m };
  }
  return best;
}

/**
 * The resource type of `arn` among the action's types, or null when the ARN is of none of them.
 * With the catalog, a lenient match whose last name contains `/` is refused when another type of
 * the service explains the ARN with more literal text: `arn:aws:s3:::docs/key` is an object, not
 * a bucket named `docs/key`.
 */
export function matchResourceType(info: ActionInfo, arn: string, catalog?: ActionCatalog): FormatMatch | null {
  const formats = formatsOf(info);
  for (const f of formats) {
    if (!arn.includes(f.needle)) continue;
    const m = f.strict.exec(arn);
    if (m !== null) return toMatch(f, m);
  }
  const best = bestLenient(formats, arn);
  if (best === null) return null;
  const last = best.m[best.m.length - 1] ?? "";
  if (catalog !== undefined && last.includes("/")) {
    const other = bestLenient(serviceFormats(catalog, info.service), arn);
    if (other !== null && other.f.literalLength > best.f.literalLength) return null;
  }
  return toMatch(best.f, best.m);
}

/**
 * When `arn` is a parent of one of the action's resource types (the bucket of an object action,
 * the log group of a log-stream action), the pattern for everything under it
 * (`arn:aws:s3:::bucket/*`), and the type. Null otherwise. The shortest-parent format wins
 * nothing: the first type in catalog order that accepts the parent is used, for determinism.
 */
export function childPatternOf(info: ActionInfo, arn: string): { type: string; pattern: string } | null {
  for (const f of formatsOf(info)) {
    for (const p of f.parents) {
      if (p.regex.test(arn)) return { type: f.type, pattern: `${arn}${p.rest}` };
    }
  }
  return null;
}

/**
 * Whether a call of the action may name no resource of any of its types, so that a call that
 * recorded none is granted only by `*`. The Service Authorization Reference marks required types
 * with `*` and says of the others "you can choose to use one of the optional resource types": an
 * action with one type, optional, may be called without it (`cloudwatch:PutMetricData`, `dataset`;
 * AWS's CloudWatch policies grant it on `*`). Several optional types are alternatives the call
 * names one of (`s3:GetObject`: `object` or `accesspointobject`), as is any required type.
 */
export function callableWithoutResource(info: ActionInfo): boolean {
  return info.resourceTypes.length === 1 && info.resourceTypes.every((t) => !t.required);
}

/**
 * Actions whose calls may name none of the action's resource types although the Service
 * Authorization Reference marks one required, and are then authorised on `*`: an SNS Publish with
 * a PhoneNumber (an SMS) instead of a TopicArn or TargetArn (SNS API reference, Publish). A grant
 * on topics alone refuses it.
 */
const STAR_WITHOUT_RESOURCE: ReadonlySet<string> = new Set(["sns:publish"]);

/**
 * API Gateway's management API is authorised by HTTP verb on a resource path
 * (`arn:aws:apigateway:<region>::/restapis/<id>/…`, API Gateway developer guide, "Control access
 * to the API Gateway management API"); the verb is all the usage stage keeps of the call
 * (event-actions.ts apiGatewayVerb), so the path is unknown: every path in the Region.
 */
const APIGATEWAY_VERBS: ReadonlySet<string> = new Set(["apigateway:get", "apigateway:post", "apigateway:put", "apigateway:patch", "apigateway:delete"]);

/**
 * What grants a call that named no resource leastrole reads: `*` when the call can name none (an
 * optional resource type, or STAR_WITHOUT_RESOURCE); else any resource of each of the action's
 * types in the function's account, since the call named one we could not read and which type it
 * was is unknown (a grant on the first type only refused API Gateway's GetRestApis, authorised on
 * `/restapis`, with `/account`); `*` when a type has no ARN format to fill in. API Gateway's verbs:
 * every path in the Region (APIGATEWAY_VERBS).
 */
export function unnamedCallResources(info: ActionInfo, place: { partition: string; region: string; account: string }): string[] {
  if (callableWithoutResource(info) || STAR_WITHOUT_RESOURCE.has(info.action.toLowerCase())) return ["*"];
  if (APIGATEWAY_VERBS.has(info.action.toLowerCase())) return [`arn:${place.partition}:apigateway:${place.region}::/*`];
  const out: string[] = [];
  for (const t of info.resourceTypes) {
    if (t.arnFormats.length === 0) return ["*"];
    for (const f of t.arnFormats) out.push(fillPlace(f, place));
  }
  return out.length === 0 ? ["*"] : [...new Set(out)];
}

/** An ARN format with partition, region and account filled in and every name `*`. */
function fillPlace(format: string, place: { partition: string; region: string; account: string }): string {
  return format.replace(PLACEHOLDER, (_all, name: string) =>
    name === "Partition" ? place.partition : name === "Region" ? place.region : name === "Account" ? place.account : "*",
  );
}

/**
 * The action's first required resource type (else its first type) instantiated for an account:
 * partition, region and account filled in, every name `*`. Used when a call recorded no resource.
 */
export function accountWidePattern(info: ActionInfo, place: { partition: string; region: string; account: string }): { type: string; pattern: string } | null {
  const t = info.resourceTypes.find((r) => r.required && r.arnFormats.length > 0) ?? info.resourceTypes.find((r) => r.arnFormats.length > 0);
  const format = t?.arnFormats[0];
  if (t === undefined || format === undefined) return null;
  return { type: t.name, pattern: fillPlace(format, place) };
}
