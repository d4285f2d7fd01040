/**
 * The V8 flags the command sets for itself (src/cli/compiler-flags.ts): which ones, the way to keep
 * V8's default, and that set at run time, as the command sets them, they do change what TurboFan
 * does (a child node traces its inlining decisions on a hot call).
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { compilerFlags } from "../../src/cli/compiler-flags.js";

/** A hot loop calling a small function: TurboFan inlines `add` into `hot` unless told not to. */
const HOT_CALL = `
const { setFlagsFromString } = require("node:v8");
for (const flag of JSON.parse(process.env.FLAGS)) setFlagsFromString(flag);
function add(a, b) { return a + b; }
function hot(n) { let s = 0; for (let i = 0; i < n; i++) s = add(s, i); return s; }
let total = 0;
for (let k = 0; k < 300; k++) total += hot(1e4);
console.log(total > 0 ? "done" : "wrong");
`;

function traceInlining(flags: string[]): { stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--trace-turbo-inlining", "-e", HOT_CALL], { encoding: "utf8", env: { ...process.env, FLAGS: JSON.stringify(flags) } });
  expect(r.status).toBe(0);
  return { stdout: r.stdout, stderr: r.stderr };
}

describe("the command's V8 flags", () => {
  it("turns TurboFan's inlining off unless LEASTROLE_V8_INLINING=1", () => {
    expect(compilerFlags({})).toEqual(["--no-turbo-inlining"]);
    expect(compilerFlags({ LEASTROLE_V8_INLINING: "0" })).toEqual(["--no-turbo-inlining"]);
    expect(compilerFlags({ LEASTROLE_V8_INLINING: "1" })).toEqual([]);
  });

  it("names flags this V8 knows (an unknown one is only an error line on stderr, not an exception)", () => {
    for (const flag of compilerFlags({})) {
      const r = spawnSync(process.execPath, ["-e", `require("node:v8").setFlagsFromString(${JSON.stringify(flag)})`], { encoding: "utf8" });
      expect(r.status).toBe(0);
      expect(r.stderr).toBe("");
    }
  });

  it("set at run time, stops TurboFan inlining a hot call; V8's default inlines it", () => {
    const inlined = traceInlining(compilerFlags({ LEASTROLE_V8_INLINING: "1" }));
    expect(inlined.stdout).toContain("done");
    expect(inlined.stdout).toMatch(/Inlining .*SharedFunctionInfo add.* into .*SharedFunctionInfo hot/);
    const alone = traceInlining(compilerFlags({}));
    expect(alone.stdout).toContain("done");
    expect(alone.stdout).not.toMatch(/Inlining /);
  });
});
