import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { eventFromRecord, missingField } from "../../src/usage/record-fields.js";
import type { UsageEvent } from "../../src/usage/event.js";
import { scanRecords } from "../../src/usage/scan-records.js";
import { emptyRoleFacts } from "../../src/iam/index.js";
import type { LambdaFunction, Role } from "../../src/model/document.js";
import { denialRecords } from "../support/denial-records.js";

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

/**
 * An execution role granting `granted` (the IAM engine's answer, as the labels read it; no policy
 * documents) and its one function in us-east-1, for the usage labels' tests.
 */
export function roleWithFunction(account: string, roleName: string, functionName: string, granted: string[]): { role: Role; fn: LambdaFunction } {
  const roleArn = `arn:aws:iam::${account}:role/${roleName}`;
  const role: Role = {
    arn: roleArn, name: roleName, path: "/", roleId: null, accountId: account, createDate: "2025-01-01T00:00:00Z", trustPolicy: null,
    inlinePolicies: [], attachedPolicies: [], permissionsBoundaryArn: null, lastUsed: null, tags: {}, trustsLambda: true, functions: [], source: null,
    facts: { ...emptyRoleFacts(), allowedActions: granted, allowedActionCount: granted.length },
  };
  const fn: LambdaFunction = {
    arn: `arn:aws:lambda:us-east-1:${account}:function:${functionName}`, name: functionName, accountId: account, region: "us-east-1", runtime: "nodejs20.x", packageType: "Zip", roleArn, versions: [], aliases: [],
    lastModified: "2025-05-01T00:00:00Z", vpc: null, tracingMode: null, environmentVariableNames: [], kmsKeyArn: null, deadLetterTargetArn: null,
    destinations: { onSuccess: null, onFailure: null }, logGroup: `/aws/lambda/${functionName}`, logFormat: null, layers: [], fileSystems: [], triggers: [],
    resourcePolicy: null, functionUrls: [], tags: {}, source: null,
  };
  return { role, fn };
}

type Rec = { [k: string]: unknown };

/**
 * The records the dedup and merge laws draw from: the refused-call fixtures first (two calls per
 * record, a KMS refusal's service and KMS halves), then every usable corpus record with an eventID,
 * each eventID once.
 */
export function lawRecordPool(): Rec[] {
  const seen = new Set<string>();
  return [...(denialRecords() as Rec[]), ...corpusFiles()]
    .flatMap((f) => {
      if (typeof f !== "string") return [f];
      const doc = readJson(f) as Rec[] | { Records: Rec[] };
      return Array.isArray(doc) ? doc : doc.Records;
    })
    .filter((r) => missingField(r) === null && typeof r.eventID === "string" && !seen.has(r.eventID) && (seen.add(r.eventID), true));
}

/** Deliveries spread over `nFiles` files at random, and a random order to merge the files in. */
export function splitAndShuffle(deliveries: Rec[], nFiles: number, next: () => number): { files: Rec[][]; order: number[] } {
  const files: Rec[][] = Array.from({ length: nFiles }, () => []);
  for (const d of deliveries) (files[next() % nFiles] as Rec[]).push(d);
  const order = files.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = next() % (i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return { files, order };
}
