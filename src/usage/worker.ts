/**
 * Worker thread entry: reads the files it is sent, one at a time, into one batch (BatchReader),
 * and posts the batch back when it holds many fingerprints or when asked to flush. Posting one
 * partial per batch instead of one per file saves a structured clone and a main-thread merge per
 * file. Fingerprint arrays are transferred, not copied.
 */

import { parentPort } from "node:worker_threads";
import { BatchReader, type FileResult, type ReadFileOptions } from "./read-file.js";

type Task = { kind: "read"; id: number; path: string; options: ReadFileOptions; flushAt: number } | { kind: "flush" } | { kind: "flush-batch" };

const port = parentPort;
let reader: BatchReader | null = null;
const post = (msg: object, batch: FileResult | null): void => {
  port?.postMessage(batch === null ? msg : { ...msg, batch }, batch === null ? [] : [batch.partial.fingerprints.buffer as ArrayBuffer]);
};
if (port !== null) {
  port.on("message", (task: Task) => {
    if (task.kind !== "read") {
      // "flush-batch": the batch so far, posted before the last files (the reader starts a new
      // one); "flush": the last batch, and this worker is done.
      const batch = reader?.flush() ?? null;
      if (task.kind === "flush") post({ flushed: true }, batch);
      else if (batch !== null) post({}, batch);
      return;
    }
    try {
      reader ??= new BatchReader(task.options);
      const records = reader.read(task.path);
      post({ id: task.id, records }, reader.isFull(task.flushAt) ? reader.flush() : null);
    } catch (e) {
      port.postMessage({ id: task.id, error: e instanceof Error ? `${e.message}` : String(e) });
    }
  });
}
