/**
 * Parsed documents that remember where each value came from. Findings must point at the line to
 * change, so both IaC readers parse through here: JSON (Terraform plans, CloudFormation/CDK JSON)
 * with a small position-tracking scanner, YAML (CloudFormation/SAM) through the yaml package's
 * node ranges and LineCounter. Paths use the warning format of the canonical document:
 * `Resources.Fn.Properties.Policies[0]`.
 */

import type { Document, LineCounter, Node as YamlNode, YAMLError } from "yaml";
import { yaml } from "../../yaml.js";
import { InputError } from "../../errors.js";
import { indentFlowContinuations } from "./yaml-flow-indent.js";

export interface Located {
  value: unknown;
  /** 1-based line where the value at `path` starts, or null when the path was not recorded. */
  lineOf(path: string): number | null;
}

const PLAIN_KEY = /^[A-Za-z0-9_$@:/-]+$/;

/** The path of a child value: `.key` for plain keys, `["odd key"]` otherwise, `[i]` for indices. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  let plain = plainKeys.get(key);
  if (plain === undefined) {
    plain = PLAIN_KEY.test(key);
    if (plainKeys.size < 100_000) plainKeys.set(key, plain);
  }
  if (plain) return parent === "" ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}

/** Templates repeat the same few keys (Type, Properties, Effect, Action…): test each once. */
const plainKeys = new Map<string, boolean>();

/**
 * Bytes or text to a string. Plans redirected by PowerShell are UTF-16 LE with a byte-order mark,
 * Windows tools add a UTF-8 BOM; sniff the BOM rather than trust the caller.
 */
export function decodeText(input: string | Uint8Array, file?: string): string {
  if (typeof input === "string") {
    // Text decoded as Latin-1 or UTF-8 from UTF-16 bytes by a careless caller: the BOM shows as ÿþ / \uFFFD\uFFFD.
    if (input.startsWith("\u00ff\u00fe") || input.startsWith("\ufffd\ufffd")) {
      throw new InputError("the text looks like UTF-16 decoded as UTF-8; pass the raw bytes instead", file === undefined ? {} : { file });
    }
    return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  }
  const b = input;
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return new TextDecoder("utf-16le").decode(b.subarray(2));
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return new TextDecoder("utf-16be").decode(b.subarray(2));
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return new TextDecoder("utf-8").decode(b.subarray(3));
  // UTF-16 LE without a BOM: `{` followed by a NUL byte.
  if (b.length >= 2 && b[0] === 0x7b && b[1] === 0x00) return new TextDecoder("utf-16le").decode(b);
  return new TextDecoder("utf-8").decode(b);
}

/* -------------------------------------------------------------------- JSON */

/**
 * Parse JSON and record the line of every value (or, with `keepKey`, only of values reached
 * through object keys it accepts: a 100 MB plan needs the lines of its resources, not of every
 * attribute). A syntax error becomes an InputError with the line.
 */
export function parseJsonLocated(text: string, file: string, keepKey?: (key: string) => boolean): Located {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const pos = /position (\d+)/.exec(message);
    const offset = pos ? Number(pos[1]) : text.length;
    const line = lineAtOffset(text, offset);
    // An error at the very end of the text means the text stopped early (a cut download, a full disk).
    const atEnd = !pos || offset >= text.trimEnd().length;
    const what = text.trim() === "" ? "empty file" : atEnd || /end of (JSON )?input|Unterminated/i.test(message) ? "truncated JSON" : "invalid JSON";
    throw new InputError(`${what} at line ${line}: ${message}`, { file, path: "", cause: error });
  }
  const lines = scanJsonLines(text, keepKey);
  return { value, lineOf: (path) => lines.get(path) ?? null };
}

function lineAtOffset(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Walk already-valid JSON text and map each value's path to its starting line. Written by hand
 * because no installed library reports positions, and JSON.parse has already validated the
 * text, so the scanner can be simple.
 */
function scanJsonLines(text: string, keepKey?: (key: string) => boolean): Map<string, number> {
  const lines = new Map<string, number>();
  let i = 0;
  let line = 1;
  const n = text.length;

  const skipWs = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10) line++;
      else if (c !== 32 && c !== 9 && c !== 13) break;
      i++;
    }
  };
  const readString = (): string => {
    const start = i;
    i++; // opening quote
    let escaped = false;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 92) {
        escaped = true;
        i += 2;
        continue;
      }
      if (c === 34) break;
      i++;
    }
    i++; // closing quote
    const raw = text.slice(start, i);
    return escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
  };
  // Iterative with an explicit stack so deeply nested (or adversarial) input cannot overflow the call stack.
  // A null path means "inside something not tracked": nothing below it is recorded.
  type Frame = { kind: "obj" | "arr"; path: string | null; index: number };
  const stack: Frame[] = [];
  let pendingPath: string | null = "";
  for (;;) {
    skipWs();
    if (i >= n) break;
    // A value starts here.
    if (pendingPath !== null) lines.set(pendingPath, line);
    const c = text.charCodeAt(i);
    if (c === 123 /* { */ || c === 91 /* [ */) {
      stack.push({ kind: c === 123 ? "obj" : "arr", path: pendingPath, index: 0 });
      i++;
    } else if (c === 34) {
      readString();
    } else {
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 44 || d === 125 || d === 93 || d === 32 || d === 10 || d === 13 || d === 9) break;
        i++;
      }
    }
    // After a value (or an opening bracket), find the next value's path.
    let advanced = false;
    while (!advanced) {
      const top = stack[stack.length - 1];
      if (!top) return lines;
      skipWs();
      const d = text.charCodeAt(i);
      if (d === 44 /* , */) {
        i++;
        skipWs();
      } else if (d === 125 /* } */ || d === 93 /* ] */) {
        i++;
        stack.pop();
        continue;
      }
      const e = text.charCodeAt(i);
      if (e === 125 || e === 93) continue; // empty container closes on the next turn
      if (top.kind === "obj") {
        const key = readString();
        skipWs();
        i++; // colon
        pendingPath = top.path === null || (keepKey && !keepKey(key)) ? null : childPath(top.path, key);
      } else {
        pendingPath = top.path === null ? null : childPath(top.path, top.index);
        top.index++;
      }
      advanced = true;
    }
  }
  return lines;
}

/* -------------------------------------------------------------------- YAML */

/**
 * Parse CloudFormation YAML. Short-form intrinsic tags (`!Ref`, `!GetAtt A.B`, `!Sub`, …) become
 * their long JSON form while the tree is converted, so the rest of the reader sees one shape for
 * YAML and JSON templates. Unknown `!Tags` are errors: silently reading them as strings would
 * make a policy look like something it is not.
 */
export function parseYamlLocated(text: string, file: string): Located {
  let { doc, counter } = parseYaml(text, file);
  const first = doc.errors[0];
  if (first) {
    // A flow collection whose lines are indented less than YAML 1.2 asks: CloudFormation's parser
    // reads it (yaml-flow-indent.ts); read it as CloudFormation does when indenting them is all it takes.
    const relaxed = isFlowIndentError(first) ? indentFlowContinuations(text) : null;
    const retried = relaxed === null ? null : parseYaml(relaxed, file);
    if (retried && retried.doc.errors.length === 0) ({ doc, counter } = retried);
    else {
      const line = first.linePos?.[0]?.line ?? counter.linePos(first.pos[0]).line;
      throw new InputError(`invalid YAML at line ${line}: ${first.message.split("\n")[0] ?? first.message}`, { file, path: "" });
    }
  }
  const lines = new Map<string, number>();
  const lineOfNode = (node: { range?: [number, number, number] | null | undefined }): number | null =>
    node.range ? counter.linePos(node.range[0]).line : null;

  // Aliases are expanded into copies: bound the work so that a "billion laughs" file fails fast.
  let budget = Math.max(250_000, text.length * 2);
  const aliasTargets = new Map<object, unknown>();
  const { isAlias, isMap, isPair, isScalar, isSeq } = yaml();
  const convert = (node: unknown, path: string, depth: number): unknown => {
    if (depth > 500) throw new InputError("YAML nested too deeply", { file, path });
    if (--budget < 0) throw new InputError("YAML aliases expand to too many nodes", { file, path });
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      // Alias.resolve searches the whole document: resolve each alias node once.
      let target = aliasTargets.get(node);
      if (target === undefined) {
        target = node.resolve(doc) ?? null;
        aliasTargets.set(node, target);
      }
      return target ? convert(target, path, depth + 1) : null;
    }
    const yamlNode = node as YamlNode;
    const line = lineOfNode(yamlNode);
    if (line !== null && !lines.has(path)) lines.set(path, line);
    let plain: unknown;
    if (isScalar(node)) plain = yaml11Boolean(node) ?? node.value;
    else if (isMap(node)) {
      const obj: Record<string, unknown> = {};
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key;
        const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
        const p = childPath(path, key);
        if (isScalar(keyNode) && keyNode.range) lines.set(p, counter.linePos(keyNode.range[0]).line);
        Object.defineProperty(obj, key, { value: convert(pair.value, p, depth + 1), enumerable: true, writable: true, configurable: true });
      }
      plain = obj;
    } else if (isSeq(node)) {
      plain = node.items.map((item, index) => convert(item, childPath(path, index), depth + 1));
    } else plain = null;
    const tag = (yamlNode as { tag?: string }).tag;
    if (tag && tag.startsWith("!") && !tag.startsWith("!!")) return applyShortTag(tag.slice(1), plain, file, path, line);
    return plain;
  };
  const value = convert(doc.contents, "", 0);
  return { value, lineOf: (path) => lines.get(path) ?? null };
}

/**
 * CloudFormation reads YAML 1.1, whose booleans include `yes`/`no`/`on`/`off` (also `Yes`, `YES` …):
 * unquoted, they are `true`/`false` (a parameter's `Default: yes` is "true", a tag's `Value: NO` is
 * "false", a mapping's `Enabled: no` is disabled; aws/aws-cli#5257, ASFHyP3/hyp3#2061). The yaml
 * package reads YAML 1.2, where they are text, so `!Equals [!Ref Flag, "true"]` with
 * `Default: yes` was false here and true when deployed. Single letters (`y`, `N`) stay text:
 * `AttributeType: N` deploys as the DynamoDB type N. Quoted or tagged scalars are text as written.
 */
const YAML11_BOOLEAN = /^(?:yes|Yes|YES|on|On|ON|no|No|NO|off|Off|OFF)$/;

function yaml11Boolean(node: { type?: string | undefined; tag?: string | undefined; value: unknown }): boolean | undefined {
  if (node.type !== "PLAIN" || node.tag !== undefined || typeof node.value !== "string" || !YAML11_BOOLEAN.test(node.value)) return undefined;
  return /^(?:yes|on)$/i.test(node.value);
}

function parseYaml(text: string, file: string): { doc: Document; counter: LineCounter } {
  const { LineCounter, parseDocument } = yaml();
  const counter = new LineCounter();
  try {
    return { doc: parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: false, logLevel: "error" }), counter };
  } catch (error) {
    throw new InputError(`invalid YAML: ${error instanceof Error ? error.message : String(error)}`, { file, cause: error });
  }
}

/** The yaml package's error for a flow collection whose lines are not indented past its block parent. */
const isFlowIndentError = (error: YAMLError): boolean => error.code === "BAD_INDENT" && /^Flow (map|sequence) in block collection must be sufficiently indented/.test(error.message);

const SHORT_TAGS = new Set([
  "Base64", "Cidr", "FindInMap", "GetAtt", "GetAZs", "ImportValue", "Join", "Select", "Split", "Sub", "Transform",
  "And", "Equals", "If", "Not", "Or", "ToJsonString", "Length",
  // Fn::GetStackOutput (CloudFormation Template Reference): another stack's output, `!GetStackOutput`.
  "GetStackOutput",
]);

function applyShortTag(name: string, value: unknown, file: string, path: string, line: number | null = null): unknown {
  if (name === "Ref") return { Ref: value };
  if (name === "Condition") return { Condition: value };
  if (!SHORT_TAGS.has(name)) {
    // Not CloudFormation's (a preprocessor's, such as Rain's !Rain::Embed): say where, and what to give instead.
    throw new InputError(`unknown YAML tag !${name}${line !== null ? ` at line ${line}` : ""} (${path}): not a CloudFormation intrinsic function; give the template as CloudFormation receives it (after rain pkg, sam build or cdk synth)`, { file, path });
  }
  if (name === "GetAtt" && typeof value === "string") {
    // `!GetAtt Resource.Attribute.With.Dots`: the logical ID is everything before the first dot.
    const dot = value.indexOf(".");
    return { "Fn::GetAtt": dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${name}`]: value };
}
