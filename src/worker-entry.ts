/**
 * Finding and starting a stage's worker thread (usage reading, rule evaluation). The entry sits
 * next to the module that starts it: its TypeScript source when running from source (tsx, vitest),
 * else the build's bundle of it (tsup.config.ts). Null when it is not there (leastrole re-bundled
 * by an embedder without that file): the stage then runs on the calling thread.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

/** `moduleUrl`: the starting module's import.meta.url; `source`: e.g. "./worker.ts"; `built`: e.g. "./usage-worker.js". */
export function workerEntry(moduleUrl: string, source: string, built: string): URL | null {
  const url = new URL(moduleUrl.endsWith(".ts") ? source : built, moduleUrl);
  try {
    return url.protocol === "file:" && existsSync(fileURLToPath(url)) ? url : null;
  } catch {
    return null;
  }
}

/**
 * `youngGenerationMb`: the worker's young generation (V8's default is 3 × 16 MiB semi-spaces).
 * A CloudTrail reader allocates its batch's groups and strings at a high rate and keeps many of
 * them: with the default, each of two readers ran 40 scavenges (0.63–0.73 s of pauses) per million
 * records, with 96 MiB 18 (0.37–0.43 s) and the usage stage ~1 s shorter (session 6).
 */
export function startWorker(entry: URL, options: { youngGenerationMb?: number } = {}): Worker {
  const resourceLimits = options.youngGenerationMb === undefined ? undefined : { maxYoungGenerationSizeMb: options.youngGenerationMb };
  if (entry.pathname.endsWith(".ts")) {
    // From source: register tsx's loader inside the worker, then load the .ts entry.
    return new Worker(`import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`, { eval: true, resourceLimits });
  }
  return new Worker(entry, { resourceLimits });
}
