#!/usr/bin/env node
/**
 * The `leastrole` command. A thin layer over the SDK: parse arguments, call src/, print. Every
 * user mistake ends in one line on stderr and exit code 2, never a stack trace.
 *
 * Exit codes: 0 success (no finding at or above --fail-on); 1 findings at or above --fail-on;
 * 2 bad usage, input, config or rule pack (also a pack that failed to run: the report is written
 * without its findings); 3 an internal error (a bug: please report it).
 */

import { CommanderError } from "commander";
import { LeastroleError } from "../errors.js";
import { noticeSlowPacks } from "../evaluate/slow-pack.js";
import { setCompilerFlags } from "./compiler-flags.js";
import { writeErr } from "./io.js";
import { buildProgram } from "./program.js";

export const EXIT = { ok: 0, findings: 1, usage: 2, internal: 3 } as const;

/**
 * The AWS SDK for JavaScript v3 prints a 9-line NodeVersionSupportWarning ("versions published
 * after the first week of January 2027 will require node >=22") once per process on Node < 22,
 * i.e. on every `collect` under Node 20, which leastrole supports (package.json engines). It is
 * advice for whoever chooses the SDK's version, here leastrole, not for its users. The SDK's
 * documented opt-out is AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
 * (https://github.com/aws/aws-sdk-js-v3/issues/7983; @aws-sdk/core checks === "true" before it
 * emits): it silences that warning only, and is set here only when the user has not set it, so
 * `AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=false leastrole collect` shows it again. The
 * command line only: the SDK's `collect()` leaves an embedding process's environment alone.
 */
export function quietAwsSdkNodeVersionWarning(env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
}

/**
 * A custom rule pack still evaluating after this long is said on stderr (src/evaluate/slow-pack.ts),
 * and again as long again after. LEASTROLE_SLOW_PACK_NOTICE_MS sets it (tests: a slow rule need not
 * take 30 s).
 */
export function slowPackNoticeMs(env: NodeJS.ProcessEnv = process.env): number {
  const given = Number(env.LEASTROLE_SLOW_PACK_NOTICE_MS);
  return Number.isFinite(given) && given > 0 ? given : 30_000;
}

export async function main(argv: string[]): Promise<number> {
  noticeSlowPacks(slowPackNoticeMs());
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version are "errors" to commander; they already printed
      return e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help" ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof LeastroleError) {
      writeErr(`leastrole: ${e.toString()}\n`);
      return EXIT.usage;
    }
    const err = e as Error;
    writeErr(`leastrole: internal error: ${err?.message ?? String(e)}\n(this is a bug in leastrole; set LEASTROLE_DEBUG=1 for the stack trace and please report it)\n`);
    if (process.env.LEASTROLE_DEBUG) writeErr(`${err?.stack ?? ""}\n`);
    return EXIT.internal;
  }
}

/**
 * The reader of our output went away (`leastrole normalize … | head`): the next write fails with
 * EPIPE, as an 'error' event that nobody handled, so Node printed its stack trace and exited 1.
 * Now the rest of the output is dropped quietly and the command ends as it would have: 0, as other
 * command-line tools do, or 1 when --fail-on was reached (a CI step must not pass because its
 * output was cut). Any other failure to write is one line and exit 2, as for a file.
 */
function onOutputError(stream: NodeJS.WriteStream): void {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    // ERR_STREAM_DESTROYED: a write after the EPIPE that closed the stream.
    if (e.code === "EPIPE" || e.code === "ERR_STREAM_DESTROYED") return;
    if (stream !== process.stderr) writeErr(`leastrole: cannot write output (${e.code ?? e.message})\n`);
    process.exit(EXIT.usage);
  });
}

setCompilerFlags();
onOutputError(process.stdout);
onOutputError(process.stderr);
quietAwsSdkNodeVersionWarning();

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = EXIT.internal;
  },
);
