/**
 * The file and folder reader: `readSources(paths)` walks folders (sorted, so the result does not
 * depend on the order the file system lists them), recognises each file by its content and runs
 * the matching reader. One bad file never loses the others: its problem becomes a warning naming
 * the file (and the JSON path), and the result is marked partial.
 */

import { lstat, readdir, readFile, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { LeastroleError, toError } from "../errors.js";
import { checkPathList } from "../path-list.js";
import { debugReaderDefect } from "./record-reader.js";
import type { Warning } from "../model/document.js";
import { makesPartial } from "../model/warning-label.js";
import { ACCESS_ADVISOR_JOB_ONLY, analyzerOutputHint, detect } from "./detect.js";
import { ACCESS_ANALYZER_NOT_UNUSED, ACCESS_ANALYZER_UNUSED_EVENTS, ACCESS_ANALYZER_WITHOUT_FINDINGS } from "../usage/access-analyzer.js";
import { CONFIG_OVERSIZED_NOTIFICATION } from "./aws-config.js";
import { decodeGunzipped, gunzipped, isLargeUtf8, looksLikeJson, parseJsonDocuments, sha256 } from "./json-input.js";
import { parseLargeJson } from "./large-json.js";
import { pathContext } from "./path-context.js";
import { checkBarePolicyDocument } from "./policy-document-file.js";
import type { PathContext, SourceFragment } from "./types.js";
import { detectIac, readCloudFormationTemplate, type IacReadOptions } from "./cloudformation/index.js";
import { readTerraformPlan } from "./terraform/index.js";

export interface ReadResult {
  /** One fragment per file that was read, sorted by path. */
  fragments: SourceFragment[];
  /** Files that were skipped or could not be read, sorted by file. */
  warnings: Warning[];
  /** Some file could not be read (or only in part). */
  partial: boolean;
}

export interface ReadOneOptions {
  /** Given explicitly by the user (not found in a folder): a non-JSON file is then an error, not an info. */
  explicit?: boolean;
  /** Override the path context (tests, SDK callers with in-memory data). */
  context?: PathContext;
  /** Options for the Terraform and CloudFormation readers (account, region, parameters, .tf files…). */
  iac?: IacReadOptions;
  /** Bytes (after decompression) past which JSON is parsed from the bytes (LARGE_JSON_BYTES; tests set it low). */
  largeJsonBytes?: number;
  /** The pieces that large JSON is parsed in (large-json.ts; tests set it low). */
  largeJsonPieceBytes?: number;
}

/** Read one file's bytes (or text). Never throws for bad input: problems come back as warnings. */
export function readSourceBytes(file: string, bytes: Uint8Array | string, options: ReadOneOptions = {}): { fragment: SourceFragment | null; warnings: Warning[] } {
  // A Terraform template file met in a folder walk is part of a configuration, not an input,
  // even when it looks like JSON (`{"Resource": "${queue_arn}"}`, or a `%{ for }` that is not JSON).
  if (!options.explicit && TERRAFORM_TEMPLATE.test(basename(file))) {
    return { fragment: null, warnings: [{ code: "input-not-used", severity: "info", file, message: `skipped: ${TERRAFORM_TEMPLATE_HINT}` }] };
  }
  try {
    const data = typeof bytes === "string" ? Buffer.from(bytes, "utf8") : bytes;
    const digest = sha256(data);
    const raw = gunzipped(data, file);
    // Past a few hundred MB (a canonical document of 10,000 functions with usage), parsed from the bytes.
    const text = isLargeUtf8(raw, options.largeJsonBytes) ? null : decodeGunzipped(raw, file);
    if (text === null) {
      if (looksLikeJson(raw.toString("utf8", 0, 4096))) return readValues(file, digest, parseLargeJson(raw, file, options.largeJsonPieceBytes), data, options);
      return notJson(file, options, false, undefined, raw);
    }
    if (!looksLikeJson(text) && looksLikeYamlTemplate(text)) {
      // CloudFormation / SAM templates in YAML: the IaC reader (src/sources/cloudformation) reads them.
      return { fragment: readCloudFormationTemplate(data, file, options.iac), warnings: [] };
    }
    if (!looksLikeJson(text)) return notJson(file, options, text.trim() === "", text, raw);
    return readValues(file, digest, parseJsonDocuments(text, file), data, options);
  } catch (error) {
    return { fragment: null, warnings: [errorWarning(file, error, options.explicit === true)] };
  }
}

/** `null`, `true`, a number or a string: what JSON it is, else null (not JSON at all). */
function jsonScalar(text: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch {
    return null;
  }
  if (value === null) return "null";
  if (typeof value === "object") return null;
  return typeof value === "string" ? "a string" : typeof value === "number" ? `the number ${value}` : `${String(value)}`;
}

function notJson(file: string, options: ReadOneOptions, empty = false, text?: string, raw?: Buffer): { fragment: null; warnings: Warning[] } {
  const hint = (raw !== undefined && isBinaryTerraformPlan(raw) ? BINARY_PLAN_HINT : null) ?? toolConfigHint(basename(file));
  // An empty file (a download or redirect cut short) said as that: "it does not start with { or [" sent users looking for bad bytes.
  if (options.explicit && empty) return { fragment: null, warnings: [{ code: "not-json", severity: "error", file, message: "empty file (no bytes, or only white space): not an input; write it again" }] };
  // JSON that holds no object or array (`null`, a number, a string: a script that printed an empty result) is JSON: "not a JSON file" sent users looking for bad bytes.
  const scalar = text === undefined ? null : jsonScalar(text);
  if (options.explicit && scalar !== null) return { fragment: null, warnings: [{ code: "not-json", severity: "error", file, message: `JSON ${scalar} alone, not an object or array: no input leastrole reads (an export, a template or a plan is a JSON object; write it again)` }] };
  if (options.explicit) return { fragment: null, warnings: [{ code: "not-json", severity: "error", file, message: `not a JSON file (it does not start with { or [)${hint ? `: ${hint}` : ""}` }] };
  // A file a collector or the AWS CLI names as an IAM or Lambda output leastrole reads (a
  // `lambda/<region>/list-functions.json` emptied by an interrupted run, a `--output yaml` export):
  // its functions or roles are missing from the audit, a warning (the inputs partial), never an
  // info line that left a report of "0 functions" looking complete.
  const expected = expectedExport(file, options);
  if (expected !== null) {
    const what = empty ? "empty file (no bytes, or only white space)" : scalar !== null ? `JSON ${scalar} alone, not an object or array` : /\.ya?ml$/i.test(file) || (text !== undefined && /^\s*[A-Za-z]+:\s*$/m.test(text)) ? "YAML (the AWS CLI's `--output yaml`?), not JSON: run the command again with `--output json`" : "not a JSON file";
    return { fragment: null, warnings: [{ code: "export-not-read", severity: "warning", file, message: `not read: ${what}, where the output of ${expected} was expected (by its name or folder); what it should hold is missing` }] };
  }
  // A hint is what "no inputs recognised" shows first (cli/context.ts): what to give instead.
  if (hint) return { fragment: null, warnings: [{ code: "input-not-used", severity: "info", file, message: `skipped: ${hint}` }] };
  return { fragment: null, warnings: [{ code: "skipped-non-json", severity: "info", file, message: "skipped: not a JSON file" }] };
}

/**
 * The IAM or Lambda call whose output a file is, by its path in a collector layout (context) or by
 * its name (`list-functions.json`, `lambda-list-functions.json`, `get-account-authorization-details.json`):
 * `lambda list-functions`; null for any other file.
 */
function expectedExport(file: string, options: ReadOneOptions): string | null {
  const context = options.context ?? pathContext(file);
  if ((context.service === "lambda" || context.service === "iam") && context.call !== null) {
    const bare = bareCall(context.service, context.call);
    if (READ_CALLS[context.service]?.includes(bare)) return `${context.service} ${bare}`;
  }
  // `leastrole collect` writes each role's Access Advisor report as iam/access-advisor/<role>.json.
  const parts = file.split(/[\\/]/);
  if (parts.at(-2) === "access-advisor" && parts.at(-3) === "iam") return "iam get-service-last-accessed-details";
  const stem = basename(file).replace(/\.(?:json|ya?ml|txt)(?:\.gz)?$/i, "");
  for (const service of ["iam", "lambda"] as const) {
    const bare = bareCall(service, stem);
    if (READ_CALLS[service]?.includes(bare) && bare !== "get-role") return `${service} ${bare}`;
  }
  return null;
}

const BINARY_PLAN_HINT = "a binary Terraform plan file (`terraform plan -out`); leastrole reads its JSON: `terraform show -json <plan file> > plan.json`, in the configuration's folder";

/**
 * A saved Terraform plan is a zip archive whose first entry is `tfplan` (then `tfstate`,
 * `tfconfig/…`): given as is (often named plan.json or tfplan.json in CI), it was said to be "not a
 * JSON file", with nothing of what to run. The zip local file header: signature PK\x03\x04, the
 * name's length at offset 26 (little-endian), the name at 30
 * (https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT, 4.3.7).
 */
function isBinaryTerraformPlan(raw: Buffer): boolean {
  if (raw.length < 36 || raw[0] !== 0x50 || raw[1] !== 0x4b || raw[2] !== 0x03 || raw[3] !== 0x04) return false;
  const nameLength = raw.readUInt16LE(26);
  return nameLength === 6 && raw.toString("latin1", 30, 36) === "tfplan";
}

/**
 * A deployment tool's own configuration, which says what to deploy in the tool's terms, not in
 * CloudFormation's: the hint names the output leastrole reads instead.
 */
function toolConfigHint(name: string): string | null {
  if (/^serverless\.(?:ya?ml|json|ts|js|cjs|mjs)$/.test(name)) return "a Serverless Framework service's configuration; its compiled template is read from .serverless/ after `serverless package`";
  if (name === "cdk.json") return "a CDK app's configuration; its templates are read from cdk.out after `cdk synth`";
  // A YAML file that is not a template: said as that, not only as "not JSON" (a template is read in YAML too).
  if (/\.ya?ml$/i.test(name)) return "YAML, but not a CloudFormation or SAM template (a top-level Resources map whose entries have an AWS:: or Custom:: Type)";
  // A CSV that routing did not take for activity data (its header is neither the query's nor Event history's).
  if (/\.csv$/i.test(name)) return "CSV, but neither rows of the shipped usage query (`leastrole sql athena-usage`: columns row_kind, event_source, calls …) nor the CloudTrail console's Event history download (columns Event name, Event time …)";
  if (/\.(?:tf|tfvars)$/.test(name)) return "Terraform configuration; its plan is read (`terraform plan -out plan.bin && terraform show -json plan.bin > plan.json`, or the state: `terraform show -json > state.json`), and the .tf files beside it with it";
  return null;
}

/**
 * IAM and Lambda calls whose outputs the readers take (ACCEPTED_INPUTS), as a collector names them
 * (`get-policy`, cloudmapper's `lambda-get-policy`); IAM's get-role is read to say it is not used.
 */
const READ_CALLS: Readonly<Record<string, readonly string[]>> = {
  iam: ["get-account-authorization-details", "get-service-last-accessed-details", "get-service-last-accessed-details-with-entities", "get-role"],
  lambda: [
    "list-functions",
    "get-function",
    "get-function-configuration",
    "get-policy",
    "list-event-source-mappings",
    "get-event-source-mapping",
    "get-function-url-config",
    "list-function-url-configs",
    "get-function-event-invoke-config",
    "list-function-event-invoke-configs",
    "list-tags",
    "list-capacity-providers",
    "get-capacity-provider",
    "list-versions-by-function",
    "list-aliases",
    "get-alias",
    "list-layers",
    "list-layer-versions",
    "get-layer-version",
    "get-layer-version-by-arn",
    "get-layer-version-policy",
  ],
};

function callIsRead(service: string, call: string): boolean {
  return READ_CALLS[service]?.includes(bareCall(service, call)) ?? true;
}

/** A call as the AWS CLI names it, without a collector's service prefix (cloudmapper's `lambda-list-functions`). */
function bareCall(service: string, call: string): string {
  return call.startsWith(`${service}-`) ? call.slice(service.length + 1) : call;
}

/** The reader for a file's JSON values (`data`: its bytes, for the IaC readers, which keep line numbers). */
function readValues(file: string, digest: string, values: unknown[], data: Uint8Array, options: ReadOneOptions): { fragment: SourceFragment | null; warnings: Warning[] } {
  if (values.length === 1) {
    // Terraform plans and CloudFormation/SAM/CDK templates in JSON: the IaC readers.
    const iac = detectIac(values[0], file);
    if (iac === "terraform-plan") return { fragment: readTerraformPlan(data, file, options.iac), warnings: [] };
    if (iac === "cloudformation") return { fragment: readCloudFormationTemplate(data, file, options.iac), warnings: [] };
  }
  const context = options.context ?? pathContext(file);
  const detection = detect(values, context);
  switch (detection.kind) {
    case "unknown": {
      // A project's own files met in a folder walk (`leastrole audit .` in a CDK or Serverless
      // project): said as info, not as a warning listing every accepted input.
      const name = basename(file);
      const seen = options.explicit ? null : (toolConfigHint(name) ?? (PROJECT_FILE.test(name) ? `a project file (${name}), not an input` : null));
      if (seen) return { fragment: null, warnings: [{ code: "input-not-used", severity: "info", file, message: `skipped: ${seen}` }] };
      const analyzer = analyzerOutputHint(values);
      // Named by the caller (explicit), a file no reader knows leaves out what the caller meant to
      // give: an error, which makes the inputs partial (makesPartial), as a named file that is not
      // JSON does. The CLI exits 2 for it either way; an SDK caller had a clean report, `partial`
      // false, for `audit(["findings.json"])`.
      if (analyzer !== null) return { fragment: null, warnings: [{ code: "unrecognized-input", severity: options.explicit ? "error" : "warning", file, message: `skipped: ${analyzer}` }] };
      const where = context.call ? ` (collector call ${context.call})` : "";
      // A collector's file of another service, or of an IAM or Lambda call whose output no reader
      // takes (cloudmapper's iam-get-credential-report): expected there. A
      // call whose output a reader does take, unrecognised, is a warning (damaged, or a new shape).
      const layoutOnly = context.service !== null && (!(context.service === "lambda" || context.service === "iam") || (context.call !== null && !callIsRead(context.service, context.call)));
      return {
        fragment: null,
        warnings: [
          {
            code: "unrecognized-input",
            // In a collector folder most files are other services' outputs: that is expected.
            severity: options.explicit ? "error" : layoutOnly ? "info" : "warning",
            file,
            message: `skipped: not an input leastrole reads${where}; accepted: ${ACCEPTED_INPUTS}`,
          },
        ],
      };
    }
    case "not-used": {
      // A job id alone is no report: said as a warning, since the user meant to give Access Advisor
      // data. In cloudmapper's layout it is what joins each report to its role (usage stage): info.
      if (detection.what.startsWith(ACCESS_ADVISOR_JOB_ONLY) && context.call === "iam-generate-service-last-accessed-details") {
        return { fragment: null, warnings: [{ code: "input-not-used", severity: "info", file, message: "skipped: an Access Advisor job id (the usage stage reads it to name the role of the report beside it)" }] };
      }
      // A job id alone, an oversized Config notification (its item is in S3), or Access Analyzer's
      // unused-access finding events (the finding is not in them), an unused-access analyzer
      // without its findings: the data the user meant to give is not in the file, a warning. A
      // listing of external-access analyzers only is no usage data anybody meant: an info.
      const missing = detection.what.startsWith(ACCESS_ADVISOR_JOB_ONLY) || detection.what.startsWith(CONFIG_OVERSIZED_NOTIFICATION) || detection.what.startsWith(ACCESS_ANALYZER_UNUSED_EVENTS) || (detection.what.startsWith(ACCESS_ANALYZER_WITHOUT_FINDINGS) && !detection.what.startsWith(ACCESS_ANALYZER_NOT_UNUSED));
      return { fragment: null, warnings: [{ code: "input-not-used", severity: missing ? "warning" : "info", file, message: `skipped: ${detection.what}` }] };
    }
    case "policy-document":
      return { fragment: null, warnings: [checkBarePolicyDocument(values[0], file)] };
    default: {
      const fragment = detection.read({ file, sha256: digest, values, context });
      return { fragment, warnings: [] };
    }
  }
}

/** Terraform's template files by their usual extensions (`.tftpl` is the one Terraform's documentation recommends). */
const TERRAFORM_TEMPLATE = /\.(?:tftpl|tpl|tmpl)$/;
const TERRAFORM_TEMPLATE_HINT =
  "a Terraform template file; the plan beside the configuration that renders it (templatefile) is read, and the template with it";

/** Files of a Node, CDK or TypeScript project, by name: in a folder walk they are no input anybody meant (cdk.json has its own hint: toolConfigHint). */
const PROJECT_FILE = /^(?:package|package-lock|npm-shrinkwrap|tsconfig(?:\.[\w-]+)?|jsconfig|cdk\.context|tslint|lerna|nx|turbo|renovate|biome|deno|composer)\.json$/;

/**
 * What the "not an input" warning lists: every kind of file leastrole reads, the activity data
 * (routed to the usage stage by routeInputs) included, so that a CloudTrail form it does not
 * recognise is not mistaken for one it never reads (docs/usage.md lists them in full).
 */
const ACCEPTED_INPUTS =
  "account data (iam get-account-authorization-details; lambda list-functions/get-function/get-function-configuration, list-versions-by-function, get-policy, list-event-source-mappings, get-function-url-config, get-function-event-invoke-config, list-tags, list-capacity-providers, list-aliases/get-alias, list-layers/list-layer-versions/get-layer-version, get-layer-version-policy; AWS Config snapshot and history files, configservice get-resource-config-history, get-aggregate-resource-config, batch-get-(aggregate-)resource-config and select-(aggregate-)resource-config output, configuration item change notifications (alone, as EventBridge events, SNS messages, SNS or SQS Lambda events, or a custom rule's invokingEvent); a canonical document), " +
  "infrastructure as code (CloudFormation/SAM/CDK templates, terraform show -json plans), " +
  "activity data (CloudTrail log files, record arrays or JSON Lines, cloudtrail lookup-events output, EventBridge events, a trail's CloudWatch Logs events from logs filter-log-events/get-log-events or Firehose, rows of the shipped Athena or CloudTrail Lake usage query, iam get-service-last-accessed-details, Access Analyzer unused-access findings)";

/** A YAML CloudFormation/SAM template: a top-level `Resources:` key and an `AWS::` resource type. */
function looksLikeYamlTemplate(text: string): boolean {
  // A key may be quoted and a line may end in a comment, as YAML allows: `Resources: # the stack`
  // was "not a JSON file" before. Lines may end in CRLF (a template saved on Windows). The whole
  // document may be indented (YAML allows a block mapping at any indentation; AWS Quick Start
  // templates such as the CIS benchmark one indent every line by two spaces under `---`): the
  // top-level keys are at the indentation of the document's first key, not always at column 0.
  const indent = topLevelIndent(text);
  const resources = new RegExp(`^${indent}(?:Resources|"Resources"|'Resources')[ \\t]*:[ \\t]*(?:#[^\\n]*)?\\r?$`, "m");
  return resources.test(text) && /^\s+(?:Type|"Type"|'Type')[ \t]*:[ \t]*['"]?(?:AWS|Custom)::/m.test(text);
}

/** The white space before the document's first key: its first line that is not blank, a comment, a directive (`%YAML`) or a document marker (`---`). */
function topLevelIndent(text: string): string {
  for (const line of text.split("\n", 200)) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith("%") || trimmed === "---" || trimmed.startsWith("--- ")) continue;
    return /^[ \t]*/.exec(line)?.[0] ?? "";
  }
  return "";
}

/**
 * A file that cannot be read (damaged JSON, a gzip cut short) is an error when named on the command
 * line (exit code 2) and a warning when met in a folder walk (exit 0, the inputs partial all the
 * same: makesPartial), as a file that cannot be opened is (readSources). Before, a damaged file met
 * in a folder was printed "leastrole: error:" while the command exited 0.
 */
function errorWarning(file: string, error: unknown, explicit: boolean): Warning {
  if (error instanceof LeastroleError) {
    const code = error.code === "policy-parse" ? "invalid-policy-document" : "unreadable-file";
    const w: Warning = { code, severity: code === "unreadable-file" && !explicit ? "warning" : "error", file: error.file ?? file, message: error.message };
    if (error.path) w.path = error.path;
    return w;
  }
  debugReaderDefect(file, error);
  return { code: "reader-defect", severity: "error", file, message: `internal error while reading: ${toError(error).message}` };
}

/** makesPartial (model/warning-label.ts), where the readers and the normaliser have always found it. */
export { makesPartial };

/** Read files and folders (recursively). Paths in the result are as given, joined with the relative path inside folders. */
export async function readSources(paths: string[]): Promise<ReadResult> {
  checkPathList(paths, "readSources' paths");
  const files: Array<{ file: string; explicit: boolean }> = [];
  const warnings: Warning[] = [];
  for (const p of paths) {
    try {
      const info = await stat(p);
      if (info.isDirectory()) await walk(p, files, warnings, new Set());
      else files.push({ file: p, explicit: true });
    } catch (error) {
      warnings.push({ code: "unreadable-file", severity: "error", file: p, message: `cannot read: ${toError(error).message}` });
    }
  }
  // A file both named explicitly and found in a folder counts as explicit.
  const byFile = new Map<string, { file: string; explicit: boolean }>();
  for (const f of files) byFile.set(f.file, { file: f.file, explicit: f.explicit || (byFile.get(f.file)?.explicit ?? false) });
  const unique = [...byFile.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const fragments: SourceFragment[] = [];
  // Read a few files at a time: bounded memory, and the disk stays busy while JSON is parsed.
  const BATCH = 8;
  for (let i = 0; i < unique.length; i += BATCH) {
    const batch = unique.slice(i, i + BATCH);
    const results = await Promise.all(
      batch.map(async ({ file, explicit }) => {
        try {
          return readSourceBytes(file, await readFile(file), { explicit });
        } catch (error) {
          return { fragment: null, warnings: [{ code: "unreadable-file", severity: explicit ? "error" : "warning", file, message: `cannot read: ${toError(error).message}` } as Warning] };
        }
      }),
    );
    for (const r of results) {
      if (r.fragment) fragments.push(r.fragment);
      warnings.push(...r.warnings);
    }
  }
  return {
    fragments,
    warnings,
    partial: warnings.some(makesPartial) || fragments.some((f) => f.partial),
  };
}

async function walk(dir: string, out: Array<{ file: string; explicit: boolean }>, warnings: Warning[], seen: Set<string>): Promise<void> {
  if (seen.has(dir)) return;
  seen.add(dir);
  const entries = (await readdir(dir)).sort();
  for (const name of entries) {
    const full = join(dir, name);
    try {
      const info = await lstat(full);
      // Symbolic links to folders are not followed (loops); links to files are read.
      if (info.isDirectory()) await walk(full, out, warnings, seen);
      else if (info.isFile()) out.push({ file: full, explicit: false });
      else if (info.isSymbolicLink() && (await stat(full)).isFile()) out.push({ file: full, explicit: false });
    } catch (error) {
      // Met in a folder: a warning, the rest being read (the result partial all the same).
      warnings.push({ code: "unreadable-file", severity: "warning", file: full, message: `cannot read: ${toError(error).message}` });
    }
  }
}
