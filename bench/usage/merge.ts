/**
 * The calling thread's share of reading CloudTrail: merging the readers' batches into the usage
 * aggregate, and finishing it. The batches are made as the workers make them (BatchReader, flushed
 * at the same thresholds), serialised as postMessage would, then each round deserialises them (the
 * structured clone every merge pays for first: the reference, timed apart) and merges them into a
 * fresh aggregate. Rounds in one process, so compare versions by running this file in a git
 * worktree of each, alternately.
 *
 * Each round also times the crossing itself both ways, on the same batches: the objects'
 * structured clone (serialise, deserialise) against the columns the workers post since session 56
 * (batch-wire.ts: pack, serialise, deserialise, unpack), and the merge of each.
 *
 *   npx tsx bench/usage/merge.ts [<cloudtrail folder>] [--rounds 6]
 *
 * Default folder: the scale account's trail (bench/scale/generate.ts, 10,000 functions, 1M records).
 */

import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";
import { BatchReader, type FileResult } from "../../src/usage/read-file.js";
import { UsageAggregator } from "../../src/usage/aggregate.js";
import { packBatch, unpackBatch } from "../../src/usage/batch-wire.js";

const args = process.argv.slice(2);
const roundsAt = args.indexOf("--rounds");
const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 6;
const dir = args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--rounds") ?? "bench/out/scale/f10000-r1000000-s11/input/cloudtrail";

const files: string[] = [];
const walk = (d: string): void => {
  for (const n of readdirSync(d).sort()) {
    const p = join(d, n);
    if (statSync(p).isDirectory()) walk(p);
    else files.push(p);
  }
};
walk(dir);

// As a worker batches them (read-usage.ts: flushed at 2^20 fingerprints or BatchReader's group cap).
const batches: FileResult[] = [];
const reader = new BatchReader({});
for (const f of files) {
  reader.read(f);
  if (reader.isFull(1 << 20)) batches.push(reader.flush() as FileResult);
}
const last = reader.flush();
if (last !== null) batches.push(last);
const wire = serialize(batches);
console.log(`${files.length} files, ${batches.length} batches, ${batches.reduce((n, b) => n + b.partial.groups.length, 0)} groups, ${(wire.length / 2 ** 20).toFixed(1)} MiB serialised`);

for (let r = 0; r < rounds; r++) {
  const t0 = performance.now();
  const parts = deserialize(wire) as FileResult[];
  const t1 = performance.now();
  const agg = new UsageAggregator(50, {});
  for (const b of parts) agg.merge(b.partial);
  const t2 = performance.now();
  agg.finish();
  const t3 = performance.now();
  console.log(`round ${r + 1}: deserialise ${(t1 - t0).toFixed(0)} ms (reference), merge ${(t2 - t1).toFixed(0)} ms, finish ${(t3 - t2).toFixed(0)} ms`);
  // The crossing, batch by batch as the workers post them: objects against columns.
  let objects = 0;
  let columns = 0;
  let mergeColumns = 0;
  const fromColumns = new UsageAggregator(50, {});
  for (const b of batches) {
    let t = performance.now();
    deserialize(serialize(b));
    objects += performance.now() - t;
    t = performance.now();
    const arrived = unpackBatch(deserialize(serialize(packBatch(b))));
    columns += performance.now() - t;
    t = performance.now();
    fromColumns.merge(arrived.partial);
    mergeColumns += performance.now() - t;
  }
  console.log(`  crossing: objects (serialise + deserialise) ${objects.toFixed(0)} ms, columns (pack + serialise + deserialise + unpack) ${columns.toFixed(0)} ms; merge of the unpacked batches ${mergeColumns.toFixed(0)} ms`);
}
