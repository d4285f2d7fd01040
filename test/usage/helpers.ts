import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { eventFromRecord, missingField } from "../../src/usage/record-fields.js";
import type { UsageEvent } from "../../src/usage/event.js";
import { scanRecords } from "../../src/usage/scan-records.js";

export const CORPUS = "/work/shared/corpus";
export const INVICTUS = join(CORPUS, "invictus-ir-aws-dataset/CloudTrail");
export const STRATUS = join(CORPUS, "stratus-red-team-detonation-logs");

/** Every CloudTrail file of the corpus. */
export function corpusFiles(): string[] {
  return [INVICTUS, STRATUS].flatMap((d) => readdirSync(d).filter((f) => f.endsWith(".json")).map((f) => join(d, f)));
}

/** Reference: JSON.parse + eventFromRecord over a records array. */
export function referenceEvents(doc: unknown): (UsageEvent | string)[] {
  const recs = Array.isArray(doc) ? doc : (doc as { Records: unknown[] }).Records;
  return recs.map((r) => missingField(r) ?? eventFromRecord(r as Parameters<typeof eventFromRecord>[0]));
}

/** Scanner output in the same form (events, or the skip reason). */
export function scannedEvents(buf: Buffer): { events: (UsageEvent | string)[]; outcome: ReturnType<typeof scanRecords> } {
  const events: (UsageEvent | string)[] = [];
  const outcome = scanRecords(buf, { event: (ev) => events.push(ev), skipped: (_i, _o, reason) => events.push(reason) });
  return { events, outcome };
}

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, "utf8"));
}
