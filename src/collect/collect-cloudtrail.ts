/**
 * CloudTrail usage data.
 *
 * lookup: Event history (LookupEvents) of each region over the window. Management events only,
 * 90 days at most, 2 requests/s per account and region; `CloudTrailEvent` is the full record as
 * a JSON string, kept as returned (the usage reader parses it). Written in chunks of
 * `{Events: […]}` — the shape of `aws cloudtrail lookup-events` — so memory stays bounded.
 *
 * s3: the trail's log files under s3://bucket/prefix, copied byte for byte (gzip as delivered)
 * under cloudtrail/s3/<bucket>/<key>, keeping AWS's folder layout. Only event files
 * (`…/CloudTrail/<region>/YYYY/MM/DD/…`) whose day overlaps the window are fetched; digest and
 * Insights files are skipped. Objects already on disk with the listed size are not fetched again.
 */

import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import type { Event } from "@aws-sdk/client-cloudtrail";
import type { _Object } from "@aws-sdk/client-s3";
import { callAws } from "./aws-call.js";
import type { CloudTrailSource } from "./options.js";
import { pool, type Run } from "./run.js";
import { relPath } from "./writer.js";

export const LOOKUP_CHUNK = 10_000;

export async function collectLookup(run: Run, region: string, window: { start: Date; end: Date }): Promise<void> {
  await run.unit({ service: "cloudtrail", operation: "LookupEvents", region }, async () => {
    const dir = relPath("cloudtrail", "lookup", region);
    // A re-run replaces the region's chunks: a failed run may have left some behind.
    const abs = run.writer.abs(dir);
    if (existsSync(abs)) for (const f of readdirSync(abs)) rmSync(`${abs}/${f}`);
    const files: string[] = [];
    let chunk: Event[] = [];
    let count = 0;
    let attempts = 0;
    const flush = () => {
      if (chunk.length === 0) return;
      files.push(run.writer.writeJson(`${dir}/lookup-events-${String(files.length + 1).padStart(5, "0")}.json`, { Events: chunk }));
      chunk = [];
    };
    let nextToken: string | undefined;
    do {
      const r = await callAws(run.ctx, "cloudtrail:LookupEvents", region, {
        StartTime: window.start,
        EndTime: window.end,
        MaxResults: 50,
        NextToken: nextToken,
      });
      attempts += r.attempts;
      for (const e of r.output.Events ?? []) {
        chunk.push(e);
        count++;
        if (chunk.length >= LOOKUP_CHUNK) flush();
      }
      nextToken = r.output.NextToken;
    } while (nextToken);
    flush();
    return { files, count, attempts };
  });
}

/** The UTC day a CloudTrail event-file key belongs to, or null for anything that is not one. */
export function eventFileDay(key: string): Date | null {
  const m = /(?:^|\/)CloudTrail\/[a-z0-9-]+\/(\d{4})\/(\d{2})\/(\d{2})\/[^/]+\.json(?:\.gz)?$/.exec(key);
  if (!m) return null;
  const day = new Date(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`);
  return Number.isNaN(day.getTime()) ? null : day;
}

/** Whether the day [day, day+24h) overlaps the window [start, end]. */
export function dayInWindow(day: Date, window: { start: Date; end: Date }): boolean {
  return day.getTime() + 86_400_000 > window.start.getTime() && day.getTime() <= window.end.getTime();
}

export async function collectS3Logs(
  run: Run,
  homeRegion: string,
  source: Extract<CloudTrailSource, { kind: "s3" }>,
  window: { start: Date; end: Date },
  concurrency: number,
): Promise<void> {
  const url = `s3://${source.bucket}/${source.prefix}`;
  const listSpec = { service: "s3", operation: "ListObjectsV2", region: "global", target: url } as const;
  const getSpec = { service: "s3", operation: "GetObject", region: "global", target: url } as const;
  // Resumed only as a whole: when the downloads did not all succeed, list again and fetch what is missing.
  const done = run.resumable(getSpec) !== undefined;
  const listed = await run.unit<_Object[]>(listSpec, { fresh: !done }, async () => {
    const objects: _Object[] = [];
    let token: string | undefined;
    let attempts = 0;
    do {
      const r = await callAws(run.ctx, "s3:ListObjectsV2", homeRegion, {
        Bucket: source.bucket,
        Prefix: source.prefix === "" ? undefined : source.prefix,
        ContinuationToken: token,
      });
      attempts += r.attempts;
      for (const o of r.output.Contents ?? []) {
        const day = o.Key ? eventFileDay(o.Key) : null;
        if (day && dayInWindow(day, window)) objects.push(o);
      }
      token = r.output.IsTruncated ? r.output.NextContinuationToken : undefined;
    } while (token);
    objects.sort((a, b) => ((a.Key ?? "") < (b.Key ?? "") ? -1 : 1));
    return { count: objects.length, attempts, data: objects };
  });
  const objects = listed.data;
  if (!objects) {
    run.carryOver(getSpec);
    return;
  }
  let fetched = 0;
  let kept = 0;
  let failed = 0;
  await run.unit(getSpec, { fresh: true }, async () => {
    let attempts = 0;
    await pool(objects, concurrency, async (o) => {
      const key = o.Key as string;
      const rel = relPath("cloudtrail", "s3", source.bucket, ...key.split("/"));
      const abs = run.writer.abs(rel);
      if (existsSync(abs) && o.Size !== undefined && statSync(abs).size === o.Size) {
        kept++;
        return;
      }
      // One failed object is its own manifest entry; the others are still fetched.
      await run.unit({ service: "s3", operation: "GetObject", region: "global", target: `s3://${source.bucket}/${key}` }, async () => {
        const r = await callAws(run.ctx, "s3:GetObject", homeRegion, { Bucket: source.bucket, Key: key });
        attempts += r.attempts;
        const body = r.output.Body;
        if (!body) throw new Error("GetObject returned no body");
        const bytes = await body.transformToByteArray();
        await run.writer.writeAsync(rel, bytes);
        fetched++;
        return { files: [rel], count: 1, attempts: r.attempts };
      }).then(({ call }) => {
        if (call.status === "ok") run.calls.delete(call.id); // summarised below, not one entry per file
        else failed++;
      });
    });
    if (failed > 0) throw Object.assign(new Error(`${failed} of ${objects.length} log file(s) could not be fetched (see their entries)`), { name: "PartialDownload" });
    return { count: fetched + kept, attempts };
  });
}
