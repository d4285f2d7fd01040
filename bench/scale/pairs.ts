/**
 * Two builds of leastrole, audit against audit on the same input, in alternating pairs: the way
 * every session's before/after at scale is measured (bench/RESULTS.md), as one command whose
 * result says what the pairs can and cannot tell.
 *
 * Why a script: this machine's speed moves by ±15% within minutes (results/scale.md, sessions 17,
 * 26, 29, 30), so one run of each build says nothing, and hand-made pairs were read by eye. Here
 * the order alternates (base then head, head then base, …: a steady drift adds as much to one
 * side as to the other), each pair gives one difference, and the summary is the median
 * difference with a bootstrap 95% interval, in wall seconds and in CPU seconds (user + system, all
 * threads). An interval that holds 0 is "no measurable difference" at this many pairs. The reports
 * are compared too (byte for byte but for `rulesVersion`): a change for speed must not change them.
 *
 *   npm run build && npx tsx bench/scale/pairs.ts --base <checkout with dist/> [--head <checkout>]
 *     [--input bench/out/scale/f10000-r1000000-s11/input] [--pairs 6] [--command audit]
 *     [--base-flags "<node flags>"] [--head-flags "<node flags>"]
 *
 * `--base-flags` and `--head-flags` run that side's node with those flags (V8's, as
 * `--max-semi-space-size=64`): one build against itself under other flags, `--base .` with
 * `--head-flags` only (results/scale.md, "Session 52").
 *
 * A base checkout: `git worktree add --detach /tmp/base <commit> && cd /tmp/base && ln -s
 * <repo>/node_modules node_modules && npm run build`.
 */

import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { twoBuildsArgs } from "./two-builds.js";

const { arg, root, base, head, input } = twoBuildsArgs(process.argv.slice(2), "f10000-r1000000-s11");
const pairs = Number(arg("pairs", "6"));
/** Node flags per side, split on white space (no quoting: V8 flags take none). */
const flags = { base: arg("base-flags", "").split(/\s+/).filter(Boolean), head: arg("head-flags", "").split(/\s+/).filter(Boolean) };
if (!Number.isInteger(pairs) || pairs < 2) throw new Error("--pairs: a whole number of at least 2");
const out = join(root, "bench", "out", "pairs");
mkdirSync(out, { recursive: true });

interface Run {
  side: "base" | "head";
  wallS: number;
  cpuS: number;
  rssMiB: number;
}

function run(side: "base" | "head"): Run {
  const dir = side === "base" ? base : head;
  const report = join(out, `${side}.json`);
  const timeFile = join(out, "time.txt");
  const r = spawnSync("/usr/bin/time", ["-f", "%e %U %S %M", "-o", timeFile, process.execPath, ...flags[side], join(dir, "dist", "cli.js"), "audit", input, "--format", "json", "--output", report, "--quiet"], { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  // Exit 1 is findings at or above --fail-on: not given here, so anything but 0 is a failure.
  if (r.status !== 0) throw new Error(`${side} audit exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
  const [wall, user, sys, rssKb] = readFileSync(timeFile, "utf8").trim().split(/\s+/).slice(-4).map(Number) as [number, number, number, number];
  return { side, wallS: wall, cpuS: user + sys, rssMiB: rssKb / 1024 };
}

/** The report without the line naming the rules' version (a rule's text changed, not its findings). */
function reportText(side: "base" | "head"): string {
  return readFileSync(join(out, `${side}.json`), "utf8").replace(/^\s*"rulesVersion": .*$/m, "");
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** 95% bootstrap interval of the median of `xs` (a fixed seed: the same pairs give the same interval). */
function interval(xs: number[]): [number, number] {
  let state = 0x9e3779b9;
  const random = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const medians: number[] = [];
  for (let i = 0; i < 2000; i++) medians.push(median(xs.map(() => xs[Math.floor(random() * xs.length)] as number)));
  medians.sort((a, b) => a - b);
  return [medians[50] as number, medians[1949] as number];
}

const started = new Date().toISOString();
const loadBefore = loadavg();
const runs: Run[] = [];
const diffs = { wall: [] as number[], cpu: [] as number[] };
let sameReports = true;
for (let p = 0; p < pairs; p++) {
  const order: Array<"base" | "head"> = p % 2 === 0 ? ["base", "head"] : ["head", "base"];
  const got = order.map(run);
  runs.push(...got);
  const b = got.find((r) => r.side === "base") as Run;
  const h = got.find((r) => r.side === "head") as Run;
  diffs.wall.push(h.wallS - b.wallS);
  diffs.cpu.push(h.cpuS - b.cpuS);
  if (reportText("base") !== reportText("head")) sameReports = false;
  process.stderr.write(`pair ${p + 1}/${pairs}: base ${b.wallS.toFixed(2)} s / ${b.cpuS.toFixed(1)} CPU-s, head ${h.wallS.toFixed(2)} s / ${h.cpuS.toFixed(1)} CPU-s\n`);
}
rmSync(join(out, "time.txt"), { force: true });

const fmt = (x: number): string => `${x >= 0 ? "+" : ""}${x.toFixed(2)}`;
const side = (s: "base" | "head") => runs.filter((r) => r.side === s);
const lines = [
  `Pairs ${started} → ${new Date().toISOString()}, load average ${loadBefore.map((x) => x.toFixed(2)).join(" ")} → ${loadavg().map((x) => x.toFixed(2)).join(" ")}.`,
  `base ${base}${flags.base.length > 0 ? ` (node ${flags.base.join(" ")})` : ""}, head ${head}${flags.head.length > 0 ? ` (node ${flags.head.join(" ")})` : ""}, input ${input}, ${pairs} pairs in alternating order.`,
  "",
  "| | base | head |",
  "|---|---|---|",
  `| wall s | ${side("base").map((r) => r.wallS.toFixed(2)).join(", ")} | ${side("head").map((r) => r.wallS.toFixed(2)).join(", ")} |`,
  `| CPU s | ${side("base").map((r) => r.cpuS.toFixed(1)).join(", ")} | ${side("head").map((r) => r.cpuS.toFixed(1)).join(", ")} |`,
  `| peak RSS MiB | ${side("base").map((r) => r.rssMiB.toFixed(0)).join(", ")} | ${side("head").map((r) => r.rssMiB.toFixed(0)).join(", ")} |`,
  "",
];
for (const [what, xs] of [
  ["wall s", diffs.wall],
  ["CPU s", diffs.cpu],
] as const) {
  const [lo, hi] = interval(xs);
  const verdict = lo > 0 ? "head slower" : hi < 0 ? "head faster" : "no measurable difference";
  lines.push(`head − base, ${what}: median ${fmt(median(xs))} (95% interval ${fmt(lo)} to ${fmt(hi)}; ${xs.filter((x) => x < 0).length} of ${xs.length} pairs faster): ${verdict}`);
}
lines.push(sameReports ? "Reports: the same in every pair (but for rulesVersion)." : "Reports: DIFFERENT (compare bench/out/pairs/base.json and head.json).");
console.log(lines.join("\n"));
