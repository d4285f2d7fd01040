// The read-and-parse floor of an audit's input: every file under <dir> read, gunzipped when it
// is gzip, and JSON.parse'd, on as many worker threads as the machine has cores. What any tool
// reading the same files as JSON must at least do; the scale benchmark (bench/scale/run.ts) runs
// it beside `leastrole audit` on the same folder, so the audit's time can be read against the
// machine of the day (the same code ran 1.9× slower from one session to the next: results/scale.md).
//
//   node bench/scale/floor.mjs <dir>    prints {"files", "bytes", "records"} as JSON
import { readFileSync, readdirSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Worker, isMainThread, parentPort } from "node:worker_threads";
import { gunzipSync } from "node:zlib";

if (!isMainThread) {
  parentPort.on("message", (file) => {
    const raw = readFileSync(file);
    const text = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
    let records = 0;
    try {
      const doc = JSON.parse(text.toString("utf8"));
      records = Array.isArray(doc?.Records) ? doc.Records.length : 0;
    } catch {
      // Not JSON (a YAML template, a README): read, not parsed.
    }
    parentPort.postMessage({ bytes: text.length, records });
  });
} else {
  const dir = process.argv[2];
  if (!dir) throw new Error("usage: node bench/scale/floor.mjs <dir>");
  const files = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(dir);
  let next = 0;
  let bytes = 0;
  let records = 0;
  await Promise.all(
    Array.from({ length: Math.min(availableParallelism(), files.length) }, () => new Promise((resolve, reject) => {
      const w = new Worker(new URL(import.meta.url));
      const feed = () => {
        if (next >= files.length) {
          void w.terminate().then(resolve);
          return;
        }
        w.postMessage(files[next++]);
      };
      w.on("message", (m) => {
        bytes += m.bytes;
        records += m.records;
        feed();
      });
      w.on("error", reject);
      feed();
    })),
  );
  process.stdout.write(`${JSON.stringify({ files: files.length, bytes, records })}\n`);
}
