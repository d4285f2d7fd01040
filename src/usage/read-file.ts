/**
 * Reading one usage file of any supported shape into a FilePartial. Runs in worker threads and
 * in-process alike; never throws for bad input: problems become warnings and partial reasons
 * naming the file and the position (byte offset, record index, line), and what could be read is
 * still counted.
 *
 * Shapes (sniffed from content, never from the file name; gzip by magic bytes 1f 8b):
 * - S3 delivery `{"Records":[…]}` and bare arrays of records → byte scanner (scan-records.ts)
 * - `aws cloudtrail lookup-events` output (`Events[].CloudTrailEvent` JSON strings), a list of
 *   such pages, or its events without the wrapper (an array, one, or one per line)
 * - EventBridge envelopes (`detail` holds the record), single records, and streams of either:
 *   JSON Lines, or objects back to back (`}{`, Firehose's S3 output; json-stream.ts), also of
 *   whole `{"Records": […]}` files concatenated
 * - CloudTrail in CloudWatch Logs: filter-log-events and get-log-events output, subscription data
 *   as Firehose writes it to S3 (each message is a record; cloudwatch-logs.ts)
 * - rows of the shipped aggregation query: Athena CSV, Lake GetQueryResults, JSON row arrays
 * - Access Advisor and Access Analyzer outputs (returned on the side, not as CloudTrail)
 */

import { createHash } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { constants, gunzipSync, inflateRawSync } from "node:zlib";
import { accessAdvisorPages, depthCutTrackedActions, mergeAccessAdvisorPages, notTheRolesReport, parseAccessAdvisor, type AccessAdvisorReport } from "./access-advisor.js";
import { accessAnalyzerErrorFindings, accessAnalyzerEventsHint, accessAnalyzerWithoutFindingsHint, accessAnalyzerNextTokens, fromPowerShell, isAccessAnalyzerOutput, parseAccessAnalyzer, unusedWithoutDetails, type AccessAnalyzerFinding } from "./access-analyzer.js";
import { FileAccumulator, type AccumulateOptions, type FilePartial } from "./accumulate.js";
import type { SessionFilter } from "./aggregate.js";
import { eventMessages, isSubscriptionMessage, logEventsIncomplete, logEventsKind } from "./cloudwatch-logs.js";
import { foreignLakeRows, isLakeResults, lakePageOf, lakeStatusProblem } from "./lake-page.js";
import { ingestUsageRow, isUsageRowHeader, parseCsv, rowsFromLake, type QueryRow } from "./query-rows.js";
import { addLookupEvent, addRecord, addRecordString, isEnvelope, isLookupEvent, isObj, isRecordString, looksLikeRecord, notOurs, warn, type Obj } from "./read-records.js";
import { isEventSelectorsOutput, parseEventSelectors, type TrailSelectors } from "./event-selectors.js";
import type { Warning } from "../model/document.js";
import { EVENT_HISTORY_CSV, isEventHistoryCsvHeader } from "./event-history-csv.js";
import { jsonValues } from "./json-stream.js";
import { isCloudTrailLogFile } from "./log-file-name.js";
import { readJsonStream, readLogEvents, readRest } from "./read-stream.js";
import { arrayStartsWithRecord, scanRecords } from "./scan-records.js";
import { wasmScanner } from "./scan-wasm.js";
import { printable } from "../printable.js";
import { appendAll } from "../collections.js";

export interface FileResult {
  partial: FilePartial;
  accessAdvisor: AccessAdvisorReport[];
  accessAnalyzer: AccessAnalyzerFinding[];
  /** Trails' event selectors (get-event-selectors output): what their management events include. */
  trails: TrailSelectors[];
}

export interface ReadFileOptions extends AccumulateOptions {
  /**
   * How the bulk shapes are read: the WebAssembly scanner (default, true; the JavaScript scanner
   * when the module cannot be loaded), the JavaScript byte scanner ("js", the reference it is
   * tested against), or JSON.parse like every other shape (false).
   */
  fastScan?: boolean | "js";
}

/** Decompress when gzip; a truncated stream yields what it holds and a reason. */
export function decode(raw: Buffer): { data: Buffer; problem: string | null } {
  let data = raw;
  let problem: string | null = null;
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      data = gunzipSync(raw, { chunkSize: outputChunk(raw) });
    } catch (e) {
      // Whole gzip members followed by bytes that are not gzip (a download with something appended):
      // every member is read, as `gzip -d` reads them ("trailing garbage ignored"); before, zlib's
      // "incorrect header check" dropped the whole file.
      const members = gunzipMembers(raw);
      if (members !== null && members.trailing > 0) {
        return { data: utf8Of(members.data), problem: `${members.trailing} bytes after the gzip data are not gzip (ignored); the ${members.data.length} bytes before them were read` };
      }
      // Truncated or corrupt: take what inflates up to the damage.
      try {
        data = gunzipSync(raw, { finishFlush: constants.Z_SYNC_FLUSH });
      } catch {
        data = Buffer.alloc(0);
      }
      problem = `gzip stream is damaged (${(e as Error).message}); ${data.length} bytes could be decompressed, the rest is lost`;
    }
  }
  return { data: utf8Of(data), problem };
}

/** UTF-16 with BOM, re-encoded as UTF-8: LE (Windows PowerShell 5.1's `>`), BE (`Out-File -Encoding BigEndianUnicode`; the audit's router sends both here: headText in route-inputs.ts). */
function utf8Of(data: Buffer): Buffer {
  if (!isUtf16(data)) return data;
  const units = data.subarray(2, data.length - (data.length % 2));
  return Buffer.from((data[0] === 0xfe ? Buffer.from(units).swap16() : units).toString("utf16le"), "utf8");
}

/**
 * The gzip members at the start of `raw`, each inflated whole (RFC 1952: a 10-byte header, the
 * optional FEXTRA, FNAME, FCOMMENT and FHCRC fields, the deflate data, an 8-byte trailer), and how
 * many bytes follow the last one. Null when the first member cannot be read whole (a truncated or
 * damaged stream: the caller's Z_SYNC_FLUSH read takes what it can).
 */
function gunzipMembers(raw: Buffer): { data: Buffer; trailing: number } | null {
  const out: Buffer[] = [];
  let at = 0;
  while (at + 18 <= raw.length && raw[at] === 0x1f && raw[at + 1] === 0x8b && raw[at + 2] === 8) {
    const flags = raw[at + 3] as number;
    let p = at + 10;
    if (flags & 4) p += 2 + raw.readUInt16LE(p);
    for (const bit of [8, 16]) {
      if (!(flags & bit)) continue;
      while (p < raw.length && raw[p] !== 0) p++;
      p++;
    }
    if (flags & 2) p += 2;
    if (p >= raw.length) break;
    try {
      const r = inflateRawSync(raw.subarray(p), { info: true }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
      out.push(r.buffer);
      at = p + r.engine.bytesWritten + 8;
    } catch {
      break;
    }
  }
  if (out.length === 0 || at > raw.length) return null;
  return { data: out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out), trailing: raw.length - at };
}

function isUtf16(b: Buffer): boolean {
  return b.length >= 2 && ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff));
}

/**
 * Output chunk for gunzip: the size the gzip trailer states (ISIZE, the last 4 bytes: the last
 * member's length mod 2³²), so the output is one buffer, not 16 KiB chunks concatenated at the
 * end (a copy of the whole file: ~15% of gunzip's CPU on 7.5 MB files). Only a hint: a wrong or
 * damaged trailer just means more chunks; clamped to [64 KiB, 64 MiB].
 */
function outputChunk(raw: Buffer): number {
  const isize = raw.length >= 18 ? raw.readUInt32LE(raw.length - 4) : 0;
  return Math.min(64 << 20, Math.max(64 << 10, isize + 64));
}

export function readUsageFile(path: string, options: ReadFileOptions = {}): FileResult {
  const acc = new FileAccumulator(path, options);
  const result: FileResult = { partial: acc.finish(), accessAdvisor: [], accessAnalyzer: [], trails: [] };
  readUsageFileInto(path, acc, result, options);
  result.partial = acc.finish();
  return result;
}

/**
 * Read files one after another into one accumulator (a batch: one partial for all of them, see
 * FileAccumulator.nextFile). Access Advisor / Analyzer outputs are collected on the side.
 */
export class BatchReader {
  private acc: FileAccumulator | null = null;
  private advisor: AccessAdvisorReport[] = [];
  private analyzer: AccessAnalyzerFinding[] = [];
  private trails: TrailSelectors[] = [];

  constructor(private readonly options: ReadFileOptions = {}) {}

  private keep: SessionFilter | null = null;

  /** From now on, the sessions `keep` refuses get no principal of their own (FileAccumulator.setSessionFilter). */
  setSessionFilter(keep: SessionFilter): void {
    this.keep = keep;
    this.acc?.setSessionFilter(keep);
  }

  /** Read one file; returns its record count. */
  read(path: string): number {
    let acc = this.acc;
    if (acc === null) {
      this.acc = acc = new FileAccumulator(path, this.options);
      if (this.keep !== null) acc.setSessionFilter(this.keep);
    } else acc.nextFile(path);
    const sink: FileResult = { partial: EMPTY_PARTIAL, accessAdvisor: this.advisor, accessAnalyzer: this.analyzer, trails: this.trails };
    readUsageFileInto(path, acc, sink, this.options);
    return acc.recordsInFile;
  }

  /**
   * Time to flush: the batch holds `flushAt` fingerprints, or BATCH_GROUPS groups (each with its
   * resource sample: at 10,000 functions a batch's groups, not its fingerprints, are its memory).
   * Either way a worker's memory does not grow with the logs.
   */
  isFull(flushAt: number): boolean {
    const acc = this.acc;
    return acc !== null && (acc.fingerprintCount >= flushAt || acc.groupCount >= BATCH_GROUPS);
  }

  /** The batch so far as one result (null when no file was read); the reader starts afresh. */
  flush(): FileResult | null {
    const acc = this.acc;
    if (acc === null) return null;
    const out: FileResult = { partial: acc.finish(), accessAdvisor: this.advisor, accessAnalyzer: this.analyzer, trails: this.trails };
    this.acc = null;
    this.advisor = [];
    this.analyzer = [];
    this.trails = [];
    return out;
  }
}

const EMPTY_PARTIAL = new FileAccumulator("").finish();
/**
 * At 10,000 functions and 1M records (2 workers): 2¹³ groups per batch 530 MB peak and 30 CPU-s
 * (every batch resolves its sessions again), 2¹⁴ 678 MB and 21 CPU-s, 2¹⁵ 863 MB and 20 CPU-s.
 */
const BATCH_GROUPS = 1 << 14;

function readUsageFileInto(path: string, acc: FileAccumulator, result: FileResult, options: ReadFileOptions): void {
  let raw: Buffer;
  try {
    raw = readWhole(path);
  } catch (e) {
    acc.format = "unreadable";
    acc.partialReasons.push(`cannot read file: ${(e as Error).message}`);
    acc.warnings.push(warn("unreadable-file", `cannot read file: ${(e as Error).message}`, path));
    return;
  }
  // The bytes as stored, as every other source is hashed (meta.sources[].sha256): which logs a
  // report was made from, and a cache key.
  acc.sha256 = createHash("sha256").update(raw).digest("hex");
  // Gzip goes straight into the WebAssembly scanner's memory when it will read the file; UTF-16
  // (rare: PowerShell redirects) and damaged streams take the usual way.
  const inPlace = options.fastScan === undefined || options.fastScan === true ? (wasmScanner()?.gunzipInPlace(raw) ?? null) : null;
  const { data, problem } = inPlace !== null && !isUtf16(inPlace) ? { data: inPlace, problem: null } : decode(raw);
  if (problem === null) {
    readDecoded(data, acc, result, options);
    return;
  }
  acc.partialReasons.push(problem);
  const gzipWarning = warn("truncated-gzip", problem, path);
  acc.warnings.push(gzipWarning);
  const warningsBefore = acc.warnings.length;
  readDecoded(data, acc, result, options);
  // The JSON breaks where the inflated bytes end: one damage, said once, in the gzip line (it was
  // a second line, "JSON breaks at byte 449 … inside record 0", next to the gzip error).
  const brokeAt = acc.warnings.findIndex((w, i) => i >= warningsBefore && w.code === "truncated-json" && w.file === path);
  if (brokeAt >= 0) {
    const broke = acc.warnings[brokeAt] as Warning;
    acc.warnings.splice(brokeAt, 1);
    gzipWarning.message = `${problem}: the cut falls ${broke.message.replace(/^JSON breaks at byte \d+ \([^)]*\) /, "")}`;
    const said = acc.partialReasons.lastIndexOf(problem);
    if (said >= 0) acc.partialReasons[said] = gzipWarning.message;
    const brokeSaid = acc.partialReasons.lastIndexOf(broke.message);
    if (brokeSaid >= 0) acc.partialReasons.splice(brokeSaid, 1);
  }
}

/**
 * This thread's read buffer, reused from file to file: a fresh buffer per file (readFileSync) is
 * external memory to V8, and ~150 MB of it per million records drove extra garbage collections.
 * What it returns is valid until the next call; readers use it synchronously and keep no view.
 */
let readBuffer = Buffer.allocUnsafeSlow(1 << 20);

function readWhole(path: string): Buffer {
  const fd = openSync(path, "r");
  try {
    // One byte more than the size, so that the read that finds the end needs no growth.
    const size = fstatSync(fd).size;
    if (size + 1 > readBuffer.length) readBuffer = Buffer.allocUnsafeSlow(Math.max(size + 1, readBuffer.length * 2));
    let n = 0;
    for (;;) {
      if (n === readBuffer.length) {
        // The file grew while being read: the size was only a hint.
        const bigger = Buffer.allocUnsafeSlow(readBuffer.length * 2);
        bigger.set(readBuffer);
        readBuffer = bigger;
      }
      const got = readSync(fd, readBuffer, n, readBuffer.length - n, null);
      if (got === 0) break;
      n += got;
    }
    // After one huge file, a small one gives the memory back.
    if (readBuffer.length > 64 << 20 && n < readBuffer.length >> 3) {
      const out = Buffer.from(readBuffer.subarray(0, n));
      readBuffer = Buffer.allocUnsafeSlow(1 << 20);
      return out;
    }
    return readBuffer.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** Dispatch on content. Exported for tests that feed bytes directly. */
export function readDecoded(data: Buffer, acc: FileAccumulator, result: FileResult, options: ReadFileOptions = {}): void {
  readContent(data, acc, result, options);
  // Said once per file, as a note: Insights events are no calls, and leaving them out loses none.
  if (acc.insightRecords > 0) {
    const n = acc.insightRecords;
    acc.warnings.push(warn("cloudtrail-insights-skipped", `${n} CloudTrail Insights ${n === 1 ? "event" : "events"} left out: ${n === 1 ? "it reports" : "they report"} unusual API call or error rates, not API calls`, acc.path, undefined, "info"));
  }
}

function readContent(data: Buffer, acc: FileAccumulator, result: FileResult, options: ReadFileOptions): void {
  const path = acc.path;
  if (options.fastScan !== false && (firstByte(data) !== 0x5b || arrayStartsWithRecord(data))) {
    const skipped = (index: number, offset: number, reason: string): void => acc.skip(`Records[${index}] (byte ${offset})`, reason);
    const wasm = options.fastScan === "js" ? null : wasmScanner();
    const outcome =
      wasm === null
        ? // The accumulator keeps strings out of an event, never the event: one object serves all.
          scanRecords(data, { event: (ev, index) => acc.add(ev, index), skipped }, { reuseEvent: true })
        : wasm.scan(data, { compact: (c, r, index) => acc.addCompact(c, r, index), event: (ev, index) => acc.add(ev, index), skipped });
    if (outcome !== null) {
      acc.format = outcome.format === "records" ? "cloudtrail-s3" : "cloudtrail-array";
      if (outcome.error !== null) {
        // CloudTrail files concatenated (`zcat *.json.gz > all.json`): the values after the first
        // are read as a stream of them. Only when the scanner stopped there: no cost otherwise.
        if (outcome.error.message.startsWith("unexpected data after the top-level") && readRest(data, outcome.error.offset, acc)) return;
        // "the 0 records before it were counted" said of a file cut in its first record (a download cut short).
        const counted = outcome.records === 0 ? "no record before it, none counted" : outcome.records === 1 ? "the 1 record before it was counted" : `the ${outcome.records} records before it were counted`;
        const msg = `JSON breaks at byte ${outcome.error.offset} (${outcome.error.message}) inside record ${outcome.records}; ${counted}`;
        acc.partialReasons.push(msg);
        acc.warnings.push(warn("truncated-json", msg, path, `Records[${outcome.records}]`));
      }
      return;
    }
  }
  let text = data.toString("utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const trimmed = text.trimStart();
  if (trimmed === "") {
    acc.format = "empty";
    // A damaged gzip that inflated to nothing has said so already.
    if (acc.partialReasons.length > 0) return;
    if (isCloudTrailLogFile(path)) {
      // CloudTrail never delivers an empty file (a delivery without events is `{"Records":[]}`):
      // this one was cut short (a download or copy that failed), and its events are missing.
      const what = data.length === 0 ? "it is empty (0 bytes)" : "it holds only whitespace";
      const msg = `named or placed as a CloudTrail log file, but ${what}: CloudTrail delivers no empty files, so its events are missing (download it again)`;
      acc.partialReasons.push(msg);
      acc.warnings.push(warn("cloudtrail-file-unreadable", msg, path));
      return;
    }
    acc.warnings.push(warn("empty-file", "file is empty", path, undefined, "info"));
    return;
  }
  // CSV of the shipped query: the first line is our header.
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) {
    const firstLine = (trimmed.split(/\r?\n/, 1)[0] ?? "").split(",").map((h) => h.replace(/"/g, "").trim().toLowerCase());
    if (isUsageRowHeader(firstLine)) {
      acc.format = "usage-query-csv";
      try {
        const { header, rows } = parseCsv(trimmed);
        ingestRows(acc, rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? null]))), "line");
      } catch (e) {
        notOurs(acc, `CSV cannot be read: ${(e as Error).message}`);
      }
      return;
    }
    if (isEventHistoryCsvHeader(firstLine)) {
      acc.format = "cloudtrail-console-csv";
      notOurs(acc, EVENT_HISTORY_CSV);
      return;
    }
    // JSON strings one per line (`jq '.Events[].CloudTrailEvent'` without -r).
    if (/^"(?:[^"\\]|\\.)*"\s*$/.test(trimmed.split("\n", 1)[0] as string)) {
      readJsonStream(trimmed, acc, "not JSON and not the CSV of the usage query");
      return;
    }
    notOurs(acc, "not JSON and not the CSV of the usage query");
    return;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(trimmed);
  } catch (e) {
    const pages = accessAdvisorPagesInStream(trimmed);
    if (pages !== null) {
      readAccessAdvisor(pages, acc, result);
      return;
    }
    if (accessAnalyzerEventsInStream(trimmed, acc)) return;
    readJsonStream(trimmed, acc, (e as Error).message);
    return;
  }
  readDocument(doc, acc, result);
}

function readDocument(doc: unknown, acc: FileAccumulator, result: FileResult): void {
  const path = acc.path;
  const advisorPages = accessAdvisorPages(doc);
  if (advisorPages !== null) {
    readAccessAdvisor(advisorPages, acc, result);
    return;
  }
  if (isObj(doc) && typeof doc.JobId === "string" && Object.keys(doc).length === 1) {
    // generate-service-last-accessed-details output: only a job id, read for the role join.
    acc.format = "access-advisor-job";
    return;
  }
  if (isEventSelectorsOutput(doc)) {
    acc.format = "cloudtrail-event-selectors";
    result.trails.push(parseEventSelectors(doc));
    return;
  }
  if (accessAnalyzerEvents([doc], acc)) return;
  // AWS Tools for PowerShell's output (PascalCase, enums as {"Value": …}) read as the CLI's. The
  // hint reads either itself, to say how to join an analyzer to its findings with the tool used.
  const analyzerDoc = fromPowerShell(doc);
  const withoutFindings = accessAnalyzerWithoutFindingsHint([doc]);
  if (withoutFindings !== null) {
    // No activity data, so nothing partial: what it holds is said, with how to give it.
    acc.format = "access-analyzer-analyzer";
    acc.warnings.push(warn("access-analyzer-without-findings", withoutFindings, path));
    return;
  }
  if (isAccessAnalyzerOutput(analyzerDoc)) {
    acc.format = "access-analyzer";
    try {
      appendAll(result.accessAnalyzer, parseAccessAnalyzer(analyzerDoc).map((f) => ({ ...f, file: path })));
      const errors = accessAnalyzerErrorFindings(analyzerDoc);
      if (errors.length > 0) {
        const ids = `${errors.slice(0, 3).join(", ")}${errors.length > 3 ? ` and ${errors.length - 3} more` : ""}`;
        acc.warnings.push(
          warn(
            "access-analyzer-error-finding",
            `${errors.length} unused-access ${errors.length === 1 ? "finding is an error finding" : "findings are error findings"} (${ids}): the analyzer could not analyze the role, so ${errors.length === 1 ? "it says" : "they say"} nothing of its unused access and ${errors.length === 1 ? "is" : "are"} not used`,
            path,
          ),
        );
      }
      for (const type of ["UnusedPermission", "UnusedIAMRole"] as const) {
        const bare = unusedWithoutDetails(analyzerDoc, type);
        if (bare.length === 0) continue;
        const ids = `${bare.slice(0, 3).join(", ")}${bare.length > 3 ? ` and ${bare.length - 3} more` : ""}`;
        // A role summary: its last use is in get-finding-v2's unusedIamRoleDetails alone, and the
        // analyzer's unusedAccessAge (1 to 365 days) may be shorter than the window.
        const lacks = type === "UnusedPermission" ? "which name no unused service or action" : "which do not say when the role was last used, only that it went unused for the analyzer's unusedAccessAge (1 to 365 days, possibly shorter than the window) before its analysis";
        acc.warnings.push(
          warn(
            "access-analyzer-no-details",
            `${bare.length} ${type} ${bare.length === 1 ? "finding has" : "findings have"} no findingDetails (${ids}): list-findings-v2 gives summaries only, ${lacks}, so ${bare.length === 1 ? "it is" : "they are"} not used. Give the output of aws accessanalyzer get-finding-v2 --analyzer-arn … --id … for each`,
            path,
          ),
        );
      }
      // A cut list or finding is said, as a cut Lambda or IAM list is (truncated-pagination): the
      // findings or findingDetails after the token are missing. A warning, not partial usage: a
      // finding makes unused only what it names (and only when its analyzer's unusedAccessAge spans
      // the window: labels.ts, mergeAccessAnalyzer), and nothing is read from what a finding leaves
      // out, so what is missing leaves the labels of the logs and Access Advisor as they are. It
      // may leave unsaid an agreement, or a last access inside the window that would have made one
      // of their unused labels used or unknowable, as not giving the findings at all would.
      for (const at of accessAnalyzerNextTokens(analyzerDoc)) {
        const what = at.startsWith("[") || !Array.isArray((analyzerDoc as { findings?: unknown }).findings) ? "a get-finding-v2 output whose findingDetails" : "a list-findings-v2 output whose findings";
        acc.warnings.push(
          warn(
            "truncated-pagination",
            `Access Analyzer output is cut: ${what} go on past this page (${at.replace(/^\[\d+\]\./, "")} is set): only those given are read, the rest are missing. Fetch every page (the AWS CLI does unless --max-items or --no-paginate is given)`,
            path,
            at,
          ),
        );
      }
    } catch (e) {
      notOurs(acc, `Access Analyzer output cannot be used: ${(e as Error).message}`);
    }
    return;
  }
  if (isDigest(doc)) {
    // Log file validation: the hashes of an hour's log files, no events. Walks skip their folder;
    // one named on the command line (or copied elsewhere) is noted, and leaves nothing partial.
    acc.format = "cloudtrail-digest";
    acc.warnings.push(warn("cloudtrail-digest-skipped", "a CloudTrail digest file (log file integrity validation): it holds no events, left out", path, undefined, "info"));
    return;
  }
  if (isObj(doc) && Array.isArray(doc.Records)) {
    acc.format = "cloudtrail-s3";
    doc.Records.forEach((r, i) => addRecord(acc, r, `Records[${i}]`));
    return;
  }
  if (isLakeResults(doc)) {
    acc.format = "usage-query-lake";
    // A query not finished: what rows there are still count (a call seen is used), but the rest
    // is missing. A finished page's completeness is decided with the other pages (lake-page.ts).
    const problem = lakeStatusProblem(doc);
    if (problem !== null) {
      acc.partialReasons.push(problem);
      acc.warnings.push(warn("lake-query-not-finished", problem, path));
    } else acc.lakePage = lakePageOf(doc);
    if (!Array.isArray(doc.QueryResultRows)) return;
    const foreign = foreignLakeRows(doc.QueryResultRows);
    if (foreign !== null) {
      notOurs(acc, foreign);
      return;
    }
    try {
      ingestRows(acc, rowsFromLake(doc as { QueryResultRows: unknown }), "QueryResultRows");
    } catch (e) {
      notOurs(acc, (e as Error).message);
    }
    return;
  }
  const cwl = logEventsKind(doc);
  if (cwl !== null) {
    acc.format = `cloudtrail-cwl-${cwl}`;
    const incomplete = logEventsIncomplete(doc as Obj, cwl);
    if (incomplete !== null) {
      acc.partialReasons.push(incomplete);
      acc.warnings.push(warn("cloudwatch-logs-more-events", incomplete, path));
    }
    readLogEvents(acc, eventMessages(doc as Obj, "events"));
    return;
  }
  if (isSubscriptionMessage(doc)) {
    acc.format = "cloudtrail-cwl-subscription";
    readLogEvents(acc, eventMessages(doc as Obj, "logEvents"));
    return;
  }
  const pages = isObj(doc) && Array.isArray(doc.Events) ? [doc] : Array.isArray(doc) && doc.length > 0 && doc.every((p) => isObj(p) && Array.isArray(p.Events)) ? (doc as Obj[]) : null;
  if (pages !== null) {
    acc.format = "cloudtrail-lookup-events";
    let oldest: string | null = null;
    pages.forEach((page, pi) => {
      (page.Events as unknown[]).forEach((e, i) => {
        const time = addLookupEvent(acc, e, `${pages.length > 1 ? `[${pi}].` : ""}Events[${i}].CloudTrailEvent`);
        if (time !== null && (oldest === null || time < oldest)) oldest = time;
      });
    });
    // A NextToken on the last page (the API's, or the AWS CLI's own after --max-items or
    // --no-paginate) says more events match. LookupEvents returns the newest first, so what is
    // missing is the older part of the window: an action not seen may have been called there.
    const last = pages[pages.length - 1] as Obj;
    if (typeof last.NextToken === "string" && last.NextToken !== "") {
      const message = `lookup-events output with a NextToken: more events match than it holds${oldest !== null ? ` (LookupEvents returns the newest first: the events before ${oldest} are missing)` : ""}; fetch them all (the AWS CLI does unless --max-items or --no-paginate is given)`;
      acc.partialReasons.push(message);
      acc.warnings.push(warn("cloudtrail-lookup-more-events", message, path, `${pages.length > 1 ? `[${pages.length - 1}].` : ""}NextToken`));
    }
    return;
  }
  // Its events without the wrapper (`--query Events`), or one event: before, "none of its elements
  // is a CloudTrail record", and the calls in them were missing.
  if ((Array.isArray(doc) && doc.length > 0 && doc.every(isLookupEvent)) || isLookupEvent(doc)) {
    acc.format = "cloudtrail-lookup-events";
    if (Array.isArray(doc)) doc.forEach((e, i) => addLookupEvent(acc, e, `[${i}].CloudTrailEvent`));
    else addLookupEvent(acc, doc, "CloudTrailEvent");
    return;
  }
  // The events' CloudTrailEvent strings alone (`--query 'Events[].CloudTrailEvent'`): before, "none
  // of its elements is a CloudTrail record", and the calls in them were missing. Only lookup-events
  // prints records as strings: its management events, so data events are not judged from them.
  if (Array.isArray(doc) && doc.length > 0 && doc.every((s) => typeof s === "string") && doc.some(isRecordString)) {
    acc.format = "cloudtrail-lookup-events";
    doc.forEach((s, i) => addRecordString(acc, s as string, `[${i}]`));
    return;
  }
  if (Array.isArray(doc)) {
    if (doc.length > 0 && doc.every((r) => isObj(r) && typeof r.row_kind === "string")) {
      acc.format = "usage-query-json";
      ingestRows(acc, doc as QueryRow[], "");
      return;
    }
    if (doc.length > 0 && !doc.some((r) => isObj(r) && (looksLikeRecord(r) || isEnvelope(r)))) {
      notOurs(acc, "a JSON array, but none of its elements is a CloudTrail record");
      return;
    }
    acc.format = "cloudtrail-array";
    doc.forEach((r, i) => addRecord(acc, r, `[${i}]`));
    return;
  }
  if (isObj(doc) && (looksLikeRecord(doc) || isEnvelope(doc))) {
    acc.format = isEnvelope(doc) ? "eventbridge" : "cloudtrail-record";
    addRecord(acc, doc, "");
    return;
  }
  notOurs(acc, `not CloudTrail, usage rows, Access Advisor or Access Analyzer data (top-level ${Array.isArray(doc) ? "array" : isObj(doc) ? `keys: ${Object.keys(doc).slice(0, 6).join(", ")}` : typeof doc})`);
}

/**
 * IAM Access Analyzer's EventBridge events of its findings (accessAnalyzerEventsHint): said, with
 * the get-finding-v2 call that gives the finding, instead of read as CloudTrail records in an
 * EventBridge envelope. A warning, not partial usage: a finding makes unused only what it names,
 * so findings not given make no permission unused, as a cut findings list is not partial either.
 */
function accessAnalyzerEvents(values: unknown[], acc: FileAccumulator): boolean {
  const hint = accessAnalyzerEventsHint(values);
  if (hint === null) return false;
  acc.format = "access-analyzer-events";
  acc.warnings.push(warn("access-analyzer-events", hint, acc.path));
  return true;
}

/** The same events one per line (an EventBridge rule's target writing each event): read no further than the first value that is none. */
function accessAnalyzerEventsInStream(text: string, acc: FileAccumulator): boolean {
  const values: unknown[] = [];
  for (const v of jsonValues(text)) {
    if (v.error !== undefined || accessAnalyzerEventsHint([v.value]) === null) return false;
    values.push(v.value);
  }
  return values.length > 0 && accessAnalyzerEvents(values, acc);
}

/**
 * Access Advisor pages one after the other (`aws iam get-service-last-accessed-details … >> file`
 * per `--marker`); null when the first value is no Access Advisor output (read no further then:
 * a CloudTrail stream is not parsed twice) or when any value is not one.
 */
function accessAdvisorPagesInStream(text: string): Obj[] | null {
  const pages: Obj[] = [];
  for (const v of jsonValues(text)) {
    if (v.error !== undefined || accessAdvisorPages(v.value) === null) return null;
    appendAll(pages, (accessAdvisorPages(v.value) as Obj[]));
  }
  return pages.length > 0 ? pages : null;
}

/** One Access Advisor output, from its pages (accessAdvisorPages). */
function readAccessAdvisor(pages: Obj[], acc: FileAccumulator, result: FileResult): void {
  const path = acc.path;
  acc.format = "access-advisor";
  // A job still running or failed is a report of nothing yet: said and left out, without making
  // every other input partial (CloudTrail may cover the window by itself).
  const unfinished = pages.find((p) => p.JobStatus !== undefined && p.JobStatus !== "COMPLETED");
  if (unfinished !== undefined) {
    // A failed job never completes: its Error says why, and only a new job gives a report.
    const error = isObj(unfinished.Error) ? [unfinished.Error.Code, unfinished.Error.Message].filter((x) => typeof x === "string").join(": ") : "";
    const message =
      unfinished.JobStatus === "FAILED"
        ? `Access Advisor job FAILED${error === "" ? "" : ` (${error})`}: the report is left out; start a new job (aws iam generate-service-last-accessed-details) and fetch its output`
        : `Access Advisor job status is ${printable(unfinished.JobStatus)}, not COMPLETED: the report is left out; fetch it again when the job has completed`;
    acc.warnings.push(warn("access-advisor-job-not-completed", message, path));
    return;
  }
  try {
    const doc = mergeAccessAdvisorPages(pages);
    const report = parseAccessAdvisor(doc, path);
    const other = report.roleArn === null ? null : notTheRolesReport(doc, report.roleArn);
    if (other !== null) {
      // Merged into the named role's labels it would call that role's permissions used (or agree
      // they are unused) on another principal's activity: left out, said, nothing made partial.
      acc.warnings.push(warn("access-advisor-role-mismatch", `Access Advisor output is taken to be about ${report.roleArn} (file name or Arn), but ${other}: the report is left out; name the file after the role the job was generated for`, path));
      return;
    }
    const cut = depthCutTrackedActions(doc);
    if (cut !== null) {
      // Its services are read (their own times are there); which actions were accessed is not.
      acc.warnings.push(
        warn(
          "access-advisor-depth-cut",
          `Access Advisor output has a .NET type name where its tracked actions are (${cut.where}, ${JSON.stringify(cut.name)}): PowerShell's ConvertTo-Json wrote what lay below its -Depth (2 unless given) as type names, so only the services are used, not which of their actions were accessed; export again with ConvertTo-Json -Depth 10`,
          path,
        ),
      );
    }
    if (report.roleArn === null) acc.warnings.push(warn("access-advisor-role-unknown", "Access Advisor output does not say which role it is about; name the file after the URL-encoded role ARN", path));
    // The services of the pages not given are missing, not unused: only those given are merged.
    if (doc.IsTruncated === true) {
      acc.warnings.push(
        warn(
          "access-advisor-truncated",
          `Access Advisor output is cut: its last page says more services follow (IsTruncated, Marker ${JSON.stringify(doc.Marker ?? null)}); only the ${report.services.length} services given are used. Fetch the next pages with --marker and keep them in this file (a JSON array of the pages, or one after the other)`,
          path,
        ),
      );
    }
    result.accessAdvisor.push(report);
  } catch (e) {
    notOurs(acc, `Access Advisor output cannot be used: ${(e as Error).message}`);
  }
}

function firstByte(b: Buffer): number {
  let i = b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09)) i++;
  return b[i] ?? -1;
}

/** A CloudTrail digest file (CloudTrail User Guide, "CloudTrail digest file structure"). */
function isDigest(doc: unknown): boolean {
  return isObj(doc) && typeof doc.digestStartTime === "string" && typeof doc.digestEndTime === "string" && Array.isArray(doc.logFiles);
}

function ingestRows(acc: FileAccumulator, rows: QueryRow[], where: string): void {
  rows.forEach((row, i) => {
    const problem = ingestUsageRow(acc, row);
    // CSV rows are numbered as lines (header is line 1).
    if (problem !== null) acc.skip(where === "line" ? `line ${i + 2}` : `${where}[${i}]`, problem);
  });
}
