/**
 * From the user's paths to an analysed canonical document: route the inputs, read the sources,
 * normalise, read and label usage, then derive the analysis the rules read. One function so the
 * CLI, the SDK and the benchmarks all run the same pipeline.
 */

import { attachValueReferences } from "../sources/value-references.js";
import { readFileSync, realpathSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { analyzeIdentities, startCompletion, type AnalysisCompletion, type AnalysisDraft } from "../analysis/index.js";
import type { LeastroleConfig } from "../model/config.js";
import type { CanonicalDocument, Role, Warning } from "../model/document.js";
import { makesPartial } from "../model/warning-label.js";
import { defaultFactsFunction, normalizeFragments, type CollectedFunctionLists, type NormalizeOptions } from "../normalize/index.js";
import { readSourceBytes } from "../sources/index.js";
import { tfConfigBeside, type ConfigBeside } from "../sources/terraform/config-files.js";
import { cdkAssemblyOptions, samConfigOptions, serverlessStateOptions, syntheticAccountFor, type IacReadOptions } from "../sources/cloudformation/index.js";
import { localNestedStacks, type LocalNesting } from "../sources/cloudformation/local-nested-stacks.js";
import { localNestedOptions, type NestedReadUnit } from "../sources/cloudformation/local-nested-options.js";
import { nestedNameClashes } from "./nested-name-clashes.js";
import { parameterViolation, shownParameter, templateParameters } from "../sources/cloudformation/parameters.js";
import { InputError } from "../errors.js";
import type { SourceFragment } from "../sources/types.js";
import { readUsage, type UsageAggregate, type UsageException } from "../usage/index.js";
import { sessionFilterDocument, type SessionFilterDocument } from "../usage/session-filter.js";
import { roleKeyOf } from "../usage/attribution.js";
import { startLabelling, type Labelling } from "../usage/labels.js";
import { unattributedSessionWarnings } from "../usage/unattributed.js";
import { advisorWindowWarnings, analyzerWindowWarnings } from "../usage/labels.js";
import { trailGapWarnings } from "../usage/trail-gaps.js";
import { trailLoggingWarnings } from "../usage/trail-logging.js";
import type { PendingDocument } from "../model/pending.js";
import { NOT_READ_CODES, routeInputs, type RoutedInputs } from "./route-inputs.js";
import { addMs, addTiming, cpuNow, moveTiming, startStage, type StageStart, type StageTimings } from "./timings.js";
import { appendAll } from "../collections.js";
import { summarisedReasons, type ManifestCall } from "../collect/manifest.js";
import { markBuiltDocument } from "../normalize/validate.js";
import { closestNamesToGlob, didYouMean } from "../printable.js";
import { configDisplayPath } from "../config/display.js";

export interface BuildProgress {
  stage: "read" | "normalize" | "usage" | "analyze";
  done: number;
  total?: number;
}

export interface BuildOptions {
  config?: LeastroleConfig;
  /** Path of the file `config` was read from: the warnings about it (a kept exception matching no function) name it. */
  configFile?: string;
  /** Reference instant for time arithmetic; default: the end of the usage data, else the newest input timestamp. */
  asOf?: string;
  /** Worker threads for reading CloudTrail (default: all cores; none for under 1 MiB of files). */
  workers?: number;
  onProgress?: (p: BuildProgress) => void;
  /** Milliseconds spent in each stage (read, normalize, iamFacts, usage, analyze), added in when given (`audit --timings`, benchmarks). */
  timings?: StageTimings;
  /** The process's CPU milliseconds (every thread) in each of those stages, added in when given. */
  cpuTimings?: StageTimings;
  /** Options for the Terraform plan and CloudFormation/SAM/CDK readers (account, region, parameters, .tf files). */
  iac?: IacReadOptions;
  /**
   * The key that makes a file's synthetic IaC ARNs its own when several files are read (default:
   * the path inside the folder common to the IaC files read, whatever the spelling or working
   * folder; `leastrole diff` uses the path inside the folder given, so both revisions match).
   */
  iacKeyOf?: (file: string) => string;
  /**
   * Receives the parameters each CloudFormation template read declares (by file) where the
   * caller's `iac.parameters` reach it; the build then does not itself refuse a parameter no
   * template declares. `leastrole diff` collects both sides' and refuses only a name neither declares.
   */
  onIacParameters?: (declared: Map<string, string[]>) => void;
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
}

/** Kept exceptions of the config, resolved to the functions of the document they name. */
export function usageExceptions(config: LeastroleConfig | undefined, document: CanonicalDocument): UsageException[] {
  const out: UsageException[] = [];
  for (const e of config?.exceptions ?? []) {
    const re = globToRegExp(e.function);
    for (const fn of document.functions) {
      if (!re.test(fn.name) && !re.test(fn.arn)) continue;
      for (const action of e.actions) out.push({ action, functionArn: fn.arn, reason: e.reason });
    }
  }
  return out;
}

/**
 * Kept exceptions whose `function` pattern names no function of the document: a typo
 * (`order-api` for `orders-api`) keeps nothing, so generate drops the permission the exception
 * exists to keep (a disaster-recovery path) and LR008 calls it unused, without a word. Said once
 * per exception, naming it and the pattern. Not when the inputs hold no function at all (reading
 * CloudTrail alone): then every exception would be named.
 */
export function exceptionsMatchingNothing(config: LeastroleConfig | undefined, document: Pick<CanonicalDocument, "functions">, configFile?: string): Warning[] {
  if (document.functions.length === 0) return [];
  const out: Warning[] = [];
  (config?.exceptions ?? []).forEach((e, i) => {
    const re = globToRegExp(e.function);
    if (document.functions.some((fn) => re.test(fn.name) || re.test(fn.arn))) return;
    // The pattern is a glob over the function's name or its ARN: suggest of the kind it is.
    const near = closestNamesToGlob(e.function, document.functions.map((fn) => (e.function.startsWith("arn:") ? fn.arn : fn.name)));
    out.push({
      code: "exception-matches-no-function",
      severity: "warning",
      // Which file to fix: with several configs (a team's, a CI job's) the path alone is not enough.
      ...(configFile !== undefined ? { file: configDisplayPath(configFile) } : {}),
      path: `exceptions[${i}].function`,
      message:
        `kept exception ${JSON.stringify(e.reason)} (${e.actions.join(", ")}): function ${JSON.stringify(e.function)} matches no function of the inputs, so it keeps nothing ` +
        `(LR008 does not count it, generate does not keep it)${didYouMean(near)}`,
    });
  });
  return out;
}

/**
 * Several IaC files without a real account: each gets a synthetic account of its own (logical IDs
 * and Terraform addresses are unique only within one template or root module). Only the IaC files
 * are read again, and only then; a single template keeps the plain `unknown` account.
 */
async function separateIacFiles(read: { fragments: SourceFragment[]; warnings: Warning[]; unitOf: Map<SourceFragment, NestedReadUnit> }, options: BuildOptions, perFile: IacPerFile): Promise<void> {
  const iac = read.fragments.filter((f) => f.source.kind === "terraform-plan" || f.source.kind === "cloudformation");
  // With a key function (diff), always: both sides must key their files the same way.
  if ((iac.length < 2 && !options.iacKeyOf) || options.iac?.accountId !== undefined) return;
  // By fragment: the instances of one local nested stack's template are fragments of one file.
  const again = new Map<SourceFragment, SourceFragment>();
  const unitOf = (f: SourceFragment): NestedReadUnit => read.unitOf.get(f) ?? { file: f.source.path, key: resolve(f.source.path), explicit: true };
  const keyOf = options.iacKeyOf ?? keyInsideCommonFolder(iac.map((f) => perFile.stackTemplateOf(unitOf(f))));
  for (const f of iac) {
    const unit = unitOf(f);
    const file = f.source.path;
    if (perFile.optionsOf(unit)?.accountId !== undefined) continue; // a CDK stack whose manifest names its account
    // A CDK nested stack shares its parent stack's unknown account.
    const syntheticAccountId = syntheticAccountFor(keyOf(perFile.stackTemplateOf(unit)));
    if (syntheticAccountId === "unknown") continue; // the first file of a diff side: read so already
    const r = readSourceBytes(file, await readFile(file), { explicit: true, iac: { ...perFile.optionsOf(unit, syntheticAccountId), syntheticAccountId } });
    if (r.fragment) {
      again.set(f, r.fragment);
      read.unitOf.set(r.fragment, unit); // still an instance of its nested stack (nestedNameClashes)
    }
  }
  read.fragments = read.fragments.map((f) => again.get(f) ?? f);
}

/**
 * The default key of a file's synthetic account: its path inside the deepest folder that holds all
 * the IaC files read (`OrdersStack.template.json` for `audit cdk.out`, `a/template.yaml` and
 * `b/template.yaml` for `audit a/template.yaml b/template.yaml`). The account is in every ARN of the
 * file, so in finding fingerprints and SARIF partialFingerprints: keyed by the path as typed, the
 * same cdk.out gave other fingerprints from a relative path, an absolute one, inside its folder or
 * another checkout, and code scanning closed and reopened every alert. Not the stack name (two SAM
 * projects both deploy `sam-app`, and their `HelloWorldFunctionRole`s would merge) nor the content
 * (every edit of a template would renew all its fingerprints). Real paths, so a link or `..` in the
 * spelling does not count either.
 */
function keyInsideCommonFolder(files: string[]): (file: string) => string {
  const real = (file: string): string => {
    try {
      return realpathSync(file);
    } catch {
      return resolve(file);
    }
  };
  let common: string | null = null;
  for (const file of files) {
    const folder = dirname(real(file));
    if (common === null) common = folder;
    while (common !== dirname(common) && relative(common, folder).split(sep)[0] === "..") common = dirname(common);
  }
  const base = common ?? process.cwd();
  return (file) => relative(base, real(file)).split(sep).join("/");
}

/**
 * The IaC reader's options for each file: the caller's (`--account-id`, `--region`, parameters),
 * and for a CDK cloud assembly's templates, the account, region and stack name its manifest gives
 * them (cdk-assembly.ts); for a Serverless Framework build's, the region and stack name of its
 * serverless-state.json (serverless-state.ts). Those are the more precise: where they name a
 * stack's account or region, that is the one used; the caller's fill in what they leave unknown.
 * A SAM project's samconfig (sam-config.ts) is the other way round: the stack name, region and
 * parameter values it deploys with, which the caller's flags override, as they do `sam deploy`'s.
 */
interface IacPerFile {
  /**
   * What each input is read as (local-nested-options.ts): itself, unless it is read as a local
   * nested stack of another input; and each instance of a local nested stack.
   */
  units(inputs: ReadonlyArray<{ file: string; explicit: boolean }>): NestedReadUnit[];
  /** `syntheticAccountId`: the one the file is read in (the ARNs a parent passes its local nested stack are the parent's, read in it). */
  optionsOf(unit: NestedReadUnit, syntheticAccountId?: string): IacReadOptions | undefined;
  /** The file whose key names the file's synthetic account: itself, or its CDK stack's or local nested stack's top template. */
  stackTemplateOf(unit: NestedReadUnit): string;
  /**
   * Where the file's parameter values come from: the caller's (`--parameter`) when they reach it
   * (not a CDK nested stack's template, whose parameters are what its parent passes), and the
   * samconfig deploying it with the values the caller's do not override.
   */
  parameterOrigins(unit: NestedReadUnit): { caller: boolean; samconfig: { file: string; values: Record<string, string> } | null };
}

function iacOptionsPerFile(files: string[], iac: IacReadOptions | undefined, nesting: LocalNesting): IacPerFile {
  const samConfigs = samConfigOptions(files);
  const assembly = new Map([...samConfigs, ...cdkAssemblyOptions(files), ...serverlessStateOptions(files)]);
  const beside = new Map<string, ConfigBeside | null>();
  const ownOptions = (file: string): IacReadOptions | undefined => {
    const stack = assembly.get(resolve(file));
    if (!stack) return iac?.configFiles || !file.endsWith(".json") ? iac : withConfigBeside(file, iac, beside);
    if (!stack.flagsWin) return { ...iac, ...stack.options };
    const parameters = { ...stack.options.parameters, ...iac?.parameters };
    return { ...stack.options, ...iac, ...(Object.keys(parameters).length > 0 ? { parameters } : {}) };
  };
  // Local nested stacks (local-nested-options.ts): read as their parent deploys them, which wins
  // over a samconfig of their own or the caller's parameters.
  const nested = localNestedOptions(nesting, iac, ownOptions);
  return {
    units: (inputs) => nested.units(inputs),
    parameterOrigins: ({ file, key }) => {
      if (nested.childOptions(key) !== undefined) return { caller: false, samconfig: null };
      const stack = assembly.get(resolve(file));
      const sam = samConfigs.get(resolve(file));
      const caller = !stack || stack.flagsWin === true || stack.options.parameters === undefined;
      if (!sam || stack !== sam) return { caller, samconfig: null };
      const values = Object.fromEntries(Object.entries(sam.options.parameters ?? {}).filter(([name]) => !Object.hasOwn(iac?.parameters ?? {}, name)));
      return { caller, samconfig: { file: sam.configFile, values } };
    },
    optionsOf: ({ file, key }, syntheticAccountId) => {
      const own = nested.childOptions(key, syntheticAccountId) ?? ownOptions(file);
      const told = nested.parentOptions(key, syntheticAccountId);
      if (Object.keys(told).length === 0) return own;
      return { ...own, ...told, ...(told.nestedStacksRead !== undefined && own?.nestedStacksRead !== undefined ? { nestedStacksRead: [...own.nestedStacksRead, ...told.nestedStacksRead] } : {}) };
    },
    // A local nested stack shares its top-level parent's unknown account.
    stackTemplateOf: ({ file, key }) => stackTemplate(nested.topOf(key) ?? file),
  };
  function stackTemplate(file: string): string {
    const stack = assembly.get(resolve(file));
    // Keyed as the caller named the files: the stack template's path relative to this one's folder.
    return stack ? join(dirname(file), relative(dirname(resolve(file)), stack.stackTemplate)) : file;
  }
}

/** A Terraform plan's options with the `.tf` files of its own folder, when it holds any (config-files.ts). */
function withConfigBeside(file: string, iac: IacReadOptions | undefined, beside: Map<string, ConfigBeside | null>): IacReadOptions | undefined {
  const found = tfConfigBeside(file, beside);
  return found ? { ...iac, ...found, configDiscovered: true } : iac;
}

async function readSourceFiles(files: NestedReadUnit[], onDone: (n: number) => void, iacFor: IacPerFile) {
  const fragments: SourceFragment[] = [];
  // What each fragment was read as: the instances of one local nested stack's template share its path.
  const unitOf = new Map<SourceFragment, NestedReadUnit>();
  const warnings: Warning[] = [];
  // One file at a time, read synchronously: the reading is parsing-bound, and asynchronous reads
  // (four round trips per file, a few at a time) left the thread idle for ~0.5 s over the 1,000
  // files of a 10,000-function export. Progress is reported every PROGRESS_EVERY files.
  const PROGRESS_EVERY = 8;
  for (let i = 0; i < files.length; i++) {
    const unit = files[i] as NestedReadUnit;
    const { file, explicit } = unit;
    let r: { fragment: SourceFragment | null; warnings: Warning[] };
    try {
      const iac = iacFor.optionsOf(unit);
      r = readSourceBytes(file, readFileSync(file), { explicit, ...(iac ? { iac } : {}) });
    } catch (e) {
      // Named on the command line an input error (exit code 2), met in a folder a warning (README).
      r = { fragment: null, warnings: [{ code: "unreadable-file", severity: explicit ? "error" : "warning", file, message: `cannot read: ${(e as Error).message}` } as Warning] };
    }
    if (r.fragment) {
      fragments.push(r.fragment);
      unitOf.set(r.fragment, unit);
    }
    appendAll(warnings, r.warnings);
    if ((i + 1) % PROGRESS_EVERY === 0 || i + 1 === files.length) {
      onDone(i + 1);
      // Lets progress output and signals through between files.
      if ((i + 1) % (PROGRESS_EVERY * 16) === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return { fragments, warnings, unitOf };
}

/**
 * The parameter values of the CloudFormation templates read, checked as CloudFormation checks them
 * at deployment (parameters.ts): a value outside its parameter's constraints is an input error
 * naming the template, the parameter, the value and the constraint, whether it came from
 * `--parameter` or a samconfig. A samconfig value for a parameter its template does not declare is
 * ignored by `sam deploy` (it passes only the template's parameters), so it is ignored here too,
 * and said (info). Returns what each template the caller's parameters reach declares, for
 * refuseUndeclaredParameters. Only templates with values to check are parsed again.
 */
function checkIacParameters(read: { fragments: SourceFragment[]; warnings: Warning[]; unitOf: Map<SourceFragment, NestedReadUnit> }, caller: Record<string, string>, perFile: IacPerFile): Map<string, string[]> {
  const declared = new Map<string, string[]>();
  const callerNames = Object.keys(caller);
  for (const f of read.fragments) {
    if (f.source.kind !== "cloudformation") continue;
    const file = f.source.path;
    const origins = perFile.parameterOrigins(read.unitOf.get(f) ?? { file, key: resolve(file), explicit: true });
    const fromCaller = origins.caller ? callerNames : [];
    const fromConfig = Object.entries(origins.samconfig?.values ?? {});
    if (fromCaller.length === 0 && fromConfig.length === 0) continue;
    const specs = templateParameters(readFileSync(file), file);
    if (origins.caller) declared.set(file, Object.keys(specs).sort());
    const check = (name: string, value: string, origin: string): void => {
      const why = parameterViolation(specs[name], value);
      if (why !== null) throw new InputError(`${shownParameter(name, specs[name], value)} (${origin}) ${why}: CloudFormation refuses it at deployment`, { file, path: `Parameters.${name}` });
    };
    for (const name of fromCaller) if (Object.hasOwn(specs, name)) check(name, caller[name] as string, "--parameter");
    for (const [name, value] of fromConfig) {
      const origin = `${origins.samconfig?.file ?? "samconfig"} parameter_overrides`;
      if (Object.hasOwn(specs, name)) check(name, value, origin);
      else read.warnings.push({ code: "cloudformation-parameter-undeclared", severity: "info", file, message: `${origin} sets ${name}, which this template does not declare: sam deploy ignores it, and so does this reading` });
    }
  }
  return declared;
}

/**
 * A `--parameter` that no template it reaches declares is an input error, as CloudFormation
 * refuses it ("Parameters: [X] do not exist in the template"): ignored, a misspelt name would
 * give the defaults' stack (dev for a user who asked for prod) without a sign. With several
 * templates, one declaring it is enough: the value is for that one. The error lists what the
 * templates declare, so the right name is at hand.
 */
export function refuseUndeclaredParameters(caller: Record<string, string>, declared: Map<string, string[]>): void {
  const unknown = Object.keys(caller).filter((name) => ![...declared.values()].some((names) => names.includes(name)));
  if (unknown.length === 0) return;
  const list = unknown.join(", ");
  if (declared.size === 0) {
    throw new InputError(`--parameter ${list}: no CloudFormation template among the inputs to give it to (--parameter sets a CloudFormation, SAM or CDK template's parameters; a Terraform plan holds its variables' values)`);
  }
  const what = [...declared].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([file, names]) => `${file} declares ${names.length > 0 ? names.join(", ") : "no parameters"}`);
  throw new InputError(`--parameter ${list}: ${unknown.length === 1 ? "no template given declares it" : "no template given declares them"}, and CloudFormation refuses a parameter its template does not declare (${what.join("; ")})`);
}

/**
 * The account half of the inputs, read: the source files (IaC files given synthetic accounts of
 * their own when several), and what `leastrole collect` manifests say, as normaliser options: the
 * newest collection's end (`collectedAt`) and each account's function lists (`collections`, which
 * make `functionCoverage`); a collection that did not complete is a `collection-partial` warning
 * per reason, which makes the document partial whatever was read (makesPartial). buildDocument and the SDK's normalize(paths) both read
 * their paths this way.
 */
export async function readAccountInputs(
  routed: RoutedInputs,
  options: Pick<BuildOptions, "iac" | "iacKeyOf" | "onProgress" | "onIacParameters"> = {},
): Promise<{ fragments: SourceFragment[]; warnings: Warning[]; options: Pick<NormalizeOptions, "collectedAt" | "collections"> }> {
  // The local nested stacks' templates are read once per nested stack naming them (an instance
  // each, local-nested-options.ts); those that are not inputs themselves as found in a folder.
  const nesting = localNestedStacks(routed.sources.map((s) => s.file));
  const iacFor = iacOptionsPerFile(routed.sources.map((s) => s.file), options.iac, nesting);
  const sources = iacFor.units(routed.sources);
  const read = await readSourceFiles(sources, (done) => options.onProgress?.({ stage: "read", done, total: sources.length }), iacFor);
  const declared = checkIacParameters(read, options.iac?.parameters ?? {}, iacFor);
  if (options.onIacParameters) options.onIacParameters(declared);
  else refuseUndeclaredParameters(options.iac?.parameters ?? {}, declared);
  await separateIacFiles(read, options, iacFor);
  // A fixed name in a template two nested stacks deploy: one ARN twice, which CloudFormation refuses.
  appendAll(read.warnings, nestedNameClashes(read.fragments, read.unitOf, (unit) => iacFor.stackTemplateOf(unit)));
  let collectedAt: string | undefined;
  const collections: CollectedFunctionLists[] = [];
  for (const file of routed.manifests) {
    try {
      const m = JSON.parse(await readFile(file, "utf8")) as ManifestView;
      // A warning, not an error: the manifest and the files were read; what the failed calls would
      // have written is missing, so the document is partial (makesPartial), and the audit exits 0 as
      // for a file met in a folder walk that cannot be read (README's exit codes). collect itself
      // exited 1 for it. Before, "leastrole: error: … the collection is incomplete" ended in exit 0.
      if (m.partial) for (const reason of partialReasons(m)) read.warnings.push({ code: "collection-partial", severity: "warning", file, message: `the collection is incomplete: ${reason}` });
      // What the collection could not read without being incomplete (a trail's event selectors: judged from the records instead).
      for (const note of Array.isArray(m.notes) ? m.notes : []) if (typeof note === "string") read.warnings.push({ code: "collection-note", severity: "info", file, message: note });
      if (typeof m.finishedAt === "string" && !Number.isNaN(Date.parse(m.finishedAt)) && (collectedAt === undefined || m.finishedAt > collectedAt)) collectedAt = m.finishedAt;
      const lists = functionListsOf(m, file);
      if (lists) collections.push(lists);
    } catch (e) {
      // As any file that cannot be read (route-inputs.ts): an error named on the command line (the
      // CLI exits 2), a warning met in a folder walk (the inputs partial either way).
      const named = routed.namedManifests?.includes(file) === true;
      read.warnings.push({ code: "unreadable-file", severity: named ? "error" : "warning", file, message: `cannot read the collect manifest: ${(e as Error).message}` });
    }
  }
  return {
    fragments: read.fragments,
    warnings: read.warnings,
    options: { ...(collectedAt !== undefined ? { collectedAt } : {}), ...(collections.length > 0 ? { collections } : {}) },
  };
}

export async function buildDocument(paths: string[], options: BuildOptions = {}): Promise<CanonicalDocument> {
  const pending = await buildPendingDocument(paths, options);
  // Known valid: auditDocument and evaluateDocument do not check it again.
  const document = markBuiltDocument(pending.finish());
  // The labels and the roles' scope suggestions, made just now.
  addMs(options.timings, options.cpuTimings, "analyze", pending.finishingMs());
  return document;
}

/**
 * buildDocument but for the usage labels and the roles' scope suggestions, made when they are
 * asked for (PendingDocument): the audit evaluates the rules' first slices while the others' are
 * made. `finish()` gives buildDocument's document; its time is the caller's to count.
 * `keepLabels` false: each function's label set is handed out once and not kept, and the finished
 * document's `usage.labels` is empty (startLabelling says why; the CLI's audit, whose reports do
 * not read them).
 */
export async function buildPendingDocument(paths: string[], options: BuildOptions = {}, keepLabels = true): Promise<PendingDocument> {
  const t = startStage();
  const routed = await routeInputs(paths);
  // CloudTrail is read from here on: by one worker while this thread reads and normalises the
  // account, by all of them once it has. Why: one core was idle for those 1.5–2 s at 10,000
  // functions; starting every worker then slowed this thread as much as it gained (3 threads, 2 cores).
  const stop = new AbortController();
  let startMoreWorkers: () => void = () => undefined;
  // The reading's progress is told once the account is normalised (its latest state at once): a
  // one-line progress display would otherwise flip between the two stages.
  let usageProgress: BuildProgress | null = null;
  let accountDone = false;
  // The document, once the account is normalised: the reader leaves the sessions its labels do not
  // read out of the aggregate from then on (readUsage's sessionsFor, session-filter.ts). Why: a real
  // trail is mostly other identities' sessions, which no label reads.
  let giveSessions: (d: SessionFilterDocument | null) => void = () => undefined;
  const sessionsFor = new Promise<SessionFilterDocument | null>((resolve) => (giveSessions = resolve));
  const normalized = (document: SessionFilterDocument): void => {
    giveSessions(sessionFilterDocument(document));
    accountDone = true;
    startMoreWorkers();
    if (usageProgress !== null) options.onProgress?.(usageProgress);
  };
  const reading =
    routed.usage.length === 0 && routed.unreadUsage.length === 0
      ? null
      : readUsage(routed.usage, {
          unread: routed.unreadUsage,
          signal: stop.signal,
          sessionsFor,
          moreWorkersAfter: new Promise<void>((resolve) => (startMoreWorkers = resolve)),
          ...(options.workers !== undefined ? { workers: options.workers } : {}),
          onProgress: (p) => {
            usageProgress = { stage: "usage", done: p.filesDone, total: p.filesTotal };
            if (accountDone) options.onProgress?.(usageProgress);
          },
        });
  // Awaited after the normalisation: until then a failed reading must not count as an unhandled
  // rejection (Node would end the process); awaiting it later still throws.
  reading?.catch(() => undefined);
  try {
    return await buildFrom(routed, reading, normalized, t, options, keepLabels);
  } catch (e) {
    // The workers would read on: stop them (their rejection is this abort, handled above).
    giveSessions(null);
    stop.abort(e);
    throw e;
  }
}

async function buildFrom(
  routed: Awaited<ReturnType<typeof routeInputs>>,
  reading: Promise<UsageAggregate> | null,
  normalized: (document: SessionFilterDocument) => void,
  readStart: StageStart,
  options: BuildOptions,
  keepLabels: boolean,
): Promise<PendingDocument> {
  let t = readStart;
  const timings = options.timings;
  const cpuTimings = options.cpuTimings;
  const clock = (stage: BuildProgress["stage"], start: StageStart) => addTiming(timings, stage, start, cpuTimings);
  const read = await readAccountInputs(routed, options);
  clock("read", t);

  t = startStage();
  const normalizeOptions: NormalizeOptions = { ...read.options, ...(options.asOf ? { asOf: options.asOf } : {}) };
  // The IAM facts are computed inside the normaliser: timed apart by wrapping the same default
  // facts function the normaliser would use (only when timings are asked for).
  let factsMs = 0;
  let factsCpu = 0;
  if (timings || cpuTimings) {
    const f0 = performance.now();
    const c0 = cpuNow();
    const facts = defaultFactsFunction();
    factsMs += performance.now() - f0;
    factsCpu += cpuNow() - c0;
    normalizeOptions.iamDataVersion = facts.iamDataVersion;
    // Wall time only per call: two process.cpuUsage() calls per role (a getrusage each) were
    // 20,000+ system calls at 10,000 roles, slowing the very audit they measured. The facts' CPU
    // is their share of the normalisation's, by wall time (below).
    normalizeOptions.computeFacts = (p) => {
      const s = performance.now();
      try {
        return facts.compute(p);
      } finally {
        factsMs += performance.now() - s;
      }
    };
  }
  const factsMs0 = factsMs;
  const { document } = normalizeFragments(read.fragments, normalizeOptions, [...routed.warnings, ...read.warnings]);
  if (cpuTimings) {
    const wall = performance.now() - t.wall - factsMs0;
    const cpu = cpuNow() - t.cpu - factsCpu;
    if (wall > 0) factsCpu += (cpu * (factsMs - factsMs0)) / wall;
  }
  // Beside the document, for generate: what the IaC readers' names were made from.
  attachValueReferences(document, read.fragments.flatMap((f) => (f.valueReferences === undefined ? [] : [f.valueReferences])));
  if (timings) {
    timings.normalize = (timings.normalize ?? 0) + (performance.now() - t.wall - factsMs);
    timings.iamFacts = (timings.iamFacts ?? 0) + factsMs;
  }
  if (cpuTimings) {
    cpuTimings.normalize = (cpuTimings.normalize ?? 0) + (cpuNow() - t.cpu - factsCpu);
    cpuTimings.iamFacts = (cpuTimings.iamFacts ?? 0) + factsCpu;
  }

  normalized(document);
  document.meta.warnings.push(...exceptionsMatchingNothing(options.config, document, options.configFile));

  const analyzeOptions = { principals: options.config?.scope === "account" };
  let draft: AnalysisDraft | null = null;
  let labelling: Labelling | null = null;
  // Main-thread time spent on the analysis while the usage workers read (see below).
  let overlapMs = 0;
  if (reading !== null) {
    t = startStage();
    // The identities' analysis reads no usage: it runs here while the workers read CloudTrail (their
    // files are handed out before readUsage returns), and their batches wait to be merged. Why:
    // at 10,000 functions and 1M records this thread was half idle during the reading and the
    // other cores idle during the analysis; overlapped, the audit is ~1.5 s shorter on 2 cores.
    const a0 = performance.now();
    draft = analyzeIdentities(document, undefined, analyzeOptions);
    overlapMs = performance.now() - a0;
    const aggregate = await reading;
    markNamedUnread(aggregate, routed.sources, read.warnings);
    // The labels themselves are made by the PendingDocument, as they are asked for.
    labelling = startLabelling(
      aggregate,
      document,
      {
        windowDays: options.config?.usage?.windowDays ?? 30,
        asOf: options.asOf ?? null,
        dataEventsLogged: options.config?.usage?.dataEventsLogged === true,
        ...(options.config?.usage?.readEventsLogged !== undefined ? { readEventsLogged: options.config.usage.readEventsLogged } : {}),
        ...(options.config?.usage?.writeEventsLogged !== undefined ? { writeEventsLogged: options.config.usage.writeEventsLogged } : {}),
        ...(options.config?.usage?.kmsEventsLogged !== undefined ? { kmsEventsLogged: options.config.usage.kmsEventsLogged } : {}),
        exceptions: usageExceptions(options.config, document),
      },
      keepLabels,
    );
    document.usage = labelling.section;
    // Time arithmetic follows the activity data unless the caller fixed the instant.
    if (!options.asOf && document.usage.window) document.meta.asOf = document.usage.window.end;
    // What the usage readers said of their files (an Access Advisor report whose role is unknown,
    // skipped records, an empty file), beside the account's warnings; a file's partial reasons as
    // warnings of their own unless the reader already said the same.
    const said = new Set(aggregate.warnings.map((w) => `${w.file ?? ""}\u0000${w.message}`));
    for (const f of aggregate.files) {
      document.meta.sources.push({ path: f.path, kind: f.format.startsWith("usage-query") ? "usage-query-rows" : f.format.startsWith("access-advisor") ? "access-advisor" : f.format.startsWith("access-analyzer") ? "access-analyzer" : "cloudtrail", sha256: f.sha256, records: f.records });
      for (const reason of f.partialReasons) if (!said.has(`${f.path}\u0000${reason}`)) document.meta.warnings.push({ code: "partial-usage-file", severity: "warning", file: f.path, message: reason });
    }
    markNamedDigests(aggregate.warnings, routed.namedUsage);
    appendAll(document.meta.warnings, aggregate.warnings);
    appendAll(document.meta.warnings, advisorRolesNotAudited(aggregate.accessAdvisor, document.roles));
    appendAll(document.meta.warnings, analyzerRolesNotAudited(aggregate.accessAnalyzer, document.roles));
    lastUsedFromAdvisor(aggregate.accessAdvisor, document.roles);
    // Reports that end before the window does prove nothing unused: said, with the --as-of that fits.
    appendAll(document.meta.warnings, advisorWindowWarnings(aggregate.accessAdvisor, document.roles, document.usage));
    appendAll(document.meta.warnings, analyzerWindowWarnings(aggregate.accessAnalyzer, document.roles, document.usage));
    // Unused-access findings without their analyzer's unusedAccessAge are read as agreement only
    // (labels.ts, mergeAccessAnalyzer): alone they label nothing, which, unsaid, reads as findings
    // that found nothing. With it, a finding whose span holds the window proves unused what it names,
    // once there is a window: alone, only --as-of gives one.
    if (aggregate.accessAnalyzer.length > 0 && aggregate.accessAdvisor.length === 0 && aggregate.coverage.recordsRead === 0) {
      const aged = aggregate.accessAnalyzer.some((f) => f.unusedAccessAge !== undefined);
      if (!aged || document.usage.window === null) {
        document.meta.warnings.push({
          code: "access-analyzer-only",
          severity: "warning",
          message: aged
            ? "Access Analyzer findings alone give no usage window, so they call no permission unused: give --as-of (the window's end, no later than the findings' analyzedAt) to have a finding whose analyzer's unusedAccessAge spans the window prove unused what it names"
            : "Access Analyzer findings alone call no permission unused: they do not say the analyzer's tracking period (its unusedAccessAge: give them with their analyzer, as leastrole collect writes them), so they cannot cover the usage window; they count as agreement with CloudTrail logs or Access Advisor reports given with them",
        });
      }
    }
    // Sessions on an execution role that are none of its functions': their calls are unknowable,
    // not unused, for its functions (labels.ts), and said here once per role.
    appendAll(document.meta.warnings, unattributedSessionWarnings(document.usage.principals, document.functions));
    // A template deployed as several stacks in the logs: which one it is, is the user's to say.
    appendAll(document.meta.warnings, labelling.warnings);
    // A trail that leaves read or KMS management events out (trail-gaps.ts): said once per account.
    appendAll(document.meta.warnings, trailGapWarnings(document.usage.coverage.managementEvents));
    // Trails stopped, deleted or reconfigured inside the window (trail-logging.ts).
    if (document.usage.window) appendAll(document.meta.warnings, trailLoggingWarnings(document.usage.coverage.trailLoggingGaps ?? [], aggregate.trailChanges ?? [], document.usage.window.start, document.usage.window.end));
    document.meta.sources.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    clock("usage", t);
  }
  // A warning added after the normaliser that makes the inputs partial (a usage reader's error, a
  // digest named for the logs: markNamedDigests) makes the document partial, as the normaliser's
  // do. The reports give exactly these warnings as the reasons the audit is partial (report/view.ts
  // partialDataReasons); before, such a warning could stand beside a report that was not partial.
  if (document.meta.warnings.some(makesPartial)) document.meta.partial = true;

  t = startStage();
  const pending = pendingOf(document, startCompletion(draft ?? analyzeIdentities(document, undefined, analyzeOptions), document), labelling);
  clock("analyze", t);
  // The overlapped analysis is counted as analysis, not usage (timings.ts).
  moveTiming(timings, cpuTimings, "usage", "analyze", overlapMs);
  return pending;
}

/**
 * A file named on the command line that the source readers could not read (not JSON, a shape no
 * reader knows: the CloudTrail console's CSV, some other tool's export) may have held activity
 * data: what it is cannot be known. Then the usage is partial, as for a named file that cannot be
 * opened (routeInputs' unreadUsage). Before, only the report was partial: LR008 still called the
 * permissions unused that the file's calls may have used. Files met in a folder walk are another
 * matter (a project's own files): they leave the usage as it is.
 */
function markNamedUnread(aggregate: UsageAggregate, sources: RoutedInputs["sources"], warnings: readonly Warning[]): void {
  const named = new Set(sources.filter((s) => s.explicit).map((s) => s.file));
  const unread = new Set(warnings.filter((w) => w.file !== undefined && named.has(w.file) && NOT_READ_CODES.has(w.code)).map((w) => w.file as string));
  for (const file of [...unread].sort()) {
    aggregate.coverage.partial = true;
    aggregate.coverage.partialReasons.push(`${file}: named on the command line but not read, so the activity data it may hold is missing (see its warning)`);
  }
}

/**
 * A CloudTrail digest file named on the command line, given for the logs (the bucket's
 * CloudTrail-Digest/ beside CloudTrail/): an input error, as a named file no reader uses is (exit
 * code 2), saying where the logs are. Met in a folder walk it stays a note (info). Before, named
 * alone it was "nothing to audit" and exit 0, beside other inputs a note only.
 */
function markNamedDigests(warnings: Warning[], named: readonly string[]): void {
  const set = new Set(named);
  for (const [i, w] of warnings.entries()) {
    if (w.code !== "cloudtrail-digest-skipped" || w.file === undefined || !set.has(w.file)) continue;
    warnings[i] = { ...w, severity: "error", message: "a CloudTrail digest file (log file integrity validation): it holds hashes of log files, no events; give the log files, in the CloudTrail/ folder beside CloudTrail-Digest/" };
  }
}

/**
 * Access Advisor reports about a role none of the inputs defines (another account, a typo in the
 * file name): nothing they say can be merged, which would otherwise go unsaid. Roles are matched by
 * account and name, as the labels match them (an ARN in a file name often lacks the role's path).
 */
function advisorRolesNotAudited(reports: ReadonlyArray<{ file: string; roleArn: string | null }>, roles: ReadonlyArray<{ arn: string }>): Warning[] {
  const known = new Set(roles.map((r) => roleKeyOf(r.arn)));
  return reports
    .filter((r) => r.roleArn !== null && !known.has(roleKeyOf(r.roleArn)))
    .map((r) => ({ code: "access-advisor-role-not-audited", severity: "warning" as const, file: r.file, message: `Access Advisor report about ${r.roleArn}, which is not in the IAM inputs: not used` }));
}

/**
 * One warning per file of Access Analyzer findings about roles the IAM inputs do not define, as
 * for Access Advisor reports (advisorRolesNotAudited): the labels read findings by role, so these
 * were left out without a word. A list-findings-v2 output covers a whole account or organisation,
 * so the roles are counted and the first three named.
 */
function analyzerRolesNotAudited(findings: ReadonlyArray<{ file?: string; resource: string }>, roles: ReadonlyArray<{ arn: string }>): Warning[] {
  const known = new Set(roles.map((r) => roleKeyOf(r.arn)));
  const byFile = new Map<string, Set<string>>();
  for (const f of findings) {
    if (known.has(roleKeyOf(f.resource))) continue;
    const k = f.file ?? "";
    byFile.set(k, (byFile.get(k) ?? new Set()).add(f.resource));
  }
  return [...byFile].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([file, set]) => {
    const arns = [...set].sort();
    const named = `${arns.slice(0, 3).join(", ")}${arns.length > 3 ? ` and ${arns.length - 3} more` : ""}`;
    const one = arns.length === 1;
    return { code: "access-analyzer-role-not-audited", severity: "warning" as const, ...(file === "" ? {} : { file }), message: `Access Analyzer findings about ${one ? "a role" : `${arns.length} roles`} not in the IAM inputs (${named}): not used` };
  });
}

/**
 * A role whose inputs do not say when it was last used (`lastUsed` null, or without a date: IAM's
 * RoleLastUsed missing from the export, as in AWS Config items and collectors that drop it) takes
 * the latest time its Access Advisor reports say it authenticated to a service (or, at action
 * level, called an action), region unknown. The labels use the reports only for the roles of
 * functions; before, a role no function uses was called by LR016 "never used, or last use not
 * recorded" beside a report of its use (cloudmapper's demo account: role service-role/level1,
 * CloudWatch Logs on 2019-04-15). A date the inputs give is kept: RoleLastUsed counts every use,
 * Access Advisor only the services it tracks.
 */
function lastUsedFromAdvisor(reports: ReadonlyArray<{ roleArn: string | null; truncated?: boolean; services: ReadonlyArray<{ lastAuthenticated: string | null; actions: ReadonlyArray<{ lastAccessed: string | null }> | null }> }>, roles: Role[]): void {
  const latest = new Map<string, string>();
  for (const r of reports) {
    // A report cut by its pagination (IsTruncated, IAM API Reference, GetServiceLastAccessedDetails)
    // lacks the services of its other pages: its latest time is not the role's last use.
    if (r.roleArn === null || r.truncated === true) continue;
    const times = r.services.flatMap((s) => [s.lastAuthenticated, ...(s.actions ?? []).map((a) => a.lastAccessed)]).filter((t): t is string => t !== null);
    for (const t of times) {
      const k = roleKeyOf(r.roleArn);
      const seen = latest.get(k);
      if (seen === undefined || Date.parse(t) > Date.parse(seen)) latest.set(k, t);
    }
  }
  for (const role of roles) {
    if (role.lastUsed !== null && role.lastUsed.date !== null) continue;
    const t = latest.get(roleKeyOf(role.arn));
    if (t !== undefined) role.lastUsed = { date: t, region: role.lastUsed?.region ?? null };
  }
}

/** The document, its roles completed and its functions labelled as asked (PendingDocument). */
function pendingOf(document: CanonicalDocument, completion: AnalysisCompletion, labelling: Labelling | null): PendingDocument {
  let finished: CanonicalDocument | null = null;
  let spent = 0;
  // Each call timed: the caller counts this time as analysis, wherever it was asked for.
  const timed = <T>(make: () => T): T => {
    const t0 = performance.now();
    try {
      return make();
    } finally {
      spent += performance.now() - t0;
    }
  };
  const finish = (): CanonicalDocument =>
    (finished ??= timed(() => {
      if (labelling !== null && labelling.finish().coverage.partial) document.meta.partial = true;
      return completion.finish();
    }));
  if (labelling === null) {
    // Nothing waits for the usage: the scope suggestions (none without usage) are made now, in the
    // caller's analysis stage.
    const done = (finished = completion.finish());
    return { partial: done, deferred: false, role: (i) => done.roles[i]!, labels: () => null, digest: () => null, finish, finishingMs: () => spent };
  }
  const functions = document.functions;
  return {
    partial: completion.partial,
    deferred: true,
    role: (i) => timed(() => completion.role(i)),
    labels: (i) => timed(() => labelling.labelsOf(functions[i]!)),
    digest: (i) => timed(() => labelling.digestOf(functions[i]!)),
    finish,
    finishingMs: () => spent,
  };
}

/**
 * Why the collection is partial, one line each as `leastrole collect` prints them: one permission
 * missing for every function fails a call per function, and is one line saying how many and what to
 * add (summarisedReasons), not hundreds of errors (found by the collect review). A manifest whose
 * calls are not call records gives its reasons as they are.
 */
function partialReasons(m: ManifestView): string[] {
  const reasons = Array.isArray(m.reasons) ? m.reasons.filter((r): r is string => typeof r === "string") : [];
  const calls = Array.isArray(m.calls) && m.calls.every((c) => typeof c === "object" && c !== null && typeof (c as { status?: unknown }).status === "string") ? (m.calls as ManifestCall[]) : null;
  const lines = calls === null ? reasons : summarisedReasons({ reasons, calls });
  return lines.length > 0 ? lines : ["some calls failed"];
}

/** What the audit reads of a collect manifest (src/collect/manifest.ts), every field checked before use. */
interface ManifestView {
  partial?: boolean;
  reasons?: string[];
  notes?: unknown;
  finishedAt?: string;
  account?: { id?: unknown } | null;
  options?: { regionsRequested?: unknown; regions?: unknown };
  calls?: unknown;
}

/**
 * The function lists a collection holds: per region whose lambda:ListFunctions succeeded, the file
 * it wrote; and whether the regions read were every enabled one (`--regions all`, and
 * account:ListRegions answered: when it fails collect reads only its home region). Null when the
 * manifest does not say which account it is of.
 */
function functionListsOf(m: ManifestView, file: string): CollectedFunctionLists | null {
  const accountId = m.account?.id;
  if (typeof accountId !== "string" || !Array.isArray(m.calls)) return null;
  const calls = m.calls.filter((c): c is { operation: string; service: string; region: string; status: string; target?: unknown; files?: unknown } => typeof c === "object" && c !== null);
  const regions = Array.isArray(m.options?.regions) ? m.options.regions.filter((r): r is string => typeof r === "string") : [];
  const enabledListed = calls.some((c) => c.service === "account" && c.operation === "ListRegions" && c.status === "ok");
  const lists: CollectedFunctionLists["lists"] = [];
  for (const c of calls) {
    if (c.service !== "lambda" || c.operation !== "ListFunctions" || c.status !== "ok" || typeof c.region !== "string") continue;
    const files = Array.isArray(c.files) ? c.files.filter((f): f is string => typeof f === "string") : [];
    // One file per region (listFunctionsFile); named relative to the manifest's folder.
    if (files.length === 1) lists.push({ region: c.region, file: join(dirname(file), files[0]!) });
  }
  // A policy the collection failed to read is unknown, not absent (LR012 must not call the function private).
  const unreadPolicies = calls
    .filter((c) => c.service === "lambda" && c.operation === "GetPolicy" && c.status === "failed" && typeof c.region === "string" && typeof c.target === "string")
    .map((c) => ({ region: c.region, target: c.target as string }));
  // Capacity providers unknown (a failure that is no note: denied, expired, throttled): LR016 must not rule out an operator role there.
  const capacityProvidersUnread = [
    ...new Set(
      calls
        .filter((c) => c.service === "lambda" && c.operation === "ListCapacityProviders" && c.status === "failed" && typeof c.region === "string" && (c as { reason?: unknown }).reason == null)
        .map((c) => c.region),
    ),
  ].sort();
  const listsFailed = [
    ...new Set(calls.filter((c) => c.service === "lambda" && c.operation === "ListFunctions" && c.status === "failed" && typeof c.region === "string").map((c) => c.region)),
  ].sort();
  return {
    accountId,
    regions,
    allRegions: m.options?.regionsRequested === "all" && enabledListed,
    ...(m.options?.regionsRequested === "all" && !enabledListed ? { enabledRegionsUnknown: true } : {}),
    lists,
    ...(listsFailed.length > 0 ? { listsFailed } : {}),
    ...(unreadPolicies.length > 0 ? { unreadPolicies } : {}),
    ...(capacityProvidersUnread.length > 0 ? { capacityProvidersUnread } : {}),
  };
}
