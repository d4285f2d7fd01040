import { Option, type Command } from "commander";
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve, sep } from "node:path";
import { compileRegoPack } from "../../evaluate/compile-rego.js";
import { checkDistinctIds } from "../../evaluate/evaluator.js";
import { loadBuiltinPack, type RulePack } from "../../evaluate/pack.js";
import { InputError, LeastroleError } from "../../errors.js";
import { terminalWidth, writeErr, writeOutput } from "../io.js";
import { wrap } from "../../report/table.js";
import { loadConfigFor } from "../context.js";
import { extraPackSpecs, loadExtraPacks, rulesOption } from "../rules-flag.js";

/** audit's --config, with its wording: the rule packs listed are those the audit would run. */
const configOption = ["-c, --config <file>", "configuration file, whose rules.packs count as audit runs them (default: .leastrole.yaml/.yml/.json in the current folder or the nearest one above it, up to the repository root)"] as const;

/**
 * The built-in pack, the config file's `rules.packs` and those of --rules, as `audit` would run
 * them: the same config file (found the same way, or --config), each pack once, ids distinct.
 * Without the config's packs, `rules` listed a team's rules as missing and `explain` refused the
 * ids that audit reported.
 */
function packsOf(flags: { rules?: string[]; config?: string }, cmd: Command): RulePack[] {
  const { config, configFile } = loadConfigFor({ ...(flags.config !== undefined ? { config: flags.config } : {}) });
  // loadConfig has made the config's relative packs absolute (against the config file's folder).
  const packs = [loadBuiltinPack(), ...loadExtraPacks(extraPackSpecs<string>(config?.rules?.packs, flags.rules), { packs: config?.rules?.packs, file: configFile })];
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
    .option(...configOption)
    // Choices, and -f as audit, diff and generate have: `--format yaml` printed the table and exited 0.
    .addOption(new Option("-f, --format <format>", "output format").choices(["table", "json"]).default("table"))
    .action((opts: { rules?: string[]; config?: string; format: string }, cmd: Command) => {
      const packs = packsOf(opts, cmd);
      const rules = packs.flatMap((p) => p.catalog.rules.map((r) => ({ ...r, pack: p.origin })));
      if (opts.format === "json") return writeOutput(JSON.stringify(rules, null, 2) + "\n", undefined);
      // The title wrapped under its column to the terminal's width (COLUMNS piped, else 100), as
      // the audit table is: before, lines ran to 120 columns past an 80-column terminal.
      const width = Math.max(60, terminalWidth());
      const column = 8 + 1 + 8 + 1 + 30 + 1;
      const lines = rules.flatMap((r) => {
        const head = `${r.id.padEnd(8)} ${r.severity.padEnd(8)} ${r.name.padEnd(30)} `;
        // A long id or name (a user's pack) pushes the title right: it then starts on the next line.
        if (head.length > column) return [head.trimEnd(), ...wrap(r.title, width - column).map((l) => " ".repeat(column) + l)];
        return wrap(r.title, width - column).map((l, i) => (i === 0 ? head : " ".repeat(column)) + l);
      });
      writeOutput(`${"ID".padEnd(8)} ${"SEVERITY".padEnd(8)} ${"NAME".padEnd(30)} TITLE\n${lines.join("\n")}\n`, undefined);
    });

  program
    .command("build-rules <folder>")
    .description("compile a folder of .rego rules into <name>.wasm and <name>.catalog.json (needs the opa CLI)")
    .option("-o, --out-dir <dir>", "where to write them", ".")
    .option("--name <name>", "file name stem (default: the folder's name)")
    .action((folder: string, opts: { outDir: string; name?: string }) => {
      // Checked before the compile: --name is a file name, not a path (`../../x` wrote outside the
      // output folder), and --out-dir a folder (an existing file was an internal error, EEXIST).
      if (opts.name !== undefined && (opts.name === "" || opts.name === "." || opts.name === ".." || /[\\/]/.test(opts.name))) {
        throw new InputError(`--name must be a file name stem, not a path (got ${JSON.stringify(opts.name)}); the files go in --out-dir`);
      }
      if (existsSync(opts.outDir) && !statSync(opts.outDir).isDirectory()) throw new InputError("--out-dir names a file, not a folder: give the folder to write the pack's files in", { file: opts.outDir });
      const compiled = compileRegoPack(folder);
      // What audit refuses when the pack runs (an LR id, a built-in rule's id or name), refused
      // here, before a pack is shipped: build-rules wrote such a pack, and every audit given it exited 2.
      checkDistinctIds([loadBuiltinPack(), { origin: folder, catalog: compiled.catalog }]);
      for (const w of compiled.warnings) writeErr(`leastrole: warning: ${w}\n`);
      const stem = opts.name ?? basename(resolve(folder));
      mkdirSync(opts.outDir, { recursive: true });
      writeFileSync(join(opts.outDir, `${stem}.wasm`), compiled.wasm);
      // Each rule's file relative to the rule folder, as the catalog format says: opa names it as the
      // folder was typed ("../org-rules/x.rego" from wherever build-rules ran), which meant nothing
      // in a diagnostic on another machine or in another folder.
      const rules = compiled.catalog.rules.map((r) => ({ ...r, file: r.file === null ? null : relative(folder, r.file).split(sep).join("/") }));
      writeFileSync(join(opts.outDir, `${stem}.catalog.json`), JSON.stringify({ ...compiled.catalog, rules }, null, 2) + "\n");
      // Both files by their paths, as docs/writing-rules.md names them (before: "… and .catalog.json").
      writeErr(`wrote ${join(opts.outDir, `${stem}.wasm`)} and ${join(opts.outDir, `${stem}.catalog.json`)}: ${compiled.catalog.rules.map((r) => r.id).join(", ")}\n`);
    });

  program
    .command("explain <rule>")
    .description("explain a rule: what it finds, why it matters, how to fix it")
    .option(...rulesOption("also look in this pack"))
    .option(...configOption)
    .action((id: string, opts: { rules?: string[]; config?: string }, cmd: Command) => {
      const packs = packsOf(opts, cmd);
      const key = id.toLowerCase();
      const rule = packs.flatMap((p) => p.catalog.rules).find((r) => r.id.toLowerCase() === key || r.name.toLowerCase() === key);
      // A rule of one's own pack is found only with the pack: said, since audit --rules found it.
      if (!rule) throw new LeastroleError("unknown-rule", `no rule ${JSON.stringify(id)}: \`leastrole rules\` lists them (a rule of your own pack: give the pack with --rules, or list it in the config's rules.packs)`);
      const refs = rule.relatedResources.map((r) => `  - ${r.ref}${r.description ? ` (${r.description})` : ""}`).join("\n");
      // The config keys it reads: the only rules.options keys audit accepts.
      const options = (rule.options ?? []).map((o) => `  - ${o.name}${o.description ? `: ${o.description}` : ""}`).join("\n");
      // A custom rule's description and remediation are optional: a section is left out when empty
      // rather than printed as blank lines under its heading.
      const sections = [
        `${rule.id} ${rule.name} (${rule.severity}, ${rule.category})\n${rule.title}\n`,
        rule.description.trim() ? `${rule.description.trimEnd()}\n` : "",
        rule.remediation.trim() ? `How to fix:\n${rule.remediation.trimEnd()}\n` : "",
        // What `diff` does with its findings depends on it: said where the rule is explained.
        rule.needsUsage === true ? "Needs usage data (CloudTrail, Access Advisor): without it the rule reports nothing, and `diff` does not call its findings fixed against inputs without usage covering them.\n" : "",
        rule.needsCalls === true ? "Needs the calls CloudTrail recorded (denied calls, the resources calls reached), which an Access Advisor report does not show: `diff` does not call its findings fixed against inputs whose usage has no CloudTrail records covering them for the whole window.\n" : "",
        rule.needsFunctions === true ? "Needs the functions of a role: its findings on a role are decided by the functions that use it, and `diff` does not call one fixed against inputs that hold the role but not its functions.\n" : "",
        rule.needsTriggers === true ? "Needs the function's event source mappings: its findings on a function are decided by them, and `diff` does not call one fixed against inputs that hold the function but not a mapping it had, unless they list the function's mappings.\n" : "",
        rule.unusedActionsEvidence !== undefined ? `Its findings list the actions they call unused (evidence \`${rule.unusedActionsEvidence}\`): \`diff\` calls one fixed only when each of them is no longer granted, used or excepted after the change, not when they are only unknowable or too new there.\n` : "",
        rule.usageRaisesSeverity === true ? "Usage data (CloudTrail, Access Advisor) can raise its severity: without it a finding may be less severe, and `diff` does not call one lowered against inputs without usage covering it when the before inputs had usage.\n" : "",
        options ? `Options (rules.options in the config file):\n${options}\n` : "",
        refs ? `References:\n${refs}\n` : "",
      ].filter((x) => x !== "");
      writeOutput(sections.join("\n"), undefined);
    });
}
