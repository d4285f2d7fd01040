/**
 * Where an audit's time goes, stage by stage: for `audit --timings` and the end-to-end benchmark
 * (bench/scale). performance.now() around each stage, no more, so it costs nothing measurable.
 */

export const AUDIT_STAGES = ["read", "normalize", "iamFacts", "usage", "analyze", "evaluate", "report"] as const;

/**
 * read: finding and parsing the input files; normalize: merging them into the canonical document
 * (without the IAM facts); iamFacts: the IAM engine's per-principal facts (action catalog load
 * included); usage: reading CloudTrail and the other activity files; analyze: the derived facts
 * the rules read, and the usage labels; evaluate: the rules (wasm) and findings; report: rendering
 * and writing. Stages overlap, and time is counted where the work belongs (its CPU time taken as
 * its wall time on the calling thread, since Node 20 has no per-thread CPU clock), so the stages
 * still add up to the total: with activity files, most of the analysis runs on the calling thread
 * while the usage workers read (build-document.ts), counted as analysis and taken out of usage;
 * the audit makes the labels and the roles' scope suggestions slice by slice while the rules are
 * evaluated (buildPendingDocument), counted as analysis and taken out of evaluate. One reader
 * starts at the read stage, beside this thread: its CPU time until normalisation ends counts in
 * read, normalize and IAM facts, and its wall time in none (the usage stage starts once the
 * account is normalised).
 */
export type AuditStage = (typeof AUDIT_STAGES)[number];

/** Milliseconds per stage; a stage that did not run (no usage files) is absent. */
export type StageTimings = Partial<Record<AuditStage, number>>;

const LABEL: Record<AuditStage, string> = {
  read: "read",
  normalize: "normalize",
  iamFacts: "IAM facts",
  usage: "usage",
  analyze: "analysis",
  evaluate: "evaluate",
  report: "report",
};

/** Wall clock (performance.now()) and process CPU (user + system, every thread), ms. */
export interface StageStart {
  wall: number;
  cpu: number;
}

export function cpuNow(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

export function startStage(): StageStart {
  return { wall: performance.now(), cpu: cpuNow() };
}

/**
 * Adds the time since `start` to a stage: wall time to `timings`, process CPU time to `cpu`
 * (whichever is kept). CPU counts every thread of the process, so the usage stage's worker
 * threads are in it; on a shared machine it is the steadier figure.
 */
export function addTiming(timings: StageTimings | undefined, stage: AuditStage, start: StageStart, cpu?: StageTimings): void {
  if (timings) timings[stage] = (timings[stage] ?? 0) + (performance.now() - start.wall);
  if (cpu) cpu[stage] = (cpu[stage] ?? 0) + (cpuNow() - start.cpu);
}

/** Adds `ms` measured on the calling thread to a stage, wall and CPU alike (no per-thread CPU clock). */
export function addMs(timings: StageTimings | undefined, cpu: StageTimings | undefined, stage: AuditStage, ms: number): void {
  for (const stages of [timings, cpu]) if (stages !== undefined) stages[stage] = (stages[stage] ?? 0) + ms;
}

/** Moves `ms` of one stage's time to another, wall and CPU alike (work of `to` done inside `from`). */
export function moveTiming(timings: StageTimings | undefined, cpu: StageTimings | undefined, from: AuditStage, to: AuditStage, ms: number): void {
  for (const stages of [timings, cpu]) {
    if (stages === undefined || ms === 0) continue;
    // No more than the source stage holds: the moved time is wall time, and on a busy machine the
    // source's CPU time can be less; moving more would make the stages add up to more than the total.
    const moved = Math.min(ms, stages[from] ?? 0);
    stages[from] = (stages[from] ?? 0) - moved;
    stages[to] = (stages[to] ?? 0) + moved;
  }
}

export interface TimingTotals {
  /** Wall time of the whole command, ms. */
  totalMs: number;
  /** CPU time (user + system, all threads), ms. */
  cpuMs?: number;
  /** Peak resident set size, KiB. */
  maxRssKb?: number;
}

/**
 * A fixed-layout table (one `<label>  <ms>  <share>[  cpu <ms>]` line per stage; the benchmark parses it):
 * the stages that ran, then what the stages do not cover (config, rule packs, warnings), the total,
 * and CPU time and peak RSS when given.
 */
export function formatStageTimings(timings: StageTimings, totals: TimingTotals, cpu?: StageTimings): string {
  const lines = ["stage timings:"];
  const cpuCol = (ms: number | undefined) => (ms === undefined ? "" : `   cpu ${ms.toFixed(1).padStart(10)} ms`);
  const row = (label: string, ms: number, share: boolean, cpuMs?: number) =>
    `  ${label.padEnd(10)} ${ms.toFixed(1).padStart(10)} ms${share && totals.totalMs > 0 ? `${((100 * ms) / totals.totalMs).toFixed(1).padStart(7)}%` : ""}${cpuCol(cpuMs)}`;
  let sum = 0;
  let cpuSum = 0;
  for (const stage of AUDIT_STAGES) {
    const ms = timings[stage];
    if (ms === undefined) continue;
    sum += ms;
    cpuSum += cpu?.[stage] ?? 0;
    lines.push(row(LABEL[stage], ms, true, cpu?.[stage]));
  }
  lines.push(row("other", Math.max(0, totals.totalMs - sum), true, cpu && totals.cpuMs !== undefined ? Math.max(0, totals.cpuMs - cpuSum) : undefined));
  lines.push(row("total", totals.totalMs, false));
  if (totals.cpuMs !== undefined) lines.push(row("cpu", totals.cpuMs, false));
  if (totals.maxRssKb !== undefined) lines.push(`  ${"peak rss".padEnd(10)} ${(totals.maxRssKb / 1024).toFixed(1).padStart(10)} MiB`);
  return `${lines.join("\n")}\n`;
}
