/**
 * The usage reader on one thread, in-process (no workers): wall and CPU of readUsage over a
 * folder of CloudTrail files, for profiling the reader's own code (`node --cpu-prof --import tsx`).
 *
 *   npx tsx bench/usage/one-thread.ts bench/out/scale/f10000-r1000000-s11/input/cloudtrail [rounds=3]
 */
import { readUsage } from "../../src/usage/index.js";

const [dir, roundsArg] = process.argv.slice(2);
if (dir === undefined) throw new Error("usage: npx tsx bench/usage/one-thread.ts <folder> [rounds]");
for (let round = 0; round < Number(roundsArg ?? 3); round++) {
  const t = performance.now();
  const c = process.cpuUsage();
  const agg = await readUsage([dir], { workers: 1 });
  const u = process.cpuUsage(c);
  console.log(`round ${round + 1}: ${Math.round(performance.now() - t)} ms wall, ${Math.round((u.user + u.system) / 1000)} ms CPU, ${agg.sessions.length} sessions, ${agg.coverage.recordsRead} records`);
}
