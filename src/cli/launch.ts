/**
 * The `leastrole` executable (package.json `bin`). It runs the command line (main.ts, built as
 * dist/cli-main.js) in a Node process whose young generation is large enough for what the commands
 * that read an account do: a 10,000-function audit makes millions of objects that live for a
 * stage (facts, analysis, the rules' slices) and Node's default 16 MB semi-spaces copied them
 * over and over (~300 scavenges, ~2.5 s of the calling thread's time). V8 reads the size once, when
 * the process starts (`v8.setFlagsFromString` afterwards changes nothing), so those commands are
 * started again with `--max-semi-space-size`; every other command (help, collect, rules …) runs
 * here, at no cost. bench/RESULTS.md has the figures.
 *
 * Not started again when the size is given already (the node command line or NODE_OPTIONS), under
 * a debugger (the child would want the same port), or with LEASTROLE_NO_RELAUNCH=1. The child has
 * the terminal (stdin, stdout and stderr are its own), gets the signals this process gets, and its
 * exit code or signal is this process's.
 */

import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { FLAG, SEMI_SPACE_MB, shouldRelaunch } from "./launch-decision.js";


const main = new URL("./cli-main.js", import.meta.url);

if (!shouldRelaunch(process.argv.slice(2), process.execArgv, process.env)) {
  await import(main.href);
} else {
  const child = spawn(process.execPath, [...process.execArgv, `${FLAG}=${SEMI_SPACE_MB}`, fileURLToPath(main), ...process.argv.slice(2)], { stdio: "inherit" });
  // Ctrl-C reaches both processes (the terminal signals its foreground group); a signal sent to
  // this one alone (a CI job's timeout, `kill`) is passed on. Either way the child decides.
  const forward = (signal: NodeJS.Signals) => () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const handlers = (["SIGINT", "SIGTERM", "SIGHUP"] as const).map((s) => [s, forward(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  child.on("error", (e) => {
    process.stderr.write(`leastrole: cannot start ${process.execPath}: ${e.message}\n`);
    process.exit(3);
  });
  child.on("exit", (code, signal) => {
    for (const [s, h] of handlers) process.off(s, h);
    // Ended by a signal: so does this process, so that a shell sees the same status (130 for Ctrl-C).
    if (signal !== null) process.kill(process.pid, signal);
    else process.exit(code ?? 3);
  });
}
