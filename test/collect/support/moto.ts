/**
 * Starts moto's server through scripts/moto.mjs (the same script .ci/run uses), on 127.0.0.1 and
 * a free port, and stops it by pid.
 */

import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

const script = resolve(import.meta.dirname, "../../../scripts/moto.mjs");

export interface MotoServer {
  endpoint: string;
  port: number;
  pid: number;
  stop(): void;
}

export function startMoto(): MotoServer {
  const out = execFileSync(process.execPath, [script, "start"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 600_000 });
  const started = JSON.parse(out.trim().split("\n").pop() ?? "{}") as { endpoint: string; port: number; pid: number };
  if (!started.endpoint?.startsWith("http://127.0.0.1:")) throw new Error(`moto did not start: ${out}`);
  return {
    ...started,
    stop: () => execFileSync(process.execPath, [script, "stop", String(started.pid)], { stdio: "inherit" }),
  };
}

/** Test credentials: moto accepts any; these are never real. */
export const TEST_CREDENTIALS = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "testing-not-a-secret" };

/**
 * A manifest's notes less the one per region for lambda:ListCapacityProviders, which moto (5.2)
 * answers 404 "Not yet implemented": collect records the failure as a note, not a reason (its
 * test is collect-moto.test.ts); tests of other calls compare the rest.
 */
export function notesBesidesCapacityProviders(manifest: { notes: string[] }): string[] {
  return manifest.notes.filter((n) => !n.startsWith("lambda:ListCapacityProviders "));
}
