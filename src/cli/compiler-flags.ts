/**
 * The V8 flags the `leastrole` command sets for its own process, before any work starts (the
 * readers' and the rules' worker threads share them: V8's flags are per process).
 *
 * `--no-turbo-inlining`: TurboFan, V8's optimising compiler, then compiles each hot function
 * alone instead of with the functions it calls folded in. Why: a large audit is short-lived code
 * run hard, and the compiler's jobs were a fifth of its CPU. At 10,000 functions and 1M CloudTrail
 * records, V8's platform threads (where the compile jobs and the collector's helpers run) used
 * 5.7–6.1 CPU-s of 22.5–25 and 4.4–4.9 without inlining; cachegrind counted 14.9 G of the audit's
 * 157 G instructions in the compiler. The code it makes runs about as fast here: the CloudTrail
 * reader alone on one thread, warmed up, 7.7–8.3 s against 7.5–8.5 s for 1M records
 * (bench/usage/one-thread.ts). Measured over the whole audit in alternating pairs: −0.36 s wall and
 * −0.78 CPU-s at 10,000 functions, −0.16 s and −0.48 CPU-s at 1,000 (bench/results/scale.md,
 * "Session 54").
 *
 * The command only: the SDK leaves an embedding process's flags alone. LEASTROLE_V8_INLINING=1
 * keeps V8's default (to measure against it, or should a later V8 make the trade-off go the other
 * way).
 */
import { setFlagsFromString } from "node:v8";

export function compilerFlags(env: NodeJS.ProcessEnv = process.env): string[] {
  return env.LEASTROLE_V8_INLINING === "1" ? [] : ["--no-turbo-inlining"];
}

export function setCompilerFlags(env: NodeJS.ProcessEnv = process.env): void {
  for (const flag of compilerFlags(env)) setFlagsFromString(flag);
}
