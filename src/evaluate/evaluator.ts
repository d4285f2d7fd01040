/**
 * Evaluating a canonical document with one or more rule packs, in-process. A document object is
 * encoded as JSON element by element into chunks outside the V8 heap and copied into each pack's
 * wasm memory (wasm-input.ts): the document, its whole JSON text as a V8 string and the wasm heap
 * are never alive at once, which is what made the 10,000-function audit run out of heap. The built-in pack gets the built-in rules' view of the
 * document (rules-view.ts: what no built-in rule reads left out), in slices of a few hundred
 * functions (rules-slices.ts); custom packs the whole document in one piece.
 * A document already serialised (EncodedDocument) is handed to every pack as it is. Each pack is
 * evaluated exactly once, through its single aggregating entrypoint. Whatever a pack does wrong (abort, out of memory, bad findings) becomes a
 * diagnostic for that pack; the other packs still run.
 */

import { availableParallelism } from "node:os";
import { EvaluationError, RulePackError, toError } from "../errors.js";
import type { CanonicalDocument } from "../model/document.js";
import type { Finding } from "../model/findings.js";
import { buildFindings, compareFindings, indexDocument, isPackFailure, ruleRef, type Diagnostic } from "./findings.js";
import type { RuleMetadata } from "./catalog.js";
import { PACK_ENTRYPOINT } from "./compile-rego.js";
import { regoSourceText } from "./rego-text.js";
import { watchSlowPack } from "./slow-pack.js";
import { pagesFor } from "./memory.js";
import { evaluateSlicesParallel, PARALLEL_MIN_SLICES } from "./parallel.js";
import { loadPolicyUnsigned, withSharedCodecs, type LoadedPolicy } from "./opa-wasm.js";
import { loadBuiltinPack, uniquePacks, type RulePack } from "./pack.js";
import { heldListsOf } from "./held-lists.js";
import { builtinRulesView } from "./rules-view.js";
import { pendingRulesSlices, sliceRulesView, slicesOf, type RulesSlices } from "./rules-slices.js";
import type { PendingDocument } from "../model/pending.js";
import { ChunkSink, encodeChunked, evaluateChunks } from "./wasm-input.js";
import { applySuppressions, suppressionsFromDocument, suppressionsFromTags, type SuppressionRule } from "./suppressions.js";
import { appendAll } from "../collections.js";
import { checkCanonicalInput } from "../normalize/validate.js";

/** A document already serialised to UTF-8 JSON (e.g. read from disk), to skip re-serialising it. */
export interface EncodedDocument {
  readonly json: ArrayBuffer;
  /**
   * The parsed document, used to resolve names and source locations of findings. A whole
   * canonical document: evaluateDocument checks it against the schema, as it checks a document.
   */
  readonly document: CanonicalDocument;
}

export function encodeDocument(document: CanonicalDocument, jsonText?: string): EncodedDocument {
  const bytes = new TextEncoder().encode(jsonText ?? JSON.stringify(document));
  // A fresh ArrayBuffer of exactly the right length: opa-wasm copies `new Uint8Array(input)`,
  // and a Node Buffer (or a view on a pooled buffer) would be stringified instead (a silent wrong answer).
  const json = bytes.buffer.byteLength === bytes.byteLength ? (bytes.buffer as ArrayBuffer) : bytes.slice().buffer;
  return { json, document };
}

export interface EvaluateOptions {
  /** Rule options, visible to rules as `data.leastrole.config` (config file: `rules.options`, `scope`). */
  ruleOptions?: Record<string, unknown>;
  /** Suppressions from the config file; tags on roles and functions are always read too. */
  suppressions?: SuppressionRule[];
  /** The date (YYYY-MM-DD) that decides whether a suppression has expired. Default: today (UTC). */
  today?: string;
  /**
   * evaluateDocumentAsync only: worker threads that evaluate slices of the built-in pack's input
   * beside the calling thread. Default: one less than the available cores, at most 3; 0: none.
   */
  evaluateWorkers?: number;
  /** Functions per slice of the built-in pack's input (rules-slices.ts; default 500). */
  sliceFunctions?: number;
}

export interface PackSummary {
  origin: string;
  wasmSha256: string;
  rules: number;
  findings: number;
  /** The pack did not run, or its result could not be read (isPackFailure): its findings are missing. */
  failed: boolean;
}

export interface EvaluationResult {
  /** Sorted: severity, rule id, resource ARN, fingerprint. Suppressed findings included, marked. */
  findings: Finding[];
  diagnostics: Diagnostic[];
  packs: PackSummary[];
  suppressions: { unused: SuppressionRule[]; expired: SuppressionRule[] };
}

// One live instance per pack, reused across evaluations (instantiation costs ~1 ms, setData more).
const instances = new WeakMap<RulePack, { policy: LoadedPolicy; dataKey: string }>();

/**
 * Past this, an instance is released once the process has been idle for RELEASE_AFTER_MS: wasm
 * memory never shrinks while it lives. Not at once: a dropped memory stays resident until the
 * garbage collector frees it, which it had not done by the next evaluation, so evaluations in a row
 * held two large memories at once (3 evaluations of the 10,000-function document in one process
 * peaked at 1.57 GB against 0.97 GB for one). Reused while retained, it costs nothing more.
 */
const MAX_RETAINED_MEMORY = 512 * 1024 * 1024;
const RELEASE_AFTER_MS = 1000;
const releaseTimers = new WeakMap<RulePack, ReturnType<typeof setTimeout>>();

function releaseLater(pack: RulePack, policy: LoadedPolicy): void {
  clearTimeout(releaseTimers.get(pack));
  const timer = setTimeout(() => {
    if (instances.get(pack)?.policy === policy) instances.delete(pack);
    releaseTimers.delete(pack);
  }, RELEASE_AFTER_MS);
  timer.unref(); // never keeps the process alive
  releaseTimers.set(pack, timer);
}

function instanceFor(pack: RulePack, data: Record<string, unknown>, inputBytes: number): LoadedPolicy {
  const dataKey = JSON.stringify(data);
  const pages = pagesFor(inputBytes, dataKey.length);
  let cached = instances.get(pack);
  if (cached && cached.policy.mem.buffer.byteLength < pages * 65536) cached = undefined; // too small: start afresh
  if (cached && cached.dataKey === dataKey) return cached.policy;
  const policy = cached?.policy ?? loadPolicyUnsigned(pack.module, { initial: pages });
  policy.setData(data);
  instances.set(pack, { policy, dataKey });
  return policy;
}

/** About one built-in slice of 500 functions (4.8–5.5 MB at 10,000 functions, bench/scale). */
const TYPICAL_SLICE_BYTES = 6 << 20;

/**
 * Makes the built-in pack's instance on this thread now, sized for a typical slice, so that the
 * evaluation finds it made. Why: the instance's memory counts whole as V8 external memory when it
 * is made, and V8 answers that with a full mark-compact; made at the start of an audit it is
 * collected with a heap of a few MB, made at the evaluation with the audit's ~450 MB (at 10,000
 * functions the first slice then took ~760 ms instead of ~150). A slice that does not fit makes a
 * larger one, as before; nothing else changes. Best effort: any failure is left to the evaluation.
 */
export function prepareBuiltinInstance(ruleOptions?: Record<string, unknown>): void {
  try {
    const pack = loadBuiltinPack();
    instanceFor(pack, mergeData(pack.data, ruleOptions), TYPICAL_SLICE_BYTES);
  } catch {
    // The evaluation loads the pack again and reports what is wrong.
  }
}

/**
 * The pack's data with the rule options as `data.leastrole.config`, an object even when no option
 * is given: a rule reading `object.get(data.leastrole.config, "x", default)` would otherwise be
 * undefined, and find nothing, whenever the config file has no `rules.options`.
 */
function mergeData(packData: Record<string, unknown>, config: Record<string, unknown> | undefined): Record<string, unknown> {
  const leastrole = (packData.leastrole as Record<string, unknown> | undefined) ?? {};
  const packConfig = (leastrole.config as Record<string, unknown> | undefined) ?? {};
  return { ...packData, leastrole: { ...leastrole, config: { ...packConfig, ...(config ?? {}) } } };
}

function isEncoded(input: EncodedDocument | Partial<CanonicalDocument>): input is EncodedDocument {
  return "json" in input && (input as EncodedDocument).json instanceof ArrayBuffer;
}

/**
 * Raw result of one pack's entrypoint. A document object is written straight into the wasm
 * memory: for the built-in pack its view of it, slice by slice (rules-slices.ts: the wasm heap
 * holds one slice at a time; the results are concatenated); an encoded one is copied as it is.
 * Throws EvaluationError.
 */
export function evaluatePackRaw(pack: RulePack, input: EncodedDocument | Partial<CanonicalDocument>, config?: Record<string, unknown>, sliceFunctions?: number): unknown {
  if (isEncoded(input)) return evaluateInput(pack, input, config);
  if (pack.origin !== "builtin") return evaluateInput(pack, encodeChunked(input), config);
  return evaluateSlices(pack, slicesOf(sliceRulesView(builtinRulesView(input), sliceFunctions)), config);
}

/** Slices of the built-in view one after the other on this thread; results concatenated in order. */
function evaluateSlices(pack: RulePack, slices: RulesSlices, config?: Record<string, unknown>): unknown {
  const results: unknown[] = [];
  for (let i = 0; i < slices.count; i++) {
    const slice = slices.slice(i);
    const held = heldListsOf(slice);
    const result = evaluateInput(pack, encodeChunked(slice), config);
    const raw = held === undefined ? result : held.restore(result);
    if (!Array.isArray(raw)) return raw; // not a set of findings: buildFindings reports it
    for (const r of raw) results.push(r);
  }
  return results;
}

function evaluateInput(pack: RulePack, input: EncodedDocument | ChunkSink, config?: Record<string, unknown>): unknown {
  let policy: LoadedPolicy;
  const encoded = input instanceof ChunkSink ? null : input;
  try {
    policy = instanceFor(pack, mergeData(pack.data, config), encoded ? encoded.json.byteLength : (input as ChunkSink).length);
  } catch (thrown) {
    instances.delete(pack);
    throw new EvaluationError(`cannot load data into the rule pack: ${toError(thrown).message}`, { file: pack.origin, cause: thrown });
  }
  try {
    const resultSet = withSharedCodecs(() =>
      encoded ? policy.evaluate(encoded.json, PACK_ENTRYPOINT) : evaluateChunks(policy, input as ChunkSink, entrypointOf(policy)),
    );
    if (!resultSet || resultSet.length === 0) return [];
    return resultSet[0]!.result;
  } catch (thrown) {
    instances.delete(pack); // the instance may be in any state after an abort
    // A pack compiled from a temporary copy names the copy's files: shown as the bundle's.
    const message = pack.sourcePaths === undefined ? toError(thrown).message : toError(thrown).message.split(pack.sourcePaths.compiled).join(pack.sourcePaths.shown);
    throw new EvaluationError(`evaluation aborted: ${message}${arithmeticAbortHint(message, pack)}`, { file: pack.origin, cause: thrown });
  } finally {
    if (instances.get(pack)?.policy === policy && policy.mem.buffer.byteLength > MAX_RETAINED_MEMORY) releaseLater(pack, policy);
  }
}

/**
 * OPA's WebAssembly aborts on 0 / 0 (the quotient is no number) with
 * `opa_arith_divide: invalid number`, naming no file, line or rule; any other division by zero
 * (1 / 0, 0 % 0) is undefined instead, as in `opa eval`. So the message says what it means and where the pack's
 * rules divide, read from their files when they are on disk.
 */
function arithmeticAbortHint(message: string, pack: RulePack): string {
  if (!message.includes("opa_arith_divide: invalid number")) return "";
  const places: string[] = [];
  const files = [...new Set(pack.catalog.rules.map((r) => r.file?.replace(/:\d+$/, "")).filter((f): f is string => !!f))].sort();
  for (const file of files) {
    const text = regoSourceText(file);
    if (text === null) continue;
    text.split(/\r?\n/).forEach((line, i) => {
      // Strings and comments left out: a "/" in an ARN or a sentence divides nothing.
      const code = line.replace(/"(?:[^"\\]|\\.)*"|`[^`]*`/g, '""').replace(/#.*$/, "");
      if (/[\w)\]]\s*\/\s*[\w(]/.test(code)) places.push(`${file}:${i + 1}`);
    });
  }
  const where = places.length === 0 ? "" : `; the pack's rules divide at ${places.slice(0, 5).join(", ")}${places.length > 5 ? ", …" : ""}`;
  return ` (a rule computed 0 / 0, on which OPA's WebAssembly aborts without saying where: guard the divisor, e.g. \`count(xs) > 0\`${where})`;
}

function entrypointOf(policy: LoadedPolicy): number {
  const id = policy.entrypoints[PACK_ENTRYPOINT];
  if (typeof id !== "number") throw `entrypoint ${PACK_ENTRYPOINT} is not valid in this instance`;
  return id;
}

/**
 * Packs are given once each (uniquePacks): two packs here are two different files. A rule is
 * picked out by its id or by its name (rules.disable, suppressions, `leastrole explain`), so each
 * must stand for one rule: a custom rule named `shared-execution-role` was disabled, or
 * suppressed, with the built-in LR001 it was not meant to be. Ids of the form LR<digits> are
 * leastrole's (a later built-in rule may take the id a custom one took), so a custom pack may not
 * use them.
 */
export function checkDistinctIds(packs: ReadonlyArray<Pick<RulePack, "origin" | "catalog">>): void {
  const owner = new Map<string, { pack: Pick<RulePack, "origin">; rule: RuleMetadata }>();
  // Every id and name, lower-cased as rules.disable and suppressions compare them, to its rule.
  const byHandle = new Map<string, { pack: Pick<RulePack, "origin">; rule: RuleMetadata }>();
  for (const pack of packs) {
    for (const rule of pack.catalog.rules) {
      // The prefix first: a custom LR001 is said to take leastrole's prefix, with its file and line,
      // rather than to be "defined by two packs", which named neither rule's file.
      if (pack.origin !== "builtin" && RESERVED_ID.test(rule.id)) {
        throw new RulePackError(
          `${ruleRef(rule.id, rule.package, rule)} uses the LR prefix, which is leastrole's own (its built-in rules are LR001…): give custom rules their own id prefix, such as ACME001`,
          { file: pack.origin },
        );
      }
      const other = owner.get(rule.id);
      if (other !== undefined && other.pack.origin !== pack.origin) {
        throw new RulePackError(
          `${ruleRef(rule.id, rule.package, rule)} has the id of ${ruleRef(other.rule.id, other.rule.package, other.rule)} in ${other.pack.origin === "builtin" ? "the built-in pack" : other.pack.origin}: ` +
            "a rule id is one rule's: give custom rules their own id prefix",
          { file: pack.origin },
        );
      }
      owner.set(rule.id, { pack, rule });
      for (const handle of new Set([rule.id.toLowerCase(), rule.name.toLowerCase()])) {
        const taken = byHandle.get(handle);
        if (taken && (taken.pack.origin !== pack.origin || taken.rule.id !== rule.id)) {
          const mine = handle === rule.id.toLowerCase() ? `has the id ${rule.id}` : `is named ${rule.name}`;
          const theirs = handle === taken.rule.id.toLowerCase() ? "the id" : "the name";
          const where = taken.pack.origin === "builtin" ? "the built-in pack" : taken.pack.origin;
          throw new RulePackError(
            `${ruleRef(rule.id, rule.package, rule)} ${mine}, ${theirs} of ${ruleRef(taken.rule.id, taken.rule.package, taken.rule)} in ${where}: ` +
              "rules.disable and suppressions pick rules by id or name, so it would stand for both: give each rule an id and a custom.name of its own",
            { file: pack.origin },
          );
        }
        byHandle.set(handle, { pack, rule });
      }
    }
  }
}

/** leastrole's rule ids: LR and digits (LR001). */
const RESERVED_ID = /^LR\d/i;

/**
 * Evaluate a document with the given packs, then apply suppressions. A document this process did
 * not build is checked against the canonical schema first (InputError when it does not match).
 *
 * Typed `CanonicalDocument`, as auditDocument is, not `Partial<CanonicalDocument>`: the check
 * refuses a document missing any field the schema requires, so a partial one type-checked and
 * then threw. Not `unknown` either: a document from buildDocument, or one built in code, is typed
 * and should stay checked by the compiler; one read with `JSON.parse` (typed `any`) is accepted
 * as it is, and the schema check at run time is what stands between it and a wrong report.
 */
export function evaluateDocument(
  document: CanonicalDocument | EncodedDocument,
  given: RulePack[],
  options: EvaluateOptions = {},
): EvaluationResult {
  checkEvaluationInput(document, "evaluateDocument");
  return evaluateDocumentUnchecked(document, given, options);
}

/** An encoded document is checked by the document it was encoded from. */
function checkEvaluationInput(document: unknown, caller: string): void {
  const encoded = typeof document === "object" && document !== null && isEncoded(document as EncodedDocument);
  checkCanonicalInput(encoded ? (document as EncodedDocument).document : document, caller);
}

/** evaluateDocument on a document known to be valid (auditDocument checked it). */
export function evaluateDocumentUnchecked(
  document: Partial<CanonicalDocument> | EncodedDocument,
  given: RulePack[],
  options: EvaluateOptions = {},
): EvaluationResult {
  const packs = uniquePacks(given);
  checkDistinctIds(packs);
  return evaluateWith(document, packs, options, new Map());
}

/** Default evaluateWorkers: the other cores, at most 3 (each holds its own wasm instance). */
function defaultWorkers(): number {
  return Math.max(0, Math.min(availableParallelism() - 1, 3));
}

/**
 * evaluateDocument, with the built-in pack's slices spread over worker threads and this one
 * (parallel.ts; `evaluateWorkers`). The same result: slices are independent and their results
 * are concatenated in order. Custom packs and an encoded document are evaluated on this thread.
 * A whole `CanonicalDocument`, checked against the schema, as evaluateDocument says.
 */
export async function evaluateDocumentAsync(
  document: CanonicalDocument | EncodedDocument,
  given: RulePack[],
  options: EvaluateOptions = {},
): Promise<EvaluationResult> {
  checkEvaluationInput(document, "evaluateDocumentAsync");
  return evaluateDocumentAsyncUnchecked(document, given, options);
}

/** evaluateDocumentAsync on a document known to be valid (finished here, or checked by the caller). */
export async function evaluateDocumentAsyncUnchecked(
  document: Partial<CanonicalDocument> | EncodedDocument,
  given: RulePack[],
  options: EvaluateOptions = {},
): Promise<EvaluationResult> {
  const packs = uniquePacks(given);
  checkDistinctIds(packs);
  const done = new Map<RulePack, () => unknown>();
  const notes: Diagnostic[] = [];
  const builtin = packs.find((p) => p.origin === "builtin");
  const threads = options.evaluateWorkers ?? defaultWorkers();
  if (builtin !== undefined && threads > 0 && !isEncoded(document)) {
    const slices = sliceRulesView(builtinRulesView(document), options.sliceFunctions);
    if (slices.length >= PARALLEL_MIN_SLICES) await evaluateBuiltinParallel(builtin, slices, threads, options, done, notes);
    else done.set(builtin, () => evaluateSlices(builtin, slicesOf(slices), options.ruleOptions));
  }
  const result = evaluateWith(document, packs, options, done);
  appendAll(result.diagnostics, notes);
  return result;
}

/**
 * evaluateDocumentAsync on a document still being finished (PendingDocument: the audit's): the
 * built-in pack's slices are made one by one as they are evaluated, the first ones by the workers
 * while this thread makes the next; the other packs, the findings and the suppressions then get the
 * finished document, which is returned with the result. The result is evaluateDocumentAsync's on
 * pending.finish() (test/audit/pending.test.ts).
 */
export async function evaluatePendingAsync(
  pending: PendingDocument,
  given: RulePack[],
  options: EvaluateOptions = {},
): Promise<{ document: CanonicalDocument; result: EvaluationResult }> {
  const packs = uniquePacks(given);
  const builtin = packs.find((p) => p.origin === "builtin");
  if (builtin === undefined || !pending.deferred) {
    const document = pending.finish();
    return { document, result: await evaluateDocumentAsyncUnchecked(document, packs, options) };
  }
  // The built-in pack is evaluated on the pending slices, always: the finished document may not
  // keep the usage labels (buildPendingDocument's keepLabels), which the slices carry.
  checkDistinctIds(packs);
  const done = new Map<RulePack, () => unknown>();
  const notes: Diagnostic[] = [];
  const threads = options.evaluateWorkers ?? defaultWorkers();
  const slices = pendingRulesSlices(pending, options.sliceFunctions);
  if (threads > 0 && slices.count >= PARALLEL_MIN_SLICES) await evaluateBuiltinParallel(builtin, slices, threads, options, done, notes);
  else {
    // Evaluated now, while the labels are there; a failure is reported as evaluateWith would.
    try {
      const raw = evaluateSlices(builtin, slices, options.ruleOptions);
      done.set(builtin, () => raw);
    } catch (thrown) {
      done.set(builtin, () => {
        throw thrown;
      });
    }
  }
  const document = pending.finish();
  const result = evaluateWith(document, packs, options, done);
  appendAll(result.diagnostics, notes);
  return { document, result };
}

async function evaluateBuiltinParallel(
  builtin: RulePack,
  slices: Parameters<typeof evaluateSlicesParallel>[1],
  threads: number,
  options: EvaluateOptions,
  done: Map<RulePack, () => unknown>,
  notes: Diagnostic[],
): Promise<void> {
  try {
    const { result, problem } = await evaluateSlicesParallel(builtin, slices, mergeData(builtin.data, options.ruleOptions), (input) => evaluateInput(builtin, input, options.ruleOptions), threads);
    done.set(builtin, () => result);
    // The findings are the same either way; the user learns why it took longer.
    if (problem !== null) notes.push({ severity: "info", code: "evaluation-workers-unavailable", message: problem, pack: builtin.origin });
  } catch (thrown) {
    done.set(builtin, () => {
      throw thrown;
    });
  }
}

/** Evaluates each pack (or takes its raw result from `done`), builds findings, applies suppressions. */
function evaluateWith(
  document: Partial<CanonicalDocument> | EncodedDocument,
  packs: RulePack[],
  options: EvaluateOptions,
  done: Map<RulePack, () => unknown>,
): EvaluationResult {
  const plain = isEncoded(document) ? document.document : document;
  const entities = indexDocument(plain);
  const diagnostics: Diagnostic[] = [];
  const findings: Finding[] = [];
  const summaries: PackSummary[] = [];
  for (const pack of packs) {
    for (const w of pack.warnings) diagnostics.push({ severity: "warning", code: "pack-warning", message: w, pack: pack.origin });
    let raw: unknown;
    try {
      const ready = done.get(pack);
      if (ready !== undefined) raw = ready();
      else {
        const stopWatching = watchSlowPack(pack);
        try {
          raw = evaluatePackRaw(pack, document, options.ruleOptions, options.sliceFunctions);
        } finally {
          stopWatching();
        }
      }
    } catch (thrown) {
      diagnostics.push({ severity: "error", code: "evaluation-failed", message: toError(thrown).message, pack: pack.origin });
      summaries.push({ origin: pack.origin, wasmSha256: pack.wasmSha256, rules: pack.catalog.rules.length, findings: 0, failed: true });
      continue;
    }
    const built = buildFindings(raw, pack, entities);
    appendAll(findings, built.findings);
    appendAll(diagnostics, built.diagnostics);
    summaries.push({ origin: pack.origin, wasmSha256: pack.wasmSha256, rules: pack.catalog.rules.length, findings: built.findings.length, failed: built.diagnostics.some(isPackFailure) });
  }
  const rules = [...(options.suppressions ?? []), ...suppressionsFromTags(plain), ...suppressionsFromDocument(plain)];
  // Rule ids and names a suppression may name; not checkable when a pack has no catalog (its
  // rules are known only by the findings they happen to give).
  const knownRules = packs.some((p) => p.catalog.rules.length === 0) ? undefined : new Set(packs.flatMap((p) => p.catalog.rules.flatMap((r) => [r.id.toLowerCase(), r.name.toLowerCase()])));
  const suppressed = applySuppressions(findings, rules, options.today, knownRules);
  suppressed.findings.sort(compareFindings);
  return {
    findings: suppressed.findings,
    diagnostics: [...diagnostics, ...suppressed.diagnostics],
    packs: summaries,
    suppressions: { unused: suppressed.unused, expired: suppressed.expired },
  };
}
