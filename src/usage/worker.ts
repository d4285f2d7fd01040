/**
 * Worker thread entry: reads files it is sent (one at a time) and posts back their partials.
 * Fingerprint arrays are transferred, not copied.
 */

import { parentPort } from "node:worker_threads";
import { readUsageFile, type ReadFileOptions } from "./read-file.js";

interface Task {
  id: number;
  path: string;
  options: ReadFileOptions;
}

const port = parentPort;
if (port !== null) {
  port.on("message", (task: Task) => {
    try {
      const result = readUsageFile(task.path, task.options);
      port.postMessage({ id: task.id, result }, [result.partial.fingerprints.buffer as ArrayBuffer]);
    } catch (e) {
      port.postMessage({ id: task.id, error: e instanceof Error ? `${e.message}` : String(e) });
    }
  });
}
