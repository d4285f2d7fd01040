/**
 * `terraform show -json` writes the plan on one line and does not say where a resource was
 * declared. When the caller also has the configuration (`*.tf`), this maps each resource address
 * to its `resource "type" "name"` block — and each policy attribute to its own line — so that a
 * finding points at the line to change. Local module sources (`./modules/x`) are followed;
 * registry and git modules are not on disk in a predictable place and keep the plan location.
 */

import { posix } from "node:path";
import type { PlanIndex } from "./plan-index.js";
import { installedModules, MODULES_MANIFEST, normalizeDir } from "./config-files.js";

/** `.tf` files by path (relative to the configuration root, `/` separators) → their text. */
export type TerraformConfigFiles = { [path: string]: string };

export interface BlockLocation {
  file: string;
  line: number;
  /** Line of each top-level attribute or nested block inside the resource block. */
  attributes: Map<string, number>;
  /**
   * Line of each statement of a policy attribute (`policy`, `assume_role_policy`), in order: the
   * elements of `Statement = [...]` in a `jsonencode(...)` or heredoc JSON, or the `statement {}`
   * blocks of the `data "aws_iam_policy_document"` the attribute names.
   */
  statementLines: Map<string, number[]>;
  /** `inline_policy {}` blocks by their `name`: the block's line and its statements' lines. */
  inlinePolicies: Map<string, { line: number; statements: number[] }>;
  /** In a `data "aws_iam_policy_document"` block: the line of each `statement {}` block. */
  statementBlocks: number[];
}

/**
 * The lines of the statements of a policy expression starting on line `start`: the elements of
 * its `Statement = [...]` (HCL) or `"Statement": [...]` (JSON, also in a heredoc). Null when the
 * expression is a reference (nothing opens on its first line) or has no statement list.
 */
export function statementLinesFrom(lines: readonly string[], start: number): number[] | null {
  const stack: string[] = [];
  const out: number[] = [];
  let opened = false;
  let inString = false;
  let listDepth = -1;
  let pendingKey = false;
  let heredocEnd: string | null = null;
  for (let li = start; li < lines.length; li++) {
    const text = lines[li] ?? "";
    if (li === start) {
      const h = /<<-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(text);
      if (h?.[1]) heredocEnd = h[1];
    } else if (heredocEnd !== null && text.trim() === heredocEnd) break;
    for (let c = li === start && heredocEnd !== null ? text.length : 0; c < text.length; c++) {
      const ch = text[c] as string;
      if (inString) {
        if (ch === "\\") c++;
        else if (ch === '"') inString = false;
        continue;
      }
      const rest = text.slice(c);
      const key = /^(?:"Statement"\s*:|Statement\s*=)/.exec(rest);
      if (key && (c === 0 || /[\s{,]/.test(text[c - 1] as string))) {
        pendingKey = true;
        c += key[0].length - 1;
        continue;
      }
      if (ch === '"') {
        inString = true;
        if (pendingKey) pendingKey = false;
        continue;
      }
      if (ch === "#" || (ch === "/" && text[c + 1] === "/")) break;
      if (ch === "{" || ch === "[" || ch === "(") {
        if (pendingKey) {
          if (ch === "[") listDepth = stack.length + 1;
          else if (ch === "{") out.push(li + 1); // a single statement object
          pendingKey = false;
        } else if (ch === "{" && listDepth === stack.length) out.push(li + 1);
        stack.push(ch);
        opened = true;
      } else if (ch === "}" || ch === "]" || ch === ")") {
        stack.pop();
        if (listDepth > stack.length) listDepth = -1;
        if (opened && stack.length === 0 && heredocEnd === null) return out.length > 0 ? out : null;
      } else if (pendingKey && !/\s/.test(ch)) pendingKey = false; // `Statement = local.x`: not literal
    }
    if (!opened && heredocEnd === null) return null;
  }
  return out.length > 0 ? out : null;
}

/**
 * The folder (relative to the configuration root) of each module path the plan calls: the root's
 * is `.`; those `terraform init` installed, from its modules.json (registry and git modules are
 * in `.terraform/modules/`); else local sources (`./modules/x`) followed from the parent's folder.
 */
export function moduleDirs(index: PlanIndex, files?: TerraformConfigFiles): Map<string, string> {
  const dirs = new Map<string, string>([["", "."]]);
  // What `terraform init` installed (registry and git modules too) says it best.
  const manifest = files?.[MODULES_MANIFEST];
  if (manifest !== undefined) {
    for (const m of installedModules(manifest)) if (index.moduleCalls.has(m.path)) dirs.set(m.path, normalizeDir(m.dir));
  }
  // Parents before children: module paths sort that way.
  for (const call of [...index.moduleCalls.values()].sort((a, b) => a.path.length - b.path.length)) {
    const parent = call.path.includes(".module.") ? call.path.slice(0, call.path.lastIndexOf(".module.")) : "";
    const parentDir = dirs.get(parent);
    if (dirs.has(call.path)) continue;
    if (parentDir !== undefined && call.source && /^\.\.?(?:\/|$)/.test(call.source)) dirs.set(call.path, normalizeDir(posix.join(parentDir, call.source)));
  }
  return dirs;
}

/** `override.tf` or `<name>_override.tf`: Terraform merges it into the folder's other files. */
export function isOverrideFile(path: string): boolean {
  const name = posix.basename(path.replace(/\\/g, "/"));
  return name === "override.tf" || name.endsWith("_override.tf");
}

/** The `.tf` files of each folder, sorted. */
export function tfFilesByDir(files: TerraformConfigFiles): Map<string, string[]> {
  const byDir = new Map<string, string[]>();
  for (const path of Object.keys(files).sort()) {
    if (!path.endsWith(".tf")) continue;
    const dir = normalizeDir(posix.dirname(posix.normalize(path.replace(/\\/g, "/"))));
    byDir.set(dir, [...(byDir.get(dir) ?? []), path]);
  }
  return byDir;
}

const POLICY_ATTRIBUTES = new Set(["policy", "assume_role_policy"]);
const DATA_POLICY_REF = /^\s*[A-Za-z_]+\s*=\s*data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.json\s*$/;

const BLOCK = /^\s*(resource|data)\s+"([^"]+)"\s+"([^"]+)"\s*\{/;
const ATTRIBUTE = /^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*(=|\{)/;

/** Index every resource and data block of the configuration by its module-qualified address. */
export function indexConfigBlocks(index: PlanIndex, files: TerraformConfigFiles, root = ""): Map<string, BlockLocation> {
  const dirs = moduleDirs(index, files);
  const byDir = tfFilesByDir(files);
  const out = new Map<string, BlockLocation>();
  const dataRefs: Array<{ block: BlockLocation; attr: string; target: string }> = [];
  // An override file's block merged into one of another file (isOverrideFile): the block stays where
  // it is defined, and what the override sets is not located at the other file's lines.
  const overridden: Array<{ base: BlockLocation; over: BlockLocation }> = [];
  for (const [modulePath, dir] of dirs) {
    const paths = byDir.get(posix.normalize(dir)) ?? [];
    for (const path of [...paths.filter((p) => !isOverrideFile(p)), ...paths.filter(isOverrideFile)]) {
      const lines = (files[path] ?? "").split(/\r?\n/);
      let current: BlockLocation | null = null;
      let depth = 0;
      let heredoc: string | null = null;
      lines.forEach((text, i) => {
        // Heredoc bodies (often JSON policies) are text, not structure.
        if (heredoc !== null) {
          if (text.trim() === heredoc) heredoc = null;
          return;
        }
        const h = /<<-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(text);
        if (depth === 0) {
          const m = BLOCK.exec(text);
          if (m) {
            const local = `${m[1] === "data" ? "data." : ""}${m[2]}.${m[3]}`;
            current = { file: root === "" ? path : posix.join(root, path), line: i + 1, attributes: new Map(), statementLines: new Map(), inlinePolicies: new Map(), statementBlocks: [] };
            const address = modulePath === "" ? local : `${modulePath}.${local}`;
            const base = isOverrideFile(path) ? out.get(address) : undefined;
            if (base) overridden.push({ base, over: current });
            else out.set(address, current);
          }
        } else if (depth === 1 && current) {
          const a = ATTRIBUTE.exec(text);
          const block = current as BlockLocation;
          if (a?.[1] && !block.attributes.has(a[1])) block.attributes.set(a[1], i + 1);
          if (a?.[1] === "statement" && a[2] === "{") block.statementBlocks.push(i + 1);
          if (a?.[1] && POLICY_ATTRIBUTES.has(a[1]) && a[2] === "=" && !block.statementLines.has(a[1])) {
            const found = statementLinesFrom(lines, i);
            if (found) block.statementLines.set(a[1], found);
            const ref = DATA_POLICY_REF.exec(text);
            if (!found && ref?.[1]) dataRefs.push({ block, attr: a[1], target: `${modulePath === "" ? "" : `${modulePath}.`}data.aws_iam_policy_document.${ref[1]}` });
          }
          if (a?.[1] === "inline_policy" && a[2] === "{") {
            // The block's own `name = "…"` (before its policy: HCL attributes, one per line).
            let name: string | null = null;
            let policyLine = -1;
            let inner = braceDelta(text);
            for (let j = i + 1; j < lines.length && inner > 0; j++) {
              const l = lines[j] ?? "";
              if (inner === 1) {
                const n = /^\s*name\s*=\s*"([^"]*)"/.exec(l);
                if (n?.[1] !== undefined && name === null) name = n[1];
                if (policyLine < 0 && /^\s*policy\s*=/.test(l)) policyLine = j;
              }
              inner += braceDelta(l);
            }
            if (name !== null && !block.inlinePolicies.has(name)) block.inlinePolicies.set(name, { line: i + 1, statements: policyLine >= 0 ? (statementLinesFrom(lines, policyLine) ?? []) : [] });
          }
        }
        depth += braceDelta(h ? text.slice(0, h.index) : text);
        if (h?.[1]) heredoc = h[1];
        if (depth <= 0) {
          depth = 0;
          current = null;
        }
      });
    }
  }
  for (const { base, over } of overridden) {
    for (const name of over.attributes.keys()) {
      base.attributes.delete(name);
      base.statementLines.delete(name);
      if (name === "inline_policy") base.inlinePolicies.clear();
      if (name === "statement") base.statementBlocks = [];
    }
  }
  for (const r of dataRefs) {
    const doc = out.get(r.target);
    if (doc && doc.statementBlocks.length > 0) r.block.statementLines.set(r.attr, doc.statementBlocks);
  }
  return out;
}

/** Net `{` minus `}` on a line, ignoring braces inside strings, `${…}` interpolations and comments. */
function braceDelta(line: string): number {
  let delta = 0;
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "#" || (c === "/" && line[i + 1] === "/")) break;
    else if (c === "{") delta++;
    else if (c === "}") delta--;
  }
  return delta;
}

/**
 * Where each statement of a policy's JSON text starts: the offset of every element of its
 * top-level `"Statement"` array, or of the object when Statement is one object. Null when the
 * text has no Statement. For a policy rendered from a template file, these offsets are mapped
 * back to the template's lines. `json` must be valid JSON (it has been parsed already).
 */
export function statementOffsets(json: string): number[] | null {
  let i = skipSpace(json, 0);
  if (json[i] !== "{") return null;
  i++;
  for (;;) {
    i = skipSpace(json, i);
    if (i >= json.length || json[i] === "}") return null;
    const keyEnd = skipJson(json, i);
    const key = JSON.parse(json.slice(i, keyEnd)) as string;
    i = skipSpace(json, skipSpace(json, keyEnd) + 1); // past the ':'
    if (key === "Statement") {
      if (json[i] === "{") return [i];
      if (json[i] !== "[") return null;
      const out: number[] = [];
      for (let j = skipSpace(json, i + 1); j < json.length && json[j] !== "]"; j = skipSpace(json, j)) {
        out.push(j);
        j = skipSpace(json, skipJson(json, j));
        if (json[j] === ",") j++;
      }
      return out;
    }
    i = skipSpace(json, skipJson(json, i));
    if (json[i] === ",") i++;
  }
}

function skipSpace(s: string, i: number): number {
  while (i < s.length && (s[i] === " " || s[i] === "\n" || s[i] === "\r" || s[i] === "\t")) i++;
  return i;
}

/** The offset just past the JSON value starting at `i`. */
function skipJson(s: string, i: number): number {
  const c = s[i];
  if (c === '"') {
    for (i++; i < s.length && s[i] !== '"'; i++) if (s[i] === "\\") i++;
    return i + 1;
  }
  if (c === "{" || c === "[") {
    const close = c === "{" ? "}" : "]";
    for (i = skipSpace(s, i + 1); i < s.length && s[i] !== close; i = skipSpace(s, i)) {
      if (c === "{") i = skipSpace(s, skipSpace(s, skipJson(s, i)) + 1); // a key and its ':'
      i = skipSpace(s, skipJson(s, i));
      if (s[i] === ",") i++;
    }
    return i + 1;
  }
  while (i < s.length && !/[\s,\]}]/.test(s[i] as string)) i++;
  return i;
}
