/**
 * The commands the docs show are the CLI's: every `leastrole <command> … --flag value` in README.md,
 * docs/ and examples/ (code blocks and inline code alike) names a command the program has, flags
 * that command (or the program) takes, and, for a flag with a fixed set of values (`--format`,
 * `--fail-on`, `--scope`, `--target`, `--partition`), one of them; `leastrole sql <name>` names a
 * query it prints. A renamed flag or a format a command does not write (`diff -f sarif`) would
 * otherwise be found by the first user who copies the line. Read from the option parser itself
 * (buildProgram), so a new flag needs no change here.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli/program.js";
import { packageRoot } from "../../src/evaluate/locate.js";

const root = packageRoot();
const program = buildProgram();
const commands = new Map(program.commands.map((c) => [c.name(), c]));
const globalFlags = new Set(program.options.flatMap((o) => [o.long, o.short]).filter((f): f is string => f !== undefined));
const SQL_QUERIES = ["athena-table", "athena-usage", "lake-usage", "security-lake-usage", "security-lake-v1-usage"];

/** The pages a user reads: README.md, docs/**.md, examples/**.md. */
function pages(): string[] {
  const under = (dir: string): string[] => readdirSync(join(root, dir), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".md")).map((f) => join(dir, f));
  return ["README.md", ...under("docs"), ...under("examples")];
}

/**
 * What is wrong with the `leastrole …` command lines of a text: each code span, and each whole
 * line (a code block's), is searched for `leastrole <word>` and the words after it up to a pipe,
 * a redirection, a `;`, a comment or the span's end. A word that is no command is prose
 * ("leastrole reads …") and left alone.
 */
function commandMistakes(text: string): string[] {
  const out: string[] = [];
  text.split("\n").forEach((line, i) => {
    const spans = [...line.matchAll(/`([^`]*)`/g)].map((m) => m[1]!);
    for (const span of [...spans, line]) {
      for (const m of span.matchAll(/\bleastrole\s+([a-z][a-z-]*)((?:[ \t]+[^\s|;#`>]+)*)/g)) {
        const command: Command | undefined = commands.get(m[1]!);
        if (command === undefined) continue;
        const words = m[2]!.trim().split(/\s+/).filter((w) => w !== "");
        if (m[1] === "sql" && words[0] !== undefined && /^[a-z-]+$/.test(words[0]) && !SQL_QUERIES.includes(words[0])) out.push(`${i + 1}: leastrole sql ${words[0]}: no such query`);
        words.forEach((word, k) => {
          if (!/^--?[a-zA-Z]/.test(word)) return;
          const flag = word.split("=")[0]!;
          const option = command.options.find((o) => o.long === flag || o.short === flag);
          if (option === undefined) {
            if (!globalFlags.has(flag) && flag !== "--help" && flag !== "-h") out.push(`${i + 1}: leastrole ${m[1]} ${flag}: no such flag`);
            return;
          }
          const value = word.includes("=") ? word.slice(word.indexOf("=") + 1) : words[k + 1];
          // A placeholder (`<format>`, `"…"`) or an alternation (`json|sarif`) is no value to check.
          if (option.argChoices === undefined || value === undefined || /^[<"'…]/.test(value) || value.includes("|")) return;
          if (!option.argChoices.includes(value)) out.push(`${i + 1}: leastrole ${m[1]} ${flag} ${value}: not one of ${option.argChoices.join(", ")}`);
        });
      }
    }
  });
  // A code span is met twice, alone and in its line.
  return [...new Set(out)];
}

describe("the `leastrole` command lines of the docs", () => {
  it("finds what it is for: an unknown flag, a value a flag does not take, an unknown query", () => {
    expect(commandMistakes("```sh\nleastrole audit ./export --formt json\n```")).toEqual(["2: leastrole audit --formt: no such flag"]);
    expect(commandMistakes("Run `leastrole diff a.json b.json -f sarif -o x` in CI.")).toEqual(["1: leastrole diff -f sarif: not one of table, markdown, json"]);
    expect(commandMistakes("leastrole generate x --target=shared")).toEqual(["1: leastrole generate --target shared: not one of inline, managed"]);
    expect(commandMistakes("`leastrole sql athena-tabel`")).toEqual(["1: leastrole sql athena-tabel: no such query"]);
    // Prose, placeholders, alternations, a pipe and the program's own flags are not mistakes.
    expect(commandMistakes("leastrole reads --everything; `leastrole -q audit x --format <f>`; leastrole generate x -f json|terraform | jq --raw")).toEqual([]);
  });

  it("name commands, flags and values the CLI has, in every page", () => {
    const mistakes = pages().flatMap((page) => commandMistakes(readFileSync(join(root, page), "utf8")).map((m) => `${page}:${m}`));
    expect(mistakes).toEqual([]);
  });

  it("are found in the pages (the scan reads them)", () => {
    const count = pages().reduce((n, page) => n + [...readFileSync(join(root, page), "utf8").matchAll(/\bleastrole (audit|diff|generate|collect) --?[a-z]/g)].length, 0);
    expect(count).toBeGreaterThan(20);
  });
});
