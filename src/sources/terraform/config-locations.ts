/**
 * `terraform show -json` writes the plan on one line and does not say where a resource was
 * declared. When the caller also has the configuration (`*.tf`), this maps each resource address
 * to its `resource "type" "name"` block — and each policy attribute to its own line — so that a
 * finding points at the line to change. Local module sources (`./modules/x`) are followed;
 * registry and git modules are not on disk in a predictable place and keep the plan location.
 */

import { posix } from "node:path";
import type { PlanIndex } from "./plan-index.js";

/** `.tf` files by path (relative to the configuration root, `/` separators) → their text. */
export type TerraformConfigFiles = { [path: string]: string };

export interface BlockLocation {
  file: string;
  line: number;
  /** Line of each top-level attribute or nested block inside the resource block. */
  attributes: Map<string, number>;
}

const BLOCK = /^\s*(resource|data)\s+"([^"]+)"\s+"([^"]+)"\s*\{/;
const ATTRIBUTE = /^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*(=|\{)/;

/** Index every resource and data block of the configuration by its module-qualified address. */
export function indexConfigBlocks(index: PlanIndex, files: TerraformConfigFiles, root = ""): Map<string, BlockLocation> {
  const dirs = new Map<string, string>([["", "."]]);
  // Parents before children: module paths sort that way.
  for (const call of [...index.moduleCalls.values()].sort((a, b) => a.path.length - b.path.length)) {
    const parent = call.path.includes(".module.") ? call.path.slice(0, call.path.lastIndexOf(".module.")) : "";
    const parentDir = dirs.get(parent);
    if (parentDir !== undefined && call.source && /^\.\.?\//.test(call.source)) dirs.set(call.path, posix.normalize(posix.join(parentDir, call.source)));
  }
  const byDir = new Map<string, string[]>();
  for (const path of Object.keys(files).sort()) {
    if (!path.endsWith(".tf")) continue;
    const dir = posix.dirname(path.replace(/\\/g, "/"));
    byDir.set(dir, [...(byDir.get(dir) ?? []), path]);
  }
  const out = new Map<string, BlockLocation>();
  for (const [modulePath, dir] of dirs) {
    for (const path of byDir.get(posix.normalize(dir)) ?? []) {
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
            current = { file: root === "" ? path : posix.join(root, path), line: i + 1, attributes: new Map() };
            out.set(modulePath === "" ? local : `${modulePath}.${local}`, current);
          }
        } else if (depth === 1 && current) {
          const a = ATTRIBUTE.exec(text);
          if (a?.[1] && !(current as BlockLocation).attributes.has(a[1])) (current as BlockLocation).attributes.set(a[1], i + 1);
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
