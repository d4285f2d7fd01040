/**
 * The `leastrole` executable (src/cli/launch.ts, dist/cli.js): the commands that read an account
 * run in a second Node process started with a larger young generation; the others run in the first.
 * What a user sees must not change: output, exit codes, and what a signal does.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SEMI_SPACE_MB, shouldRelaunch } from "../../src/cli/launch-decision.js";
import { packageRoot } from "../../src/evaluate/locate.js";

const CLI = join(packageRoot(), "dist", "cli.js");
const DEMO = join(packageRoot(), "examples", "demo-account");
const work = mkdtempSync(join(tmpdir(), "lr-launch-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A module every Node process of the run imports first: it writes down its pid, script and flags. */
function tracer(): { hook: string; log: string } {
  const log = join(work, `trace-${Math.random().toString(36).slice(2)}.log`);
  const hook = join(work, "trace.mjs");
  writeFileSync(hook, `import { appendFileSync } from "node:fs";\nappendFileSync(process.env.TRACE_LOG, JSON.stringify({ pid: process.pid, script: process.argv[1], execArgv: process.execArgv }) + "\\n");\n`);
  return { hook, log };
}
const traced = (log: string): Array<{ pid: number; script: string; execArgv: string[] }> =>
  readFileSync(log, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));

describe("shouldRelaunch", () => {
  it("only for the commands that read inputs, and only when nothing says otherwise", () => {
    for (const c of ["audit", "diff", "generate", "normalize"]) expect(shouldRelaunch([c, "x"], [], {})).toBe(true);
    expect(shouldRelaunch(["-q", "audit", "x"], [], {})).toBe(true);
    for (const argv of [[], ["--version"], ["--help"], ["help", "audit"], ["collect", "--out", "x"], ["rules"], ["init"], ["sql"]]) expect(shouldRelaunch(argv, [], {})).toBe(false);
    // The size given already, on the node command line or in NODE_OPTIONS, with - or _.
    expect(shouldRelaunch(["audit"], ["--max-semi-space-size=32"], {})).toBe(false);
    expect(shouldRelaunch(["audit"], ["--max_semi_space_size=32"], {})).toBe(false);
    expect(shouldRelaunch(["audit"], [], { NODE_OPTIONS: "--enable-source-maps --max-semi-space-size=8" })).toBe(false);
    // Other flags are passed on; a debugger is not (the child would want its port).
    expect(shouldRelaunch(["audit"], ["--cpu-prof"], { NODE_OPTIONS: "--max-old-space-size=4096" })).toBe(true);
    expect(shouldRelaunch(["audit"], ["--inspect-brk=9229"], {})).toBe(false);
    expect(shouldRelaunch(["audit"], [], { LEASTROLE_NO_RELAUNCH: "1" })).toBe(false);
    expect(shouldRelaunch(["audit"], [], { LEASTROLE_NO_RELAUNCH: "0" })).toBe(true);
  });
});

describe("dist/cli.js", () => {
  it("runs audit in a second process with the larger young generation and the same output and exit code", () => {
    const { hook, log } = tracer();
    const r = spawnSync(process.execPath, [`--import=${hook}`, CLI, "audit", DEMO, "--format", "json", "--fail-on", "low"], { encoding: "utf8", env: { ...process.env, TRACE_LOG: log } });
    const direct = spawnSync(process.execPath, [join(packageRoot(), "dist", "cli-main.js"), "audit", DEMO, "--format", "json", "--fail-on", "low"], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(direct.status).toBe(1);
    expect(r.stdout).toBe(direct.stdout);
    expect(JSON.parse(r.stdout).findings.length).toBeGreaterThan(0);
    const [first, second, ...rest] = traced(log);
    expect(rest).toEqual([]);
    expect(first!.script).toBe(CLI);
    expect(second!.script).toMatch(/cli-main\.js$/);
    // The node flags of the first process are passed on, then the size.
    expect(second!.execArgv).toEqual([`--import=${hook}`, `--max-semi-space-size=${SEMI_SPACE_MB}`]);
  });

  it("runs other commands in the first process, and passes bad usage's exit code on", () => {
    const { hook, log } = tracer();
    const v = spawnSync(process.execPath, [`--import=${hook}`, CLI, "--version"], { encoding: "utf8", env: { ...process.env, TRACE_LOG: log } });
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(traced(log).map((t) => t.script)).toEqual([CLI]);
    const bad = spawnSync(process.execPath, [CLI, "audit", join(work, "nothing-here")], { encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("no such file or folder");
  });

  it("a signal to the first process ends the second, and the first ends by it", async () => {
    const { hook, log } = tracer();
    // A FIFO nobody writes to: the audit waits on it until it is stopped.
    const fifo = join(work, "waits.json");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const p = spawn(process.execPath, [`--import=${hook}`, CLI, "audit", fifo, "--format", "json", "--quiet"], { env: { ...process.env, TRACE_LOG: log }, stdio: "ignore" });
    // Both processes started.
    for (let i = 0; i < 200; i++) {
      await new Promise((r) => setTimeout(r, 25));
      try {
        if (traced(log).length === 2) break;
      } catch {
        // not written yet
      }
    }
    const child = traced(log)[1]!;
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => p.on("exit", (code, signal) => resolve({ code, signal })));
    p.kill("SIGTERM");
    expect(await ended).toEqual({ code: null, signal: "SIGTERM" });
    // The second process is gone too (kill -0 fails with ESRCH).
    let alive = true;
    for (let i = 0; i < 100 && alive; i++) {
      try {
        process.kill(child.pid, 0);
        await new Promise((r) => setTimeout(r, 20));
      } catch {
        alive = false;
      }
    }
    expect(alive).toBe(false);
  }, 30_000);
});
