/**
 * One benchmark phase in its own process, so that peak RSS belongs to that phase alone:
 *   floor      read every file and JSON.parse it (what any reader must at least do)
 *   read       readSources: detection + readers (no merge, no facts)
 *   normalize  the whole normaliser, IAM facts and managed policy resolution included
 *   no-facts   the normaliser with a facts function that returns empty facts: its own cost
 *              without the IAM engine (the difference is the facts computation)
 * Prints one JSON line: {phase, wallMs, maxRssKb, ...counts}.
 */
import { readFile } from "node:fs/promises";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { normalize } from "../../src/audit/normalize-paths.js";
import { readSources } from "../../src/sources/index.js";
import { emptyRoleFacts } from "../../src/iam/index.js";

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

const [phase, dir] = process.argv.slice(2) as [string, string];
const t = performance.now();
let counts: object = {};
if (phase === "floor") {
  let values = 0;
  for (const f of walk(dir)) {
    const text = await readFile(f, "utf8");
    // list-functions dumps are concatenated pages: parse each line (one page per line), like the reader must.
    for (const line of text.startsWith("{\"Functions\"") ? text.split("\n") : [text]) {
      JSON.parse(line);
      values++;
    }
  }
  counts = { values };
} else if (phase === "read") {
  const r = await readSources([dir]);
  counts = { fragments: r.fragments.length, warnings: r.warnings.length };
} else if (phase === "normalize") {
  const { document } = await normalize([dir]);
  counts = { functions: document.functions.length, roles: document.roles.length, policies: Object.keys(document.policies).length, warnings: document.meta.warnings.length, partial: document.meta.partial, bytes: JSON.stringify(document).length };
} else if (phase === "no-facts") {
  const { document } = await normalize([dir], { computeFacts: () => emptyRoleFacts(), iamDataVersion: "none" });
  counts = { functions: document.functions.length, roles: document.roles.length, bytes: JSON.stringify(document).length };
} else throw new Error(`unknown phase ${phase}`);
const wallMs = performance.now() - t;
console.log(JSON.stringify({ phase, wallMs: Math.round(wallMs), maxRssKb: process.resourceUsage().maxRSS, ...counts }));
