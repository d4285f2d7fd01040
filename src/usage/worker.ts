/**
 * Worker thread entry: takes the next file of a shared list (an atomic counter in shared memory,
 * so that no file waits for the main thread, which may be busy normalising the account), reads it
 * into one batch (BatchReader), and posts the batch back when it holds many fingerprints, once at
 * the early-flush point, and at the end. Posting one partial per batch instead of one per file
 * saves a structured clone and a main-thread merge per file. A batch travels as columns
 * (batch-wire.ts), whose arrays are transferred with the fingerprints, not copied.
 */

import { parentPort, receiveMessageOnPort } from "node:worker_threads";
import { BatchReader, type FileResult, type ReadFileOptions } from "./read-file.js";
import { packBatch, transferablesOf } from "./batch-wire.js";
import type { SessionFilter } from "./aggregate.js";
import { sessionsLabelsRead, type SessionFilterDocument } from "./session-filter.js";

/** The document the aggregate will be labelled against, when the caller learns it (read-usage.ts sessionsFor). */
interface Sessions {
  kind: "sessions";
  /** The SessionFilterDocument as JSON text (read-usage.ts says why). */
  document: string;
}

interface Task {
  kind: "pull";
  /** The caller's document, as JSON text, when it was known before this worker started (else a Sessions message follows). */
  sessions: string | null;
  files: string[];
  /** Int32Array[1]: the index of the next file to take. */
  next: SharedArrayBuffer;
  options: ReadFileOptions;
  flushAt: number;
  /** Index from which on the batch so far is posted once (see EARLY_FLUSH in read-usage.ts). */
  earlyAt: number;
}

const port = parentPort;
let reader: BatchReader | null = null;
const post = (msg: object, batch: FileResult | null): void => {
  if (batch === null) {
    port?.postMessage(msg);
    return;
  }
  const wire = packBatch(batch);
  port?.postMessage({ ...msg, batch: wire }, [batch.partial.fingerprints.buffer as ArrayBuffer, ...transferablesOf(wire)]);
};
if (port !== null) {
  let keep: SessionFilter | null = null;
  const filterBy = (text: string): void => {
    keep = sessionsLabelsRead(JSON.parse(text) as SessionFilterDocument);
    reader?.setSessionFilter(keep);
  };
  port.on("message", (task: Task | Sessions) => {
    // A document that came after the files were all read: nothing left to filter.
    if (task.kind === "sessions") return;
    if (task.sessions !== null) filterBy(task.sessions);
    const next = new Int32Array(task.next);
    let early = false;
    for (;;) {
      // The files are read in one synchronous loop: a document sent meanwhile is taken here.
      if (keep === null) {
        const m = receiveMessageOnPort(port)?.message as Sessions | undefined;
        if (m?.kind === "sessions") filterBy(m.document);
      }
      const id = Atomics.add(next, 0, 1);
      if (id >= task.files.length) break;
      if (!early && id >= task.earlyAt) {
        early = true;
        const batch = reader?.flush() ?? null;
        if (batch !== null) post({}, batch);
      }
      try {
        if (reader === null) {
          reader = new BatchReader(task.options);
          if (keep !== null) reader.setSessionFilter(keep);
        }
        const records = reader.read(task.files[id] as string);
        post({ id, records }, reader.isFull(task.flushAt) ? reader.flush() : null);
      } catch (e) {
        port.postMessage({ id, error: e instanceof Error ? `${e.message}` : String(e) });
        return;
      }
    }
    post({ flushed: true }, reader?.flush() ?? null);
  });
}
