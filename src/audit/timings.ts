/**
 * Where an audit's time goes, stage by stage: for `audit --timings` and the end-to-end benchmark
 * (bench/scale). performance.now() around each stage, no more, so it costs nothing measurable.
 */

export const AUDIT_STAGES = ["read", "normalize", "iamFacts", "usage", "analyze", "evaluate", "report"] as const;

/**
 * read: finding and parsing the input files; normalize: merging them into the canonical document
 * (without the IAM facts); iamFacts: the IAM engine's per-principal facts (action catalog load
 * included); usage: reading and labelling CloudTrail and the other activity files; analyze: the
 * derived facts the rules read; evaluate: the rules (wasm) and findings; report: rendering and writing.
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

/** Adds the time since `start` (a performance.now() reading) to a stage, when timings are kept. */
export function addTiming(timings: StageTimings | undefined, stage: AuditStage, start: number): void {
  if (timings) timings[stage] = (timings[stage] ?? 0) + (performance.now() - start);
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
 * A fixed-layout table (one `<label>  <ms>  <share>` line per stage; the benchmark parses it):
 * the stages that ran, then what the stages do not cover (config, rule packs, warnings), the total,
 * and CPU time and peak RSS when given.
 */
export function formatStageTimings(timings: StageTimings, totals: TimingTotals): string {
  const lines = ["stage timings:"];
  const row = (label: string, ms: number, share: boolean) =>
    `  ${label.padEnd(10)} ${ms.toFixed(1).padStart(10)} ms${share && totals.totalMs > 0 ? `${((100 * ms) / totals.totalMs).toFixed(1).padStart(7)}%` : ""}`;
  let sum = 0;
  for (const stage of AUDIT_STAGES) {
    const ms = timings[stage];
    if (ms === undefined) continue;
    sum += ms;
    lines.push(row(LABEL[stage], ms, true));
  }
  lines.push(row("other", Math.max(0, totals.totalMs - sum), true));
  lines.push(row("total", totals.totalMs, false));
  if (totals.cpuMs !== undefined) lines.push(row("cpu", totals.cpuMs, false));
  if (totals.maxRssKb !== undefined) lines.push(`  ${"peak rss".padEnd(10)} ${(totals.maxRssKb / 1024).toFixed(1).padStart(10)} MiB`);
  return `${lines.join("\n")}\n`;
}
