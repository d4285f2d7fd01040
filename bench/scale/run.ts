/**
 * End-to-end benchmark (issue #11): `leastrole audit` on synthetic accounts of 100 to 10,000
 * functions with 100k–1M CloudTrail records, whole process under /usr/bin/time -v (wall, CPU, peak
 * RSS) with the stage breakdown of `audit --timings`; and in the same run, on the same inputs:
 *
 * - Cloudsplaining (`cloudsplaining scan`) and Parliament (`parliament --auth-details-file`) on the
 *   account's get-account-authorization-details file, against `leastrole audit` on the account
 *   export alone (the same input: no CloudTrail) — and beside the full audit for scale;
 * - `opa eval` with the built-in rules (as a rego bundle, as bench/evaluate.ts builds it) on the
 *   canonical document `leastrole normalize` writes (analysed: what audit evaluates), against the
 *   evaluate stage of the audit; the findings counts are checked equal;
 * - the read-and-parse floor (bench/scale/floor.mjs: every input file read, gunzipped and
 *   JSON.parse'd on all cores), against the whole audit: the ratio reads the audit's time against
 *   the machine of the day, whose speed moved 1.9× between two sessions (results/scale.md).
 *
 *   npm run build && npx tsx bench/scale/run.ts --sizes 100,1000 --records 100000 [--runs 1]
 *     [--seed 11] [--peers-venv /tmp/peers-venv] [--no-peers] [--peer-timeout 1800]
 *
 * Every size × records pair is run. Inputs are generated once into bench/out/scale/ (gitignored)
 * and reused while the generator's sources are unchanged. The markdown table goes to stdout and
 * bench/out/scale/last-run-<sizes>.md, the raw figures to last-run-<sizes>.json.
 */

import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { packageRoot } from "../../src/evaluate/locate.js";
import { generateAccount, type ScaleAccount } from "./generate.js";
// @ts-expect-error plain ESM script without types
import { findOpa } from "../../scripts/opa.mjs";

const root = packageRoot();
const out = join(root, "bench", "out", "scale");
mkdirSync(out, { recursive: true });

const args = process.argv.slice(2);
const arg = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? def : args[i + 1]!;
};
const list = (s: string) => s.split(",").map((x) => Number(x.replace(/_/g, "")));
const sizes = list(arg("sizes", "100,1000"));
const recordCounts = list(arg("records", "100000"));
const runs = Number(arg("runs", "1"));
const seed = Number(arg("seed", "11"));
const venv = arg("peers-venv", "/tmp/peers-venv");
const peers = !args.includes("--no-peers");
const peerTimeoutS = Number(arg("peer-timeout", "1800"));
for (const n of [...sizes, ...recordCounts, runs, seed]) if (!Number.isFinite(n) || n < 0) throw new Error(`bad number in the arguments: ${args.join(" ")}`);

const cli = join(root, "dist", "cli.js");
if (!existsSync(cli)) throw new Error("build first: npm run build");
const opa: string = findOpa({ build: false });
if (!opa) throw new Error("run npm run build:policies first (it provides the pinned opa)");
const cloudsplaining = join(venv, "bin", "cloudsplaining");
const parliament = join(venv, "bin", "parliament");
if (peers && (!existsSync(cloudsplaining) || !existsSync(parliament))) {
  throw new Error(`no cloudsplaining/parliament in ${venv}: python3 -m venv ${venv} && ${venv}/bin/pip install cloudsplaining parliament (or --no-peers)`);
}

interface Measured {
  wallS: number;
  cpuS: number;
  rssMiB: number;
  exit: number | null;
  stderr: string;
  timedOut: boolean;
}

/** One process under /usr/bin/time -v: wall, user+system CPU (all threads and children), peak RSS. */
function timed(cmd: string, cmdArgs: string[], opts: { stdoutFile?: string; timeoutS?: number } = {}): Measured {
  const timeFile = join(out, `time-${process.pid}.txt`);
  const r = spawnSync("/usr/bin/time", ["-v", "-o", timeFile, cmd, ...cmdArgs], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
    stdio: ["ignore", opts.stdoutFile ? "pipe" : "ignore", "pipe"],
    ...(opts.timeoutS ? { timeout: opts.timeoutS * 1000, killSignal: "SIGKILL" } : {}),
  });
  if (opts.stdoutFile) writeFileSync(opts.stdoutFile, r.stdout ?? "");
  const timedOut = r.error !== undefined && (r.error as NodeJS.ErrnoException).code === "ETIMEDOUT";
  const t = existsSync(timeFile) && !timedOut ? readFileSync(timeFile, "utf8") : "";
  rmSync(timeFile, { force: true });
  const num = (re: RegExp) => Number(re.exec(t)?.[1] ?? NaN);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):(\d+(?:\.\d+)?)/.exec(t);
  const wallS = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN;
  return {
    wallS,
    cpuS: num(/User time \(seconds\): ([\d.]+)/) + num(/System time \(seconds\): ([\d.]+)/),
    rssMiB: num(/Maximum resident set size \(kbytes\): (\d+)/) / 1024,
    exit: r.status,
    stderr: r.stderr ?? "",
    timedOut,
  };
}

/** The median run by wall time (its CPU and RSS with it: they belong to the same process). */
function median(ms: Measured[]): Measured {
  return [...ms].sort((a, b) => a.wallS - b.wallS)[Math.floor(ms.length / 2)]!;
}

function repeat(f: () => Measured): Measured {
  return median(Array.from({ length: Math.max(1, runs) }, f));
}

const STAGES = ["read", "normalize", "IAM facts", "usage", "analysis", "evaluate", "report", "other", "total"] as const;
/** The --timings table: wall ms per stage, and process CPU ms per stage under `cpu:<stage>`. */
function stagesOf(stderr: string): Record<string, number> {
  const rows: Record<string, number> = {};
  for (const m of stderr.matchAll(/^ {2}(\S+(?: \S+)?) +(\d+\.\d) ms(?: +[\d.]+%)?(?: +cpu +(\d+\.\d) ms)?$/gm)) {
    rows[m[1]!] = Number(m[2]);
    if (m[3] !== undefined) rows[`cpu:${m[1]}`] = Number(m[3]);
  }
  return rows;
}

/** The generator's sources: a cached account is reused only while they are unchanged. */
function generatorKey(): string {
  const h = createHash("sha256");
  for (const f of ["bench/scale/generate.ts", "bench/normalize/generate-export.ts", "bench/usage/generate.ts"]) h.update(readFileSync(join(root, f)));
  return h.digest("hex").slice(0, 16);
}

function inputsFor(functions: number, records: number): { account: ScaleAccount; generatedS: number | null } {
  const dir = join(out, `f${functions}-r${records}-s${seed}`);
  const keyFile = join(dir, "generated.json");
  const key = generatorKey();
  if (existsSync(keyFile)) {
    const cached = JSON.parse(readFileSync(keyFile, "utf8")) as { key: string; account: ScaleAccount };
    if (cached.key === key) return { account: cached.account, generatedS: null };
  }
  process.stderr.write(`generating ${functions} functions, ${records} records …\n`);
  const t = performance.now();
  const account = generateAccount(join(dir, "input"), { functions, records, seed });
  const generatedS = (performance.now() - t) / 1000;
  writeFileSync(keyFile, `${JSON.stringify({ key, generatedS, account }, null, 1)}\n`);
  return { account, generatedS };
}

// The same Rego as the built-in pack, as a rego-target bundle for opa eval (bench/evaluate.ts).
const regoBundle = join(out, "rules-rego.tar.gz");
execFileSync(opa, ["build", "-t", "rego", "--ignore", "*_test.rego", "--ignore", "capabilities.json", "--ignore", "build", "-o", regoBundle, join(root, "policies")]);

const load0 = loadavg();
const started = new Date().toISOString();
const results: object[] = [];
const e2eRows: string[] = [];
const peerRows: string[] = [];
const floorRows: string[] = [];
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "–");
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "–");
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(1)}×` : "–");
const fail = (what: string, m: Measured) => {
  if (m.timedOut) return `${what}: timed out`;
  if (m.exit !== 0) return `${what}: exit ${m.exit}: ${m.stderr.trim().split("\n").slice(-3).join(" / ")}`;
  return null;
};

for (const functions of sizes) {
  for (const records of recordCounts) {
    const { account, generatedS } = inputsFor(functions, records);
    const dir = join(out, `f${functions}-r${records}-s${seed}`);
    const problems: string[] = [];
    const load = loadavg()[0]!;

    // leastrole audit: the whole account (export + CloudTrail), then the export alone.
    const report = join(dir, "report.json");
    const full = repeat(() => timed(process.execPath, [cli, "audit", account.dir, "--format", "json", "--output", report, "--timings", "--quiet"]));
    const stages = stagesOf(full.stderr);
    const findings = existsSync(report) ? (JSON.parse(readFileSync(report, "utf8")) as { findings: unknown[] }).findings.length : NaN;
    const exportOnly = repeat(() => timed(process.execPath, [cli, "audit", account.accountDir, "--format", "json", "--output", "/dev/null", "--timings", "--quiet"]));
    const exportStages = stagesOf(exportOnly.stderr);
    for (const [w, m] of [["leastrole audit", full], ["leastrole audit (export only)", exportOnly]] as const) {
      const f = fail(w, m);
      if (f) problems.push(f);
    }

    // The read-and-parse floor of the same folder, right after the audit.
    const floor = repeat(() => timed(process.execPath, [join(root, "bench", "scale", "floor.mjs"), account.dir]));
    if (fail("read-and-parse floor", floor)) problems.push(fail("read-and-parse floor", floor)!);

    // opa eval on the canonical document audit evaluates (leastrole normalize writes it analysed).
    const canonical = join(dir, "canonical.json");
    const norm = timed(process.execPath, [cli, "normalize", account.dir, "--output", canonical, "--quiet"]);
    if (fail("leastrole normalize", norm)) problems.push(fail("leastrole normalize", norm)!);
    const opaOut = join(dir, "opa.json");
    const opaEval = repeat(() => timed(opa, ["eval", "--format", "json", "-b", regoBundle, "-i", canonical, "data.leastrole.findings"], { stdoutFile: opaOut }));
    if (fail("opa eval", opaEval)) problems.push(fail("opa eval", opaEval)!);
    let opaFindings = NaN;
    try {
      opaFindings = (JSON.parse(readFileSync(opaOut, "utf8")) as { result: Array<{ expressions: Array<{ value: unknown[] }> }> }).result[0]!.expressions[0]!.value.length;
    } catch {
      problems.push("opa eval: no result");
    }
    if (opaFindings !== findings) problems.push(`findings differ: opa eval ${opaFindings}, leastrole audit ${findings}`);
    rmSync(opaOut, { force: true });

    // The peers, on the authorization-details file of the same account.
    let cs: Measured | null = null;
    let pa: Measured | null = null;
    if (peers) {
      const csOut = join(dir, "cloudsplaining");
      rmSync(csOut, { recursive: true, force: true });
      mkdirSync(csOut, { recursive: true });
      cs = repeat(() => timed(cloudsplaining, ["scan", "--input-file", account.authDetailsFile, "--output", csOut, "--skip-open-report"], { timeoutS: peerTimeoutS }));
      if (fail("cloudsplaining", cs)) problems.push(fail("cloudsplaining", cs)!);
      // Parliament exits 1 when it reports findings; only a missing report is a failure.
      const paOut = join(dir, "parliament.jsonl");
      pa = repeat(() => timed(parliament, ["--auth-details-file", account.authDetailsFile, "--json"], { stdoutFile: paOut, timeoutS: peerTimeoutS }));
      if (pa.timedOut || (pa.exit !== 0 && pa.exit !== 1) || statSync(paOut).size === 0) problems.push(fail("parliament", pa) ?? "parliament: no output");
    }

    const canonicalMB = statSync(canonical).size / 1e6;
    results.push({ functions, records, account, generatedS, load, full, stages, findings, exportOnly, exportStages, floor, norm, canonicalMB, opaEval, opaFindings, cs, pa, problems });
    floorRows.push(`| ${functions.toLocaleString("en")} | ${records.toLocaleString("en")} | ${f2(full.wallS)} / ${f2(full.cpuS)} | ${f2(floor.wallS)} / ${f2(floor.cpuS)} / ${floor.rssMiB.toFixed(0)} | ${ratio(full.wallS, floor.wallS)} | ${ratio(full.cpuS, floor.cpuS)} |`);
    const st = (k: string) => `${f1((stages[k] ?? NaN) / 1000)} (${f1((stages[`cpu:${k}`] ?? NaN) / 1000)})`;
    e2eRows.push(
      `| ${functions.toLocaleString("en")} | ${records.toLocaleString("en")} | ${account.trailFiles} / ${f1(account.trailBytesGz / 1e6)} | ${f2(full.wallS)} | ${f2(full.cpuS)} | ${full.rssMiB.toFixed(0)} | ${STAGES.slice(0, 8).map(st).join(" | ")} | ${findings} | ${load.toFixed(1)} |`,
    );
    peerRows.push(
      `| ${functions.toLocaleString("en")} | ${f2(exportOnly.wallS)} / ${f2(exportOnly.cpuS)} / ${exportOnly.rssMiB.toFixed(0)} | ` +
        (cs ? `${f2(cs.wallS)} / ${f2(cs.cpuS)} / ${cs.rssMiB.toFixed(0)} | ${ratio(cs.wallS, exportOnly.wallS)} (CPU ${ratio(cs.cpuS, exportOnly.cpuS)}) | ${ratio(cs.wallS, full.wallS)} | ` : "– | – | – | ") +
        (pa ? `${f2(pa.wallS)} / ${f2(pa.cpuS)} / ${pa.rssMiB.toFixed(0)} | ${ratio(pa.wallS, exportOnly.wallS)} (CPU ${ratio(pa.cpuS, exportOnly.cpuS)}) | ` : "– | – | ") +
        `${f1(canonicalMB)} | ${f2(opaEval.wallS)} / ${opaEval.rssMiB.toFixed(0)} | ${f2((stages.evaluate ?? NaN) / 1000)} | ${ratio(opaEval.wallS, (stages.evaluate ?? NaN) / 1000)} |`,
    );
    process.stderr.write(`${e2eRows.at(-1)}\n${peerRows.at(-1)}\n${floorRows.at(-1)}\n${problems.map((p) => `  problem: ${p}\n`).join("")}`);
  }
}

const load1 = loadavg();
const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const peerVersions = peers
  ? ["cloudsplaining", "parliament"].map((p) => `${p} ${execFileSync(join(venv, "bin", "pip"), ["show", p], { encoding: "utf8" }).match(/^Version: (.+)$/m)?.[1] ?? "?"}`).join(", ")
  : "peers not run";
const md = [
  `Run ${started} → ${new Date().toISOString()}; load average at start ${load0.map((l) => l.toFixed(2)).join(" ")}, at end ${load1.map((l) => l.toFixed(2)).join(" ")}.`,
  `Machine: ${machine}. ${peerVersions}; OPA ${execFileSync(opa, ["version"], { encoding: "utf8" }).split("\n")[0]!.replace("Version: ", "")}. Runs per figure: ${runs} (median by wall time).`,
  "",
  "`leastrole audit <account> --format json --timings` (export + CloudTrail), whole process under /usr/bin/time -v; stages from --timings, seconds wall (CPU of the whole process during the stage, all threads):",
  "",
  `| functions | records | trail files / MB gz | wall s | CPU s | peak RSS MiB | ${STAGES.slice(0, 8).join(" | ")} | findings | load (1 min) |`,
  `|---:|---:|---:|---:|---:|---:|${"---:|".repeat(8)}---:|---:|`,
  ...e2eRows,
  "",
  "Same run, same inputs. wall s / CPU s / peak RSS MiB. leastrole on the export alone (what the peers read: the authorization details, plus the Lambda exports); ratios are peer ÷ leastrole (higher: leastrole faster). `opa eval` on the canonical document versus audit's evaluate stage:",
  "",
  "| functions | leastrole audit (export only) | Cloudsplaining scan | ratio vs export-only | ratio vs full audit | Parliament | ratio vs export-only | canonical MB | `opa eval` wall s / RSS | audit evaluate stage s | ratio opa ÷ evaluate |",
  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ...peerRows,
  "",
  "The same audit against the read-and-parse floor of its input folder (`node bench/scale/floor.mjs <dir>`: every file read, gunzipped and `JSON.parse`d on all cores), wall s / CPU s (/ peak RSS MiB):",
  "",
  "| functions | records | leastrole audit | read-and-parse floor | audit ÷ floor, wall | audit ÷ floor, CPU |",
  "|---:|---:|---:|---:|---:|---:|",
  ...floorRows,
  "",
  ...(results as Array<{ functions: number; records: number; problems: string[] }>).flatMap((r) => r.problems.map((p) => `- problem at ${r.functions}/${r.records}: ${p}`)),
].join("\n");
// One file per size set, so runs of different sizes can be kept side by side.
const tag = `f${sizes.join("_")}-r${recordCounts.join("_")}`;
writeFileSync(join(out, `last-run-${tag}.md`), `${md}\n`);
writeFileSync(join(out, `last-run-${tag}.json`), `${JSON.stringify({ started, load0, load1, machine, results }, null, 1)}\n`);
process.stdout.write(`${md}\n`);
