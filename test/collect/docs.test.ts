/**
 * docs/collect.md shows the operation list and the minimal IAM policy generated from the
 * allow-list; this keeps the page current. `LEASTROLE_UPDATE_DOCS=1 npx vitest run
 * test/collect/docs.test.ts` rewrites the generated blocks.
 */

import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli/program.js";
import { collectPolicy, operationsTable } from "../../src/collect/index.js";

const page = resolve(import.meta.dirname, "../../docs/collect.md");

function blocks(): Record<string, string> {
  return {
    operations: operationsTable(),
    policy: ["```json", JSON.stringify(collectPolicy(), null, 2), "```"].join("\n"),
  };
}

function render(text: string): string {
  let out = text;
  for (const [name, body] of Object.entries(blocks())) {
    const re = new RegExp(`(<!-- BEGIN GENERATED: ${name} [^\\n]*-->\\n)[\\s\\S]*?(<!-- END GENERATED: ${name} -->)`);
    if (!re.test(out)) throw new Error(`docs/collect.md has no generated block "${name}"`);
    out = out.replace(re, (_m, begin: string, end: string) => `${begin}${body}\n${end}`);
  }
  return out;
}

describe("docs/collect.md", () => {
  it("shows the current operation list and generated policy", () => {
    const text = readFileSync(page, "utf8");
    const expected = render(text);
    if (process.env.LEASTROLE_UPDATE_DOCS === "1" && expected !== text) writeFileSync(page, expected);
    else expect(text).toBe(expected);
    expect(text.length).toBeGreaterThan(0);
  });

  it("lists every flag of `leastrole collect` in the options table (found by the collect sweep: --endpoint and --print-policy were missing)", () => {
    const text = readFileSync(page, "utf8");
    const table = text.slice(text.indexOf("## Options"), text.indexOf("## What it writes"));
    const collect = buildProgram().commands.find((c) => c.name() === "collect")!;
    const flags = collect.options.map((o) => o.long!).filter((f) => f !== "--since" && f !== "--days");
    expect(flags.length).toBeGreaterThan(5);
    // --since and --days share a row ("`--since 2026-01-01` / `--days 30`").
    for (const flag of [...flags, "--since", "--days"]) expect(table, flag).toMatch(new RegExp("\\| [^|]*`" + flag + "[ `]"));
  });

  it("lists every option of the SDK's collect() in the options table (until, credentials, pollIntervalMs and pollTimeoutMs were missing)", () => {
    const text = readFileSync(page, "utf8");
    const table = text.slice(text.indexOf("## Options"), text.indexOf("## What it writes"));
    const file = resolve(import.meta.dirname, "../../src/collect/options.ts");
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const decl = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === "CollectOptions");
    const names = decl!.members.flatMap((m) => (ts.isPropertySignature(m) && ts.isIdentifier(m.name) ? [m.name.text] : []));
    expect(names.length).toBeGreaterThan(15);
    // A row's first cell names its options: `` `since` / `days` ``, `` `queryPollMs`, `queryTimeoutMs` ``.
    const rows = table.split("\n").filter((l) => l.startsWith("| `")).map((l) => l.split("|")[1]!);
    const listed = new Set(rows.flatMap((cell) => [...cell.matchAll(/`(\w+)`/g)].map((m) => m[1]!)));
    expect(names.filter((n) => !listed.has(n))).toEqual([]);
  });

  it("lists every IAM action of the policy in the page", () => {
    const text = readFileSync(page, "utf8");
    for (const s of collectPolicy().Statement) for (const a of s.Action) expect(text).toContain(`"${a}"`);
  });
});
