import { closeSync, openSync, writeFileSync, writeSync } from "node:fs";
import { InputError } from "../errors.js";
import { stripControl } from "../report/view.js";

/**
 * Write to stderr with the control characters of the text removed (ESC, BEL, CR, C1, bidi
 * overrides; newlines and tabs kept): messages quote input text (a template's role name, a file
 * name, an AWS error), and `\e]0;…\a\e[2J` in one would retitle and clear the user's terminal or
 * hide lines of a CI log.
 */
export function writeErr(text: string): void {
  process.stderr.write(stripControl(text));
}

/**
 * The width tables are drawn to: the terminal's; piped (`| less`, a CI log), COLUMNS as a shell
 * sets it, when a whole number; else 100. The audit table's rule (a7e8d48), for every table.
 */
export function terminalWidth(): number {
  const columns = process.env.COLUMNS;
  return process.stdout.columns ?? (columns !== undefined && /^\d+$/.test(columns.trim()) ? Number(columns) : undefined) ?? 100;
}

function cannotWrite(e: unknown, file: string): InputError {
  return new InputError(`cannot write output (${(e as NodeJS.ErrnoException).code})`, { file });
}

/**
 * Output produced in pieces (see writeCanonicalDocument), written as it comes, small pieces
 * gathered in 1 MiB blocks: it may be larger than one JavaScript string can be.
 */
export function writeOutputStreamed(produce: (write: (s: string) => void) => void, output: string | undefined): void {
  const toStdout = !output || output === "-";
  // The file is opened (and truncated) at the first piece, not before: output that fails before
  // producing anything (an unknown --function) leaves an existing file as it was.
  let fd: number | null = null;
  const open = (): number => {
    if (fd !== null) return fd;
    try {
      return (fd = openSync(output as string, "w"));
    } catch (e) {
      throw cannotWrite(e, output as string);
    }
  };
  let pending: string[] = [];
  let size = 0;
  const out = (block: string): void => {
    if (toStdout) {
      process.stdout.write(block);
      return;
    }
    const to = open();
    try {
      writeSync(to, block);
    } catch (e) {
      throw cannotWrite(e, output as string);
    }
  };
  const flush = (): void => {
    if (pending.length === 0) return;
    const block = pending.join("");
    pending = [];
    size = 0;
    out(block);
  };
  try {
    produce((s) => {
      // Large pieces (a few hundred findings at once) go out as they are, not copied into a block.
      if (s.length >= 1 << 16) {
        flush();
        out(s);
        return;
      }
      pending.push(s);
      size += s.length;
      if (size >= 1 << 20) flush();
    });
    flush();
    if (!toStdout) open();
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

export function writeOutput(text: string, output: string | undefined): void {
  if (!output || output === "-") process.stdout.write(text);
  else {
    try {
      writeFileSync(output, text);
    } catch (e) {
      throw cannotWrite(e, output);
    }
  }
}
