import type { Command } from "commander";
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve, sep } from "node:path";
import { compileRegoPack } from "../../evaluate/compile-rego.js";
import { checkDistinctIds } from "../../evaluate/evaluator.js";
import { loadBuiltinPack, loadRulePack, type RulePack } from "../../evaluate/pack.js";
import { LeastroleError } from "../../errors.js";
import { writeErr, writeOutput } from "../io.js";
import { extraPackSpecs, rulesOption } from "../rules-flag.js";

/** The built-in pack and those of --rules, as `audit` would run them: each once, ids distinct. */
function packsOf(specs: string[] | undefined, cmd: Command): RulePack[] {
  const packs = [loadBuiltinPack(), ...extraPackSpecs<string>(undefined, specs).map((p) => loadRulePack(p))];
  // The clash `audit` refuses (exit 2): listed or explained, one of the two rules would pass for both.
  checkDistinctIds(packs);
  const quiet = cmd.optsWithGlobals<{ quiet?: boolean }>().quiet === true;
  if (!quiet) for (const w of packs.flatMap((p) => p.warnings)) writeErr(`leastrole: warning: ${w}\n`);
  return packs;
}

export function registerRules(program: Command): void {
  program
    .command("rules")
    .description("list the rules (built-in, and those of --rules packs)")
    .option(...rulesOption("also list the rules of this pack"))
    .option("--format <format>", "table or json", "table")
    .action((opts: { rules?: string[]; format: string }, cmd: Command) => {
      const packs = packsOf(opts.rules, cmd);
      const rules = packs.flatMap((p) => p.catalog.rules.map((r) => ({ ...r, pack: p.origin })));
      if (opts.format === "json") return writeOutput(JSON.stringify(rules, null, 2) + "\n", undefined);
      const lines = rules.map((r) => `${r.id.padEnd(8)} ${r.severity.padEnd(8)} ${r.name.padEnd(30)} ${r.title}`);
      writeOutput(`${"ID".padEnd(8)} ${"SEVERITY".padEnd(8)} ${"NAME".padEnd(30)} TITLE\n${lines.join("\n")}\n`, undefined);
    });

  program
    .command("build-rules <folder>")
    .description("compile a folder of .rego rules into <name>.wasm and <name>.catalog.json (needs the opa CLI)")
    .option("-o, --out-dir <dir>", "where to write them", ".")
    .option("--name <name>", "file name stem (default: the folder's name)")
    .action((folder: string, opts: { outDir: string; name?: string }) => {
      const compiled = compileRegoPack(folder);
      for (const w of compiled.warnings) writeErr(`leastrole: warning: ${w}\n`);
      const stem = opts.name ?? basename(resolve(folder));
      mkdirSync(opts.outDir, { recursive: true });
      writeFileSync(join(opts.outDir, `${stem}.wasm`), compiled.wasm);
      // Each rule's file relative to the rule folder, as the catalog format says: opa names it as the
      // folder was typed ("../org-rules/x.rego" from wherever build-rules ran), which meant nothing
      // in a diagnostic on another machine or in another folder.
      const rules = compiled.catalog.rules.map((r) => ({ ...r, file: r.file === null ? null : relative(folder, r.file).split(sep).join("/") }));
      writeFileSync(join(opts.outDir, `${stem}.catalog.json`), JSON.stringify({ ...compiled.catalog, rules }, null, 2) + "\n");
      writeErr(`wrote ${join(opts.outDir, stem)}.wasm and .catalog.json: ${compiled.catalog.rules.map((r) => r.id).join(", ")}\n`);
    });

  program
    .command("explain <rule>")
    .description("explain a rule: what it finds, why it matters, how to fix it")
    .option(...rulesOption("also look in this pack"))
    .action((id: string, opts: { rules?: string[] }, cmd: Command) => {
      const packs = packsOf(opts.rules, cmd);
      const key = id.toLowerCase();
      const rule = packs.flatMap((p) => p.catalog.rules).find((r) => r.id.toLowerCase() === key || r.name.toLowerCase() === key);
      if (!rule) throw new LeastroleError("unknown-rule", `no rule ${JSON.stringify(id)}: \`leastrole rules\` lists them`);
      const refs = rule.relatedResources.map((r) => `  - ${r.ref}${r.description ? ` (${r.description})` : ""}`).join("\n");
      writeOutput(
        `${rule.id} ${rule.name} (${rule.severity}, ${rule.category})\n${rule.title}\n\n${rule.description}\n\nHow to fix:\n${rule.remediation}\n${refs ? `\nReferences:\n${refs}\n` : ""}`,
        undefined,
      );
    });
}
