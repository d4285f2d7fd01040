/**
 * Readers for Lambda layers: which layer versions exist (`aws lambda list-layers`,
 * `list-layer-versions --layer-name <n>`, `get-layer-version` / `get-layer-version-by-arn`) and the
 * resource-based policy of each (`aws lambda get-layer-version-policy --layer-name <n>
 * --version-number <v>`: `{Policy, RevisionId}`, the same envelope as get-policy's).
 *
 * The policy output does not name its layer version, but its statements do: AddLayerVersionPermission
 * writes the version's ARN as each statement's Resource. When it is missing (a hand-edited or
 * anonymised file), the path says it, as for get-policy: leastrole collect writes
 * `lambda/<region>/get-layer-version-policy/<layer name>/<version>.json`, and a file named after
 * the URL-encoded layer version ARN (cloudmapper's per-resource layout) says it too.
 *
 * get-layer-version's `Content.Location` is a pre-signed link to download the code: never kept.
 */

import type { PolicyDocument, PolicyStatement, SourceLocation } from "../model/document.js";
import { parsePolicyDocument } from "../iam/index.js";
import { parseArn } from "./arns.js";
import { isBareResourcePolicyOf, policyOfEnvelope } from "./lambda-policy.js";
import { nextPageKey, valuePages } from "./pagination.js";
import { asObject, eachRecord, FileContext, isObject, joinPath, type JsonObject } from "./record-reader.js";
import { emptyFragment, type PathContext, type ReaderInput, type SourceFragment } from "./types.js";

/** A layer version ARN split: `arn:<partition>:lambda:<region>:<account>:layer:<name>:<version>`. */
export interface ParsedLayerVersionArn {
  arn: string;
  /** The layer's ARN (without the version). */
  layerArn: string;
  partition: string;
  region: string;
  accountId: string;
  name: string;
  version: string;
}

/** A layer version ARN (with its version), else null: a layer ARN without one names no version. */
export function parseLayerVersionArn(text: string): ParsedLayerVersionArn | null {
  const parsed = parseArn(text);
  if (!parsed || parsed.service !== "lambda") return null;
  const m = /^layer:([A-Za-z0-9_-]+):(\d+|\$\{[^}]+\})$/.exec(parsed.resource);
  if (!m) return null;
  const layerArn = `arn:${parsed.partition}:lambda:${parsed.region}:${parsed.accountId}:layer:${m[1]!}`;
  return { arn: `${layerArn}:${m[2]!}`, layerArn, partition: parsed.partition, region: parsed.region, accountId: parsed.accountId, name: m[1]!, version: m[2]! };
}

/**
 * A layer version as one input describes it. `arn` is null only for a policy file that names
 * neither its version's ARN nor its account (its path gives the layer's name, version and
 * region): the normaliser pairs it with the one version of that name, version and region that
 * other inputs name.
 */
export interface LayerVersionRecord {
  arn: string | null;
  name: string;
  version: string;
  region: string | null;
  accountId: string | null;
  /** The version's policy, when the input holds it. */
  policy?: PolicyDocument;
  policyStatementSources?: (SourceLocation | null)[];
  source: SourceLocation | null;
}

const POLICY_CALLS = new Set(["get-layer-version-policy", "lambda-get-layer-version-policy"]);

function policyText(policy: unknown): string {
  return typeof policy === "string" ? policy : JSON.stringify(policy);
}

/** A layer version ARN in a policy's text (JSON, possibly URL-encoded): its Resource. */
const LAYER_ARN_TEXT = /arn:[^:"]+:lambda:[^:"]+:\d{12}:layer:|arn%3A[^%"]+%3Alambda%3A/i;

/** A template's or plan's layer version as its reader gathers it: the statements its permission resources grant, and where each is written. */
export interface LayerVersionDraft {
  record: LayerVersionRecord;
  statements: PolicyStatement[];
  sources: SourceLocation[];
}

/**
 * A template's or plan's layer versions by ARN as its reader gathers them: `entry` gives the draft
 * of a layer version ARN (made on first sight, with the location given; null for text that is no
 * layer version ARN), `finish` the records (finishLayerVersions).
 */
export class LayerVersionDrafts {
  private readonly byArn = new Map<string, LayerVersionDraft>();

  entry(arn: string, source: SourceLocation): LayerVersionDraft | null {
    let e = this.byArn.get(arn);
    if (e) return e;
    const parsed = parseLayerVersionArn(arn);
    if (parsed === null) return null;
    e = { record: { arn: parsed.arn, name: parsed.name, version: parsed.version, region: parsed.region, accountId: parsed.accountId, source }, statements: [], sources: [] };
    this.byArn.set(arn, e);
    return e;
  }

  finish(): LayerVersionRecord[] {
    return finishLayerVersions(this.byArn.values());
  }
}

/**
 * The layer versions of a template or plan, each with the policy its permission resources make
 * (AWS::Lambda::LayerVersionPermission, aws_lambda_layer_version_permission: one statement each),
 * sorted by ARN. A version no permission names has no policy.
 */
export function finishLayerVersions(drafts: Iterable<LayerVersionDraft>): LayerVersionRecord[] {
  return [...drafts]
    .map(({ record, statements, sources }) => (statements.length === 0 ? record : { ...record, policy: { Version: "2012-10-17", Statement: statements }, policyStatementSources: sources }))
    .sort((a, b) => (a.arn! < b.arn! ? -1 : a.arn! > b.arn! ? 1 : 0));
}

/**
 * `{Policy, RevisionId?}` of a layer version: its statements' Resource is a layer version ARN, or
 * the collector path says the call (get-layer-version-policy). Tested before get-policy's reader,
 * which takes the same envelope for a function's.
 */
export function isGetLayerVersionPolicy(v: unknown, context: PathContext | null = null): boolean {
  const policy = policyOfEnvelope(v);
  if (policy === null) return false;
  if (context?.call && POLICY_CALLS.has(context.call)) return true;
  const text = policyText(policy);
  return /:layer:|%3Alayer%3A/i.test(text) && LAYER_ARN_TEXT.test(text) && !/:function:|%3Afunction%3A/i.test(text);
}

/**
 * The policy alone (`--query Policy --output text`, or `jq '.Policy | fromjson'`): a bare policy
 * document whose every statement names a principal and a layer version ARN as its Resource.
 */
export function isBareLayerVersionPolicy(v: unknown): boolean {
  return isBareResourcePolicyOf(v, (arn) => parseLayerVersionArn(arn) !== null);
}

/**
 * The layer version a policy file's path names: a layer version ARN as the file's name, or
 * collect's `get-layer-version-policy/<layer name>/<version>.json` (the path's parameter
 * `<name>/<version>`, the region from the folder above).
 */
function versionOfPath(context: PathContext): LayerVersionRecord | null {
  const param = context.parameter;
  if (param === null) return null;
  const arn = parseLayerVersionArn(param);
  if (arn) return { arn: arn.arn, name: arn.name, version: arn.version, region: arn.region, accountId: arn.accountId, source: null };
  const m = /^([A-Za-z0-9_-]+)[/:](\d+)$/.exec(param);
  if (m && context.call && POLICY_CALLS.has(context.call)) return { arn: null, name: m[1]!, version: m[2]!, region: context.region, accountId: null, source: null };
  return null;
}

export function readLayerVersionPolicy(input: ReaderInput): SourceFragment {
  const ctx = new FileContext(input.file);
  const fragment = emptyFragment({ path: input.file, kind: "lambda-layer-policy", sha256: input.sha256, records: 0 });
  if (input.values.length !== 1) ctx.fail("", "a get-layer-version-policy output holds one policy; found several JSON documents");
  const o = asObject(input.values[0], ctx, "");
  const bare = !("Policy" in o);
  const base = bare ? "" : "Policy";
  const document = parsePolicyDocument(bare ? o : o["Policy"], { file: input.file, path: base });
  // The path wins when it names a version (sanitised exports rewrite the account in the Resource),
  // as for a function's get-policy file; else the version the statements' Resource names.
  const resources = [...new Set(document.Statement.flatMap((s) => s.Resource ?? []).map(parseLayerVersionArn).filter((a) => a !== null).map((a) => a.arn))];
  const fromPath = versionOfPath(input.context);
  const fromResource = resources.length === 1 ? parseLayerVersionArn(resources[0]!) : null;
  if (resources.length > 1 && fromPath === null) {
    ctx.fail(joinPath(base, "Statement"), `the statements name several layer versions (${resources.join(", ")}); a get-layer-version-policy output is one version's policy`);
  }
  let target: LayerVersionRecord | null = fromPath;
  if (target !== null && target.arn === null && fromResource !== null && fromResource.name === target.name && fromResource.version === target.version) {
    target = { ...target, arn: fromResource.arn, accountId: fromResource.accountId, region: target.region ?? fromResource.region };
  }
  if (target === null && fromResource !== null) {
    target = { arn: fromResource.arn, name: fromResource.name, version: fromResource.version, region: fromResource.region, accountId: fromResource.accountId, source: null };
  }
  if (target === null) {
    ctx.warn(
      "unattributable-record",
      "warning",
      base,
      "cannot tell which layer version this policy belongs to: no layer version ARN in its statements' Resource and none in the path (name the file lambda/<region>/get-layer-version-policy/<layer name>/<version>.json, as leastrole collect does)",
    );
  } else {
    const statementsAt = joinPath(base, "Statement");
    fragment.layerVersions = [
      {
        ...target,
        policy: document,
        policyStatementSources: document.Statement.map((_, i) => ({ file: input.file, line: null, address: joinPath(statementsAt, i) })),
        source: { file: input.file, line: null, address: null },
      },
    ];
    fragment.source.records = 1;
    if (target.region) fragment.source.region = target.region;
    if (target.accountId) fragment.source.accountId = target.accountId;
  }
  fragment.warnings = ctx.warnings;
  fragment.partial = ctx.partial;
  return fragment;
}

/** One LayerVersionsListItem (list-layer-versions, list-layers' LatestMatchingVersion) or get-layer-version output. */
function isLayerVersionItem(v: unknown): boolean {
  return isObject(v) && typeof v["LayerVersionArn"] === "string" && parseLayerVersionArn(v["LayerVersionArn"]) !== null;
}

/** `{Layers: [{LayerName, LayerArn, LatestMatchingVersion}]}` (list-layers). */
export function isListLayers(v: unknown): boolean {
  return isObject(v) && Array.isArray(v["Layers"]) && (v["Layers"] as unknown[]).every((l) => isObject(l) && typeof l["LayerArn"] === "string" && (l["LatestMatchingVersion"] === undefined || isLayerVersionItem(l["LatestMatchingVersion"])));
}

/** `{LayerVersions: [...]}` (list-layer-versions). */
export function isListLayerVersions(v: unknown): boolean {
  return isObject(v) && Array.isArray(v["LayerVersions"]) && (v["LayerVersions"] as unknown[]).every(isLayerVersionItem);
}

/** get-layer-version / get-layer-version-by-arn output: one version with its LayerArn and Content. */
export function isGetLayerVersion(v: unknown): boolean {
  return isLayerVersionItem(v) && typeof (v as JsonObject)["LayerArn"] === "string";
}

export function isLayersOutput(v: unknown): boolean {
  return isListLayers(v) || isListLayerVersions(v) || isGetLayerVersion(v);
}

/**
 * list-layers, list-layer-versions and get-layer-version outputs: the versions they name. list-layers
 * names each layer's latest version only; list-layer-versions every version of one layer.
 */
export function readLambdaLayers(input: ReaderInput): SourceFragment {
  const ctx = new FileContext(input.file);
  const fragment = emptyFragment({ path: input.file, kind: "lambda-layers", sha256: input.sha256, records: 0 });
  const records: LayerVersionRecord[] = [];
  const versionAt = (item: unknown, path: string): LayerVersionRecord => {
    const o = asObject(item, ctx, path);
    const arn = parseLayerVersionArn(String(o["LayerVersionArn"]));
    if (arn === null) return ctx.fail(joinPath(path, "LayerVersionArn"), `not a Lambda layer version ARN: ${JSON.stringify(o["LayerVersionArn"])}`);
    return { arn: arn.arn, name: arn.name, version: arn.version, region: arn.region, accountId: arn.accountId, source: { file: input.file, line: null, address: path } };
  };
  let truncated: { path: string; scope?: string } | null = null;
  let last: { path: string; scope?: string } | null = null;
  for (const { value, base } of valuePages(input.values)) {
    try {
      let page: LayerVersionRecord[];
      let scope: string | undefined;
      if (isListLayers(value)) {
        // Each layer's latest version (a layer without one has no version left).
        const layers = (value as { Layers: JsonObject[] }).Layers;
        page = [];
        layers.forEach((l, i) => {
          const at = joinPath(joinPath(joinPath(base, "Layers"), i), "LatestMatchingVersion");
          if (l["LatestMatchingVersion"] !== undefined) page.push(...eachRecord([l["LatestMatchingVersion"]], ctx, at, (item) => versionAt(item, at)));
        });
      } else if (isListLayerVersions(value)) {
        page = eachRecord((value as { LayerVersions: unknown[] }).LayerVersions, ctx, joinPath(base, "LayerVersions"), versionAt);
        // One layer's versions: another layer's final page does not complete this one's list.
        const layers = new Set(page.map((r) => r.arn!.replace(/:\d+$/, "")));
        scope = layers.size === 1 ? [...layers][0]! : input.context.parameter !== null ? `name:${input.context.parameter}` : `file:${input.file}`;
      } else {
        page = eachRecord([value], ctx, base, (item) => versionAt(item, base));
      }
      records.push(...page);
      // ListLayers and ListLayerVersions answer with a NextMarker while more follow.
      if (isListLayers(value) || isListLayerVersions(value)) {
        const key = nextPageKey(value);
        last = { path: joinPath(base, key ?? "NextMarker"), ...(scope !== undefined ? { scope } : {}) };
        if (key !== undefined) truncated = last;
        else truncated = null;
      }
    } catch (error) {
      ctx.report(error);
    }
  }
  if (last !== null) fragment.pagination = { truncated: truncated !== null, path: (truncated ?? last).path, ...((truncated ?? last).scope !== undefined ? { scope: (truncated ?? last).scope! } : {}) };
  fragment.layerVersions = records;
  fragment.source.records = records.length;
  const regions = new Set(records.map((r) => r.region));
  const accounts = new Set(records.map((r) => r.accountId));
  const region = regions.size === 1 ? [...regions][0] : input.context.region;
  if (region) fragment.source.region = region;
  if (accounts.size === 1 && [...accounts][0]) fragment.source.accountId = [...accounts][0]!;
  fragment.warnings = ctx.warnings;
  fragment.partial = ctx.partial;
  return fragment;
}
