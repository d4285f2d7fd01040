import type { Command } from "commander";
import { writeCanonicalDocument } from "../../normalize/index.js";
import { documentFor, loadConfigFor, makeProgress, printInputWarnings, reportUnreadNamedInputs, reportReaderDefects, INPUT_PATHS_HELP, type InputFlags } from "../context.js";
import { addIacOptions, iacOptionsOf, type IacFlags } from "../iac-flags.js";
import { writeOutputStreamed } from "../io.js";

export function registerNormalize(program: Command): void {
  addIacOptions(
    program
    .command("normalize")
    .argument("<paths...>", INPUT_PATHS_HELP)
    .description("write the canonical document (the input of the rules) as JSON")
    .option("-o, --output <file>", "write to a file instead of stdout")
    .option("-c, --config <file>", "configuration file: usage window, kept exceptions, scope (default: .leastrole.yaml/.yml/.json in the current folder or the nearest one above it, up to the repository root)")
    .option("--window-days <days>", "days of usage needed before a permission can be called unused (default 30)")
    .option("--as-of <date>", "reference date for time arithmetic (YYYY-MM-DD, UTC, or an ISO date-time with its zone; default: the end of the usage data)"),
  ).action(async (paths: string[], flags: InputFlags & IacFlags & { output?: string }, cmd: Command) => {
      const progress = makeProgress({ quiet: cmd.optsWithGlobals<{ quiet?: boolean }>().quiet === true });
      const read = loadConfigFor(flags, progress);
      const document = await documentFor(paths, flags, read, progress, undefined, iacOptionsOf(flags));
      printInputWarnings(document, progress, paths);
      writeOutputStreamed((write) => writeCanonicalDocument(document, write), flags.output);
      // A file named on the command line that could not be read: an input error (output written all the same).
      if (reportUnreadNamedInputs(document, paths)) process.exitCode = 2;
      // A reader's defect left records out: a bug, exit code 3 (output written all the same).
      if (reportReaderDefects(document)) process.exitCode = 3;
    });
}
