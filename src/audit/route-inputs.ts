/**
 * Splitting the user's inputs between the two readers: activity data (CloudTrail, usage query rows,
 * Access Advisor, Access Analyzer) goes to the usage stage, everything else to the source readers.
 * Each file is sniffed from its first bytes (gzip decompressed on the fly), so a CloudTrail tree of
 * a million records is never parsed twice just to be recognised; a file with the name CloudTrail
 * gives its log files is not sniffed at all (routeInputs).
 */

import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { constants, createGunzip, gunzipSync } from "node:zlib";
import { InputError } from "../errors.js";
import { checkPathList } from "../path-list.js";
import type { Warning } from "../model/document.js";
import { isUnfinishedAccessAdvisorJob } from "../usage/access-advisor.js";
import { csvHeaderOf, isEventHistoryCsvHeader } from "../usage/event-history-csv.js";
import { LAKE_RESULT_KEYS } from "../usage/lake-page.js";
import { archiveInCloudTrailPlace, hasCloudTrailDeliveryName, isCloudTrailLogFile, isCloudTrailPlace } from "../usage/log-file-name.js";
import { statProblem } from "../usage/read-usage.js";
import { COLLECT_DIRS, UNLISTED_KEPT_DIR } from "../collect/writer.js";
import { keysAt, topLevelKeys } from "./json-head.js";

export interface RoutedInputs {
  /** Files for the source readers (account exports, IaC, canonical documents); `explicit` when named by the user. */
  sources: Array<{ file: string; explicit: boolean }>;
  /** Files for the usage stage. */
  usage: string[];
  /** Manifests written by `leastrole collect` (they say whether the collection was complete). */
  manifests: string[];
  /**
   * Paths that could not be read (a file, a folder that cannot be listed, a broken link) and may
   * have held activity data: the usage stage reports each as unread, and the usage as partial.
   * `named`: the path was given on the command line (a file, or a folder that cannot be listed),
   * an input error; found in a folder walk, a warning.
   */
  unreadUsage: Array<{ path: string; message: string; named?: boolean }>;
  /** Files for the usage stage that were named on the command line, not found in a folder. */
  namedUsage: string[];
  /** Manifests named on the command line, not found in a folder: one that cannot be read is an input error there, a warning in a walk. */
  namedManifests?: string[];
  warnings: Warning[];
}

/**
 * The warnings that say a file was not read: not JSON (or a template), a shape no reader knows,
 * empty or unreadable as a CloudTrail log file, a read that failed. In a folder walk such a file is
 * a warning (the inputs partial); named on the command line it is an input error (exit code 2).
 */
export const NOT_READ_CODES: ReadonlySet<string> = new Set(["not-json", "unreadable-file", "export-not-read", "cloudtrail-file-unreadable", "unrecognized-input", "unrecognised-usage-file"]);

/**
 * The warnings that say a file is damaged (a gzip stream or JSON cut short): what came before the
 * damage is read, the rest is missing. Named on the command line, an input error too.
 */
export const DAMAGED_CODES: ReadonlySet<string> = new Set(["truncated-gzip", "truncated-json"]);

const SNIFF_BYTES = 16 * 1024;
const SKIP_DIRS = new Set(["node_modules", ".git"]);
/** A trail's other deliveries beside its logs, which hold no calls of the functions: not walked. */
const CLOUDTRAIL_NO_EVENTS: ReadonlyMap<string, string> = new Map([
  ["CloudTrail-Digest", "CloudTrail digest files (log file integrity validation: hashes of the log files, no events)"],
  ["CloudTrail-Insight", "CloudTrail Insights events (unusual API call rates, not the calls themselves)"],
]);

/**
 * The first bytes of a file as text, gunzipped when it starts with the gzip magic bytes: the first
 * SNIFF_BYTES of the file, and of its decompressed text. Synchronous: the files are sniffed one
 * after the other, and three asynchronous round trips (open, read, close) per file were ~1 s of
 * idle waiting for an account with 3,000 files (10,000 functions and their CloudTrail).
 */
function head(file: string): string | Promise<string> {
  const fd = openSync(file, "r");
  let raw: Buffer;
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    let size = 0;
    for (;;) {
      const n = readSync(fd, buf, size, SNIFF_BYTES - size, size);
      if (n === 0) break;
      size += n;
      if (size === SNIFF_BYTES) break;
    }
    raw = buf.subarray(0, size);
  } finally {
    closeSync(fd);
  }
  if (raw[0] !== 0x1f || raw[1] !== 0x8b) return headText(raw);
  // A head cut out of a larger file is a truncated stream: inflate what there is. First only its
  // first GZIP_PROBE bytes, which give the SNIFF_BYTES of text asked for when the text compresses
  // less than 4× (CloudTrail: ~8×, so this is ~60 KB less to inflate per file, a quarter of a second
  // over the 2,100 files of 1M records); the same prefix of the same stream either way.
  if (raw.length > GZIP_PROBE) {
    try {
      const text = gunzipSync(raw.subarray(0, GZIP_PROBE), { finishFlush: constants.Z_SYNC_FLUSH });
      if (text.length >= SNIFF_BYTES) return headText(text.subarray(0, SNIFF_BYTES));
    } catch {
      // Damaged within the probe: the whole head below says what inflates before the damage.
    }
  }
  try {
    return headText(gunzipSync(raw, { finishFlush: constants.Z_SYNC_FLUSH }).subarray(0, SNIFF_BYTES));
  } catch {
    return inflatedUntilError(raw); // damaged: what inflates before the damage
  }
}

const GZIP_PROBE = 4 * 1024;

/**
 * A head's bytes as text, by their byte-order mark: UTF-16 LE or BE (what Windows PowerShell 5.1's
 * `>` writes, and `Out-File -Encoding BigEndianUnicode`), else UTF-8. Read as UTF-8, UTF-16 is a
 * NUL between every character and matched nothing: a CloudTrail file went to the source readers,
 * which skip CloudTrail, and its calls were missing from the usage without a word. The readers
 * behind (json-input.ts, read-file.ts) decode both.
 */
export function headText(raw: Buffer): string {
  if (raw.length >= 2 && raw[0] === 0xff && raw[1] === 0xfe) return raw.toString("utf16le", 2, raw.length - (raw.length % 2));
  if (raw.length >= 2 && raw[0] === 0xfe && raw[1] === 0xff) {
    const swapped = Buffer.from(raw.subarray(2, raw.length - (raw.length % 2)));
    swapped.swap16();
    return swapped.toString("utf16le");
  }
  return raw.toString("utf8");
}

/** The text a damaged gzip head inflates to before its error (the readers then say what is wrong). */
function inflatedUntilError(raw: Buffer): Promise<string> {
  return new Promise<string>((resolve) => {
    const out: Buffer[] = [];
    let size = 0;
    const z = createGunzip();
    z.on("data", (c: Buffer) => {
      out.push(c);
      size += c.length;
      if (size >= SNIFF_BYTES) z.destroy();
    });
    const done = () => resolve(headText(Buffer.concat(out).subarray(0, SNIFF_BYTES)));
    z.on("close", done);
    z.on("error", done);
    z.end(raw);
  });
}

/** "usage" when the file can be opened for reading; throws as `head` would when it cannot. */
function openable(file: string): "usage" {
  closeSync(openSync(file, "r"));
  return "usage";
}

/** What the start of a file says it is. */
export function classifyHead(text: string): "usage" | "sources" | "manifest" {
  const t = text.replace(/^\uFEFF/, "").trimStart();
  if (/^\{[^]*?"kind"\s*:\s*"leastrole-collect-manifest"/.test(t.slice(0, 400))) return "manifest";
  // A Terraform plan or state (`terraform show -json`, `terraform state pull`): its values may quote
  // CloudTrail's field names, as an EventBridge rule's `event_pattern` on "AWS API Call via
  // CloudTrail" events does (`\"eventSource\": [\"ec2.amazonaws.com\"]`). Before, such a plan
  // went to the usage reader, which refused it as not CloudTrail.
  if (t.startsWith("{") && isTerraformJson(topLevelKeys(t))) return "sources";
  // The events services hand a function (`aws:s3`, `aws:sqs` … records: a SAM project's
  // events/*.json, `sam local generate-event`), not CloudTrail's (`s3.amazonaws.com`): no activity.
  if (/"(?:eventSource|EventSource)"\s*:\s*"aws:/.test(t) && !/"eventSource"\s*:\s*"[\w.-]+\.amazonaws\.com"/.test(t)) return "sources";
  // A record's eventSource is a string (`"eventSource": "s3.amazonaws.com"`); an EventBridge
  // pattern on "AWS API Call via CloudTrail" events matches it with a list (`"eventSource":
  // ["s3.amazonaws.com"]`: EventBridge takes no bare value), and a CloudFormation template, a CDK
  // assembly's tree.json or a Serverless Framework state file holding such a rule is no activity.
  // Before, any `"eventSource":` sent those to the usage reader, which refused them as not CloudTrail.
  if (/"eventSource"\s*:\s*"|"ServicesLastAccessed"\s*:|"CloudTrailEvent"\s*:|"findingType"\s*:\s*"Unused|"FindingType"\s*:\s*(?:\{\s*"Value"\s*:\s*)?"Unused/.test(t)) return "usage";
  // Records as JSON strings: CloudWatch Logs events of a trail's log group (filter-log-events,
  // get-log-events, subscription data), whose messages are records; a pattern written as a JSON
  // string (a template's EventPattern as text, a plan's event_pattern) again holds a list.
  if (/\\"eventSource\\"\s*:\s*\\"/.test(t)) return "usage";
  // Subscription data with only the message that checks the destination (no log data).
  if (/"messageType"\s*:\s*"CONTROL_MESSAGE"/.test(t) && !/"messageType"\s*:\s*"DATA_MESSAGE"/.test(t)) return "usage";
  // The CloudTrail console's Event history CSV: its calls cannot be counted, and the usage reader
  // says so (the usage partial). The source readers only skipped it as "not a JSON file" in a
  // folder, and LR008 called permissions unused that its calls may have used.
  if (isEventHistoryCsvHeader(csvHeaderOf(t))) return "usage";
  // CSV rows of the shipped Athena query start with its header
  if (/^"?(account_?id|accountid)"?\s*,/i.test(t) && /role_?arn/i.test(t.split("\n")[0] ?? "")) return "usage";
  // The shipped usage query's rows (src/usage/sql.ts): Athena CSV starts with its row_kind column.
  if (/^"?row_kind"?\s*,/i.test(t)) return "usage";
  if (t.startsWith("{") && isActivityObject(topLevelKeys(t))) return "usage";
  // The same rows as a JSON array of row objects (docs/usage.md's inputs): the first row's keys
  // hold row_kind, wherever the writer put it among them.
  if (t.startsWith("[") && keysAt(t, [0]).includes("row_kind")) return "usage";
  // lookup-events output by its first event's keys, not by a CloudTrailEvent in the head: the CLI
  // prints an event's Resources before its CloudTrailEvent, and a first event with many resources
  // filled the head, so valid output went unread. Its pages in a list, and its events without the
  // wrapper (`--query Events`, `jq -c '.Events[]'`) alike.
  if ([["Events", 0], [0, "Events", 0], [0], []].some((path) => isLookupEvent(keysAt(t, path as Array<string | 0>)))) return "usage";
  return "sources";
}

/** `terraform show -json` (a plan, or the state without one) or a state file, by its top-level keys (as detectIac tells them). */
function isTerraformJson(keys: string[]): boolean {
  if (keys.includes("format_version") && ["terraform_version", "planned_values", "resource_changes", "configuration", "values"].some((k) => keys.includes(k))) return true;
  return keys.includes("terraform_version") && keys.includes("lineage");
}

/**
 * An event of `aws cloudtrail lookup-events` by its keys (EventId, EventName, ReadOnly, AccessKeyId,
 * EventTime, EventSource, Username, Resources, CloudTrailEvent). EventId alone is not enough:
 * Redshift's and CloudFormation's event listings have one too, but neither an EventName nor an
 * EventSource.
 */
function isLookupEvent(keys: string[]): boolean {
  return keys.includes("EventId") && (keys.includes("EventName") || keys.includes("EventSource") || keys.includes("CloudTrailEvent"));
}

/**
 * Activity data whose head has no record to show, by its top-level keys:
 * - a CloudTrail file delivered with no records (`{"Records": []}`: CloudTrail writes them);
 * - CloudTrail Lake GetQueryResults output, with QueryResultRows at any position (`collect` writes
 *   it first, `aws cloudtrail get-query-results` after QueryStatus and QueryStatistics), or
 *   without rows (a query that failed or is still running: the usage reader says so);
 * - a CloudTrail digest file (the usage reader notes that it holds no events);
 * - an Access Advisor job still running or failed;
 * - a trail's event selectors (what its management events include).
 */
function isActivityObject(keys: string[]): boolean {
  if (keys.includes("Records") || keys.includes("QueryResultRows")) return true;
  // A CloudTrail digest file named on the command line: the usage reader notes it and leaves it out.
  if (keys.includes("digestStartTime") && keys.includes("digestEndTime")) return true;
  // An Access Advisor job not finished, printed without its (empty) services list: the usage
  // reader says the report is left out.
  if (isUnfinishedAccessAdvisorJob(keys)) return true;
  // A trail's event selectors (get-event-selectors, get-event-data-store): what its logs include.
  if ((keys.includes("TrailARN") || keys.includes("EventDataStoreArn")) && (keys.includes("EventSelectors") || keys.includes("AdvancedEventSelectors"))) return true;
  return keys.includes("QueryStatus") && keys.every((k) => LAKE_RESULT_KEYS.has(k));
}

/**
 * An AWS CDK asset staged in a cloud assembly (`cdk.out/asset.<sha256>/`, or `asset.<sha256>.<ext>`
 * for a file): the function's code or a Docker context, whose package.json and other JSON files
 * are no input of ours, said otherwise as one warning each.
 */
const CDK_ASSET = /^asset\.[0-9a-f]{64}(\.|$)/;

/**
 * The one hidden folder walked: the Serverless Framework's build output, where `serverless package`
 * writes the service's compiled CloudFormation (its serverless.yml is no template). Other hidden
 * folders are tools' caches and copies (.git, .terraform's modules, .aws-sam's built copy of the
 * template beside it).
 */
const WALKED_HIDDEN = new Set([".serverless"]);

/**
 * Another service's deliveries in an AWSLogs tree. Services that write logs to S3 write them under
 * `[prefix/]AWSLogs/<account>/<folder>/`: the trail its `CloudTrail/` (organization trails
 * `AWSLogs/<org id>/<account>/CloudTrail/`, and `CloudTrail-Digest/`, `CloudTrail-Insight/`,
 * skipped above), AWS Config `Config/`, VPC Flow Logs `vpcflowlogs/`, load balancers
 * `elasticloadbalancing/`, AWS WAF `WAFLogs/`, Route 53 Resolver `vpcdnsquerylogs/`, and so on.
 * A log archive bucket (Control Tower's: `<org id>/AWSLogs/<account>/`) holds them side by side.
 * None of theirs but AWS Config's is an input of ours: sniffed one by one, each file was a warning
 * naming every input leastrole reads, thousands for a synced bucket (a WAF ACL writes a file every
 * five minutes). Only the folders named CloudTrail… and Config are walked there.
 */
function isOtherServiceDelivery(parent: string, name: string): boolean {
  if (name.startsWith("CloudTrail") || name === "Config" || !/^\d{12}$/.test(basename(parent))) return false;
  const above = dirname(parent);
  return basename(above) === "AWSLogs" || (/^o-[a-z0-9]{10,32}$/.test(basename(above)) && basename(dirname(above)) === "AWSLogs");
}

/** A path met among the inputs that could not be read: a file, a folder that cannot be listed, a link to nothing or a link loop. */
interface Unread {
  path: string;
  /** What went wrong, naming the error (EACCES, ENOENT …). */
  message: string;
  /** Named on the command line, not found in a folder. */
  explicit: boolean;
  /** A folder, or a path that cannot be told to be one. */
  folder: boolean;
}

interface Walk {
  files: string[];
  unread: Unread[];
  notes: Warning[];
  /** The folders being walked, by device and inode: a link back to one of them is a loop. */
  ancestors: Set<string>;
  /** AWS Config history files of resource types no reader takes, by the Config folder they are under: one note each. */
  configSkipped?: Map<string, number>;
}

/**
 * AWS Config's history file of one resource type, by its name
 * (`<account>_Config_<region>_ConfigHistory_<resource type>_<start>_<end>_<n>.json.gz`), and the
 * types leastrole reads. Config delivers one per type recorded, every six hours: the other types'
 * (security groups, buckets …) are most of an AWSLogs tree's Config files and hold nothing for an
 * execution role, so they are not parsed. Snapshots hold every type in one file and are read.
 */
const CONFIG_HISTORY_FILE = /_ConfigHistory_(AWS(?:::|%3A%3A)[A-Za-z0-9]+(?:::|%3A%3A)[A-Za-z0-9]+)_/i;
const CONFIG_TYPES_READ: ReadonlySet<string> = new Set(["AWS::IAM::Role", "AWS::IAM::Policy", "AWS::Lambda::Function", "AWS::IAM::User", "AWS::IAM::Group"]);

/** The `AWSLogs/<account>/Config` folder a path is under, if any. */
function configRoot(path: string): string | null {
  const parts = path.split(sep);
  for (let i = parts.length - 2; i >= 2; i--) {
    if (parts[i] === "Config" && /^\d{12}$/.test(parts[i - 1]!) && (parts[i - 2] === "AWSLogs" || (/^o-[a-z0-9]{10,32}$/.test(parts[i - 2]!) && parts[i - 3] === "AWSLogs"))) return parts.slice(0, i + 1).join(sep);
  }
  return null;
}

/**
 * The files under a folder. What cannot be read is kept in `unread`, not thrown: an unreadable
 * folder or a broken link in a CloudTrail tree ended the audit in "internal error" (exit 3), and
 * what the other files hold is still worth reading (routeInputs says what is missing).
 */
function walk(dir: string, w: Walk, top = false): void {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (e) {
    // The folder named on the command line itself: nothing of it is read, an input error as for a
    // named file that cannot be read; one found inside it is a warning, the rest being read.
    w.unread.push({ path: dir, message: `cannot list the folder: ${(e as Error).message}`, explicit: top, folder: true });
    return;
  }
  for (const name of names) {
    if (CLOUDTRAIL_NO_EVENTS.has(name)) {
      // Said (as info): a folder given that holds only these was "no inputs recognised" without why.
      w.notes.push({ code: "input-not-used", severity: "info", file: join(dir, name), message: `skipped: ${CLOUDTRAIL_NO_EVENTS.get(name)!}, not the logs: give the CloudTrail folder beside it (AWSLogs/<account>/CloudTrail/)` });
      continue;
    }
    if ((name.startsWith(".") && !WALKED_HIDDEN.has(name)) || SKIP_DIRS.has(name) || CDK_ASSET.test(name)) continue;
    // Terraform's copy of the state before the last apply, beside terraform.tfstate: an older version of the same resources.
    if (name.endsWith(".tfstate.backup")) continue;
    const full = join(dir, name);
    let st;
    try {
      st = statSync(full);
    } catch (e) {
      w.unread.push({ path: full, message: statProblem(full, e), explicit: false, folder: true });
      continue;
    }
    if (st.isDirectory()) {
      if (isOtherServiceDelivery(dir, name)) {
        w.notes.push({ code: "input-not-used", severity: "info", file: full, message: "skipped: another service's deliveries in an AWSLogs tree (AWS Config, VPC Flow Logs, load balancer or WAF logs …); only its CloudTrail folders hold activity" });
        continue;
      }
      // A link to a folder that holds it would be walked until the path is too long (ELOOP, 40
      // levels down), every file read again at each level: walked once, and said.
      const id = `${st.dev}:${st.ino}`;
      if (w.ancestors.has(id)) {
        w.notes.push({ code: "input-not-used", severity: "info", file: full, message: "skipped: a link to a folder that holds it (a loop); its files are read once, from the folder itself" });
        continue;
      }
      w.ancestors.add(id);
      walk(full, w);
      w.ancestors.delete(id);
    } else if (st.isFile()) {
      const root = configRoot(full);
      if (root !== null) {
        // Config's check that it may write to the bucket: an empty file, no configuration item.
        if (name === "ConfigWritabilityCheckFile") continue;
        // A copy made by a tool that escapes the key's colons (%3A) names the same type.
        const type = CONFIG_HISTORY_FILE.exec(name)?.[1]?.replace(/%3A/gi, ":");
        if (type !== undefined && !CONFIG_TYPES_READ.has(type)) {
          (w.configSkipped ??= new Map()).set(root, (w.configSkipped.get(root) ?? 0) + 1);
          continue;
        }
      }
      w.files.push(full);
    }
  }
}

// checkPathList is in path-list.ts so that readUsage (usage/) checks its paths as audit does.
export { checkPathList };

export async function routeInputs(paths: string[]): Promise<RoutedInputs> {
  checkPathList(paths, "the paths");
  const routed: RoutedInputs = { sources: [], usage: [], manifests: [], unreadUsage: [], namedUsage: [], warnings: [] };
  const unread: Array<Unread & { inputHasUsage: boolean }> = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      // `-` as standard input is what many CLIs take; "-: no such file or folder" read as a bug.
      if (p === "-") throw new InputError("-: standard input is not read: save it to a file (aws iam get-account-authorization-details > iam.json) and give the file", { file: p });
      // The path in the message too: an SDK user who prints e.message has only it.
      throw new InputError(`${p}: no such file or folder`, { file: p });
    }
    const explicit = !st.isDirectory();
    const w: Walk = { files: [], unread: [], notes: routed.warnings, ancestors: new Set([`${st.dev}:${st.ino}`]) };
    if (explicit) w.files.push(p);
    else walk(p, w, true);
    for (const [root, n] of [...(w.configSkipped ?? [])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      routed.warnings.push({ code: "input-not-used", severity: "info", file: root, message: `skipped: ${n} AWS Config history file${n === 1 ? "" : "s"} of resource types other than AWS::IAM::Role, Policy, User, Group and AWS::Lambda::Function (named so by Config); its snapshots and those types' history files are read` });
    }
    const usageBefore = routed.usage.length;
    for (const file of w.files) {
      let kind: ReturnType<typeof classifyHead>;
      const archive = archiveInCloudTrailPlace(file);
      if (archive !== null) {
        // `.tar.gz` and `.tgz` start with gzip's magic bytes but hold a tar archive, not JSON.
        w.unread.push({ path: file, message: `not read: a ${archive} archive in CloudTrail's delivery folder; CloudTrail delivers each log file as .json.gz: extract it (its .json or .json.gz files are read)`, explicit, folder: false });
        continue;
      }
      try {
        // A file named as CloudTrail names its log files goes to the usage reader whatever its head
        // says (below): it is opened, so that one that cannot be read is said as any other, but not
        // sniffed. Why: at 10,000 functions and 1M records the heads of the 2,100 log files (a read,
        // an inflate and the regular expressions below, each) were ~0.5 s of the calling thread
        // before any reader started.
        kind = hasCloudTrailDeliveryName(file) ? openable(file) : classifyHead(await head(file));
      } catch (e) {
        w.unread.push({ path: file, message: `cannot read: ${(e as Error).message}`, explicit, folder: false });
        continue;
      }
      // Everything that is not activity data goes to the source readers, which also read YAML
      // templates and say precisely what is wrong with anything else.
      // A file named or placed as a CloudTrail delivery whose head is no activity data (empty,
      // damaged, not JSON) goes to the usage reader all the same: it says what is wrong with it and
      // makes the usage partial, as its events are missing. The source readers would only note it
      // ("skipped: not a JSON file"), and a permission used in it could be called unused.
      if (kind === "usage" || (kind === "sources" && isCloudTrailLogFile(file))) {
        routed.usage.push(file);
        if (explicit) routed.namedUsage.push(file);
      }
      else if (kind === "manifest") {
        routed.manifests.push(file);
        if (explicit) (routed.namedManifests ??= []).push(file);
      }
      else routed.sources.push({ file, explicit });
    }
    const inputHasUsage = routed.usage.length > usageBefore;
    for (const u of w.unread) unread.push({ ...u, inputHasUsage });
  }
  // What could not be read may have held activity data: then the usage is partial (the usage stage
  // says so: unreadUsage), as for a CloudTrail file that is damaged. Before, the file was only noted
  // and the usage taken as complete, and LR008 called a permission used in it unused. Taken as
  // activity data: a path whose name or place says CloudTrail, one found in a folder given as input
  // whose other files hold activity data, and one named on the command line when any input does
  // (what it is cannot be known). Anything else is a warning of the account inputs. Named on the
  // command line it is an error (exit code 2, README); met in a folder walk, a warning (the inputs
  // partial: normalize counts unreadable-file as partial whatever its severity). Before, one found
  // in a walk was printed "leastrole: error:" and the command exited 0.
  for (const u of unread) {
    const cloudTrail = isCloudTrailLogFile(u.path) || archiveInCloudTrailPlace(u.path) !== null || (u.folder && isCloudTrailPlace(u.path));
    if (cloudTrail || (u.explicit ? routed.usage.length > 0 : u.inputHasUsage)) routed.unreadUsage.push({ path: u.path, message: u.message, ...(u.explicit ? { named: true } : {}) });
    else routed.warnings.push({ code: "unreadable-file", severity: u.explicit ? "error" : "warning", file: u.path, message: u.message });
  }
  dropUnlistedCollectFiles(routed);
  routed.sources = [...new Map(routed.sources.map((s) => [s.file, s])).values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  routed.usage = [...new Set(routed.usage)].sort();
  routed.namedUsage = [...new Set(routed.namedUsage)].sort();
  routed.manifests = [...new Set(routed.manifests)].sort();
  if (routed.namedManifests) routed.namedManifests = [...new Set(routed.namedManifests)].sort();
  routed.unreadUsage = [...new Map(routed.unreadUsage.map((u) => [u.path, u])).values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return routed;
}

/**
 * A collection's folder holds what its manifest's `ok` entries list, and nothing else is read from
 * collect's own folders there: a file written by a run killed before its manifest recorded it, or
 * of a call made again and found absent or failed, is not current (a deleted public resource
 * policy read as present; a region whose function list failed read from an old list). Collect
 * removes such files itself; this holds for folders an older version left, or files copied in.
 * A manifest that cannot be read vouches for nothing and filters nothing (its error is reported).
 */
function dropUnlistedCollectFiles(routed: RoutedInputs): void {
  for (const manifest of routed.manifests) {
    let calls: unknown;
    try {
      calls = (JSON.parse(readFileSync(manifest, "utf8")) as { calls?: unknown }).calls;
    } catch {
      continue;
    }
    if (!Array.isArray(calls)) continue;
    const dir = resolve(dirname(manifest));
    const listed = new Set<string>();
    for (const c of calls) {
      if (typeof c !== "object" || c === null || (c as { status?: unknown }).status !== "ok") continue;
      const files = (c as { files?: unknown }).files;
      if (Array.isArray(files)) for (const f of files) if (typeof f === "string") listed.add(resolve(dir, ...f.split("/")));
    }
    const roots = COLLECT_DIRS.map((d) => join(dir, d) + sep);
    const logs = join(dir, ...UNLISTED_KEPT_DIR.split("/")) + sep;
    const dropped: string[] = [];
    const keep = (file: string): boolean => {
      const full = resolve(file);
      if (!roots.some((r) => full.startsWith(r)) || full.startsWith(logs) || listed.has(full)) return true;
      dropped.push(file);
      return false;
    };
    routed.sources = routed.sources.filter((x) => keep(x.file));
    routed.usage = routed.usage.filter(keep);
    if (dropped.length === 0) continue;
    dropped.sort();
    const shown = dropped.slice(0, 5).map((f) => relative(dir, resolve(f)).split(sep).join("/"));
    routed.warnings.push({
      code: "collect-file-not-listed",
      severity: "warning",
      file: manifest,
      message: `not read: ${dropped.length} file(s) in the collection's folder that no completed call of its manifest lists (left by an interrupted or earlier run, or copied in): ${shown.join(", ")}${dropped.length > shown.length ? `, … (${dropped.length - shown.length} more)` : ""}; run collect --resume to refresh them`,
    });
  }
}
