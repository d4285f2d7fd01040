/**
 * How long the audit's routing of its inputs takes (routeInputs: which files go to the usage
 * reader, which to the source readers) on the calling thread before any reader starts, wall and CPU,
 * over several rounds in one process (the first pays the page cache and the JIT).
 *
 *   npx tsx bench/scale/route-inputs.ts bench/out/scale/f10000-r1000000-s11/input [rounds=5]
 *
 * Run it in a git worktree of the base beside the head to compare two builds on the same input.
 */
import { routeInputs } from "../../src/audit/route-inputs.js";

const [dir, roundsArg] = process.argv.slice(2);
if (dir === undefined) throw new Error("usage: npx tsx bench/scale/route-inputs.ts <input folder> [rounds]");
for (let round = 0; round < Number(roundsArg ?? 5); round++) {
  const t = performance.now();
  const c = process.cpuUsage();
  const routed = await routeInputs([dir]);
  const u = process.cpuUsage(c);
  console.log(`round ${round + 1}: ${Math.round(performance.now() - t)} ms wall, ${Math.round((u.user + u.system) / 1000)} ms CPU, ${routed.usage.length} usage files, ${routed.sources.length} source files`);
}
