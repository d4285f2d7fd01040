// Every allocation of the calling thread, collected objects included, sampled by V8 (an inspector
// session started before the program; written at exit). Preload it, then sum with heap-top.mjs:
//   node --import ./bench/profile/heap-sample.mjs dist/cli.js audit <input> --format json --output <f> --quiet
//   node bench/profile/heap-top.mjs bench/out/main.heapprofile
// Why: the heap profiles node writes (--heap-prof) hold live objects only, and the scavenges are paid for
// by what is allocated and dies (results/scale.md, "Session 54"). LEASTROLE_HEAP_PROFILE names the file.
import { Session } from "node:inspector";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
const s = new Session();
s.connect();
s.post("HeapProfiler.enable");
s.post("HeapProfiler.startSampling", { samplingInterval: 32768, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
process.on("exit", () => {
  s.post("HeapProfiler.stopSampling", (err, r) => {
    if (err) { console.error(err); return; }
    const file = process.env.LEASTROLE_HEAP_PROFILE ?? "bench/out/main.heapprofile";
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(r.profile));
  });
});
