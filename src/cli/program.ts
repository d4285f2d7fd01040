import { Command, Option } from "commander";
import { registerAudit } from "./commands/audit.js";
import { registerRules } from "./commands/rules.js";
import { registerInit } from "./commands/init.js";
import { registerNormalize } from "./commands/normalize.js";
import { registerGenerate } from "./commands/generate.js";
import { registerCollect } from "./commands/collect.js";
import { registerSql } from "./commands/sql.js";
import { registerDiff } from "./commands/diff.js";
import { packageVersion } from "../evaluate/locate.js";
import { writeErr } from "./io.js";

/**
 * Commander's error as one line, as every other user error is (README, "Exit codes"): without its
 * `error: ` prefix, and with the suggestion it writes on a line of its own ("unknown command
 * 'audti'\n(Did you mean audit?)") kept on the same line.
 */
function oneLine(s: string): string {
  return s
    .replace(/^error: /, "")
    .replace(/\n\(Did you mean ([^)]*)\)/, " (did you mean $1)")
    .replace(/\n+$/, "");
}

export function buildProgram(): Command {
  const program = new Command("leastrole")
    .description("Find and fix over-privileged AWS Lambda execution roles")
    .version(packageVersion(), "-V, --version")
    .exitOverride()
    .configureOutput({
      // Commander's errors quote the arguments as typed.
      writeErr: (s) => writeErr(s),
      outputError: (s, write) => write(`leastrole: ${oneLine(s)}\n`),
    })
    .showSuggestionAfterError(true)
    .addOption(new Option("-q, --quiet", "no progress or notes on stderr (warnings and errors are still printed)"));
  registerAudit(program);
  registerDiff(program);
  registerNormalize(program);
  registerGenerate(program);
  registerCollect(program);
  registerSql(program);
  registerRules(program);
  registerInit(program);
  // Commander's "missing required argument 'paths'" says what is missing, not what to give: each
  // command's line names its usage and where the rest of it is.
  for (const command of program.commands) {
    command.configureOutput({
      outputError: (s, write) => {
        const line = oneLine(s);
        const missing = /^missing required argument /.test(line) ? `: leastrole ${command.name()} ${command.usage()} (leastrole ${command.name()} --help)` : "";
        write(`leastrole: ${line}${missing}\n`);
      },
    });
  }
  return program;
}
