/**
 * CloudTrail usage data.
 *
 * lookup: Event history (LookupEvents) of each region over the window. Management events only,
 * 90 days at most, 2 requests/s per account and region; `CloudTrailEvent` is the full record as
 * a JSON string, kept as returned (the usage reader parses it). Written in chunks of
 * `{Events: […]}` — the shape of `aws cloudtrail lookup-events` — so memory stays bounded.
 *
 * s3: the trail's log files under s3://bucket/prefix, copied byte for byte (gzip as delivered)
 * under cloudtrail/s3/<bucket>/<key>, keeping AWS's folder layout. The prefix is a folder (`org`
 * is read as `org/`, not also `org2/`). Only event files (`…/CloudTrail/<region>/YYYY/MM/DD/…`)
 * whose day overlaps the window are listed and fetched: the layout's folders are walked down to
 * each region, whose keys are listed from the window's first day to its last
 * (cloudtrail-log-layout.ts); digest and Insights files are skipped. Objects already on disk with
 * the listed size are not fetched again.
 */

import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import type { Event } from "@aws-sdk/client-cloudtrail";
import type { _Object } from "@aws-sdk/client-s3";
import { cutError, PageTokens } from "./all-pages.js";
import { callAws } from "./aws-call.js";
import { asFolder, descendsInto, layoutLevel, regionFolderOf, windowKeys } from "./cloudtrail-log-layout.js";
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
    const pages = new PageTokens("LookupEvents", "NextToken", "events");
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
      nextToken = pages.next(r.output.NextToken);
    } while (nextToken);
    // A NextToken already followed (asking again would loop): the events of the pages not read are
    // missing. The last chunk keeps the token, which the usage reader takes as more events than the
    // file holds (cloudtrail-lookup-more-events: the usage is partial); the unit is degraded.
    if (pages.cutToken !== undefined) files.push(run.writer.writeJson(`${dir}/lookup-events-${String(files.length + 1).padStart(5, "0")}.json`, { Events: chunk, NextToken: pages.cutToken }));
    else flush();
    return { files, count, attempts, ...(pages.cut !== null ? { degraded: `${pages.cut}: the ${count} events of the pages read are kept, the others are missing` } : {}) };
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

interface Listing {
  /** The window's event files listed. */
  objects: _Object[];
  attempts: number;
}

/**
 * The event files of the window under `folder` (see cloudtrail-log-layout.ts): the layout's
 * folders are walked with Delimiter "/", and each region folder is listed from just before the
 * window's first day until past its last. `walked` false: no region folder was found (a layout
 * this does not know), and every object under the folder was listed instead, as collect did
 * before it walked the layout (`listedAny`: that listing returned objects). Either way only keys
 * eventFileDay and dayInWindow take are kept.
 */
async function listWindowFiles(
  run: Run,
  homeRegion: string,
  bucket: string,
  folder: string,
  window: { start: Date; end: Date },
  concurrency: number,
): Promise<Listing & { walked: boolean; listedAny: boolean }> {
  let attempts = 0;
  const regions: string[] = [];
  let level = [folder];
  while (level.length > 0) {
    const next: string[] = [];
    await pool(level, concurrency, async (parent) => {
      if (layoutLevel(parent) === "region") {
        regions.push(parent);
        return;
      }
      const listed = await listFolders(run, homeRegion, bucket, parent);
      attempts += listed.attempts;
      next.push(...listed.folders.filter((child) => descendsInto(parent, child)));
    });
    level = next.sort();
  }
  const inWindow = (o: _Object) => {
    const day = o.Key ? eventFileDay(o.Key) : null;
    return day !== null && dayInWindow(day, window);
  };
  if (regions.length === 0) {
    const all = await listKeys(run, homeRegion, bucket, folder, inWindow, null);
    return { objects: all.objects, attempts: attempts + all.attempts, walked: false, listedAny: all.listed > 0 };
  }
  const objects: _Object[] = [];
  await pool(regions.sort(), concurrency, async (prefix) => {
    const listed = await listKeys(run, homeRegion, bucket, prefix, inWindow, windowKeys(regionFolderOf(prefix) ?? prefix, window));
    attempts += listed.attempts;
    objects.push(...listed.objects);
  });
  return { objects, attempts, walked: true, listedAny: true };
}

/**
 * ListObjectsV2's pages under a prefix, each handed to `page`, until the last or until `page`
 * says stop (true); the attempts they took. A page with IsTruncated and no NextContinuationToken,
 * or one already followed (asking again would loop), throws ListingCut: the keys of the pages not
 * read are unknown, so log files of the window would be missing without a word, and their calls
 * read as never made. Before, such a page ended the listing as if it were the last.
 */
export async function eachPage(
  run: Run,
  homeRegion: string,
  params: { Bucket: string; Prefix: string; Delimiter?: string; StartAfter?: string },
  page: (output: { CommonPrefixes?: { Prefix?: string }[]; Contents?: _Object[] }) => boolean,
): Promise<number> {
  let attempts = 0;
  const pages = new PageTokens(`ListObjectsV2 s3://${params.Bucket}/${params.Prefix}`, "NextContinuationToken", "keys");
  let token: string | undefined;
  do {
    const r = await callAws(run.ctx, "s3:ListObjectsV2", homeRegion, { ...params, Prefix: params.Prefix === "" ? undefined : params.Prefix, ContinuationToken: token });
    attempts += r.attempts;
    const stop = page(r.output);
    token = stop ? undefined : pages.next(r.output.NextContinuationToken, r.output.IsTruncated === true);
  } while (token);
  if (pages.cut !== null) {
    throw cutError(`${pages.cut}: the log files listed after it are unknown, so none is fetched (--resume lists again)`, attempts);
  }
  return attempts;
}

/** The sub-folders (CommonPrefixes) of a folder, all pages. */
async function listFolders(run: Run, homeRegion: string, bucket: string, folder: string): Promise<{ folders: string[]; attempts: number }> {
  const folders: string[] = [];
  const attempts = await eachPage(run, homeRegion, { Bucket: bucket, Prefix: folder, Delimiter: "/" }, (output) => {
    for (const p of output.CommonPrefixes ?? []) if (p.Prefix) folders.push(p.Prefix);
    return false;
  });
  return { folders, attempts };
}

/**
 * The objects under a prefix that `keep` takes (page by page: a full listing may be millions of
 * keys), all pages; with `range`, from its startAfter until a page ends past it. `listed`: how
 * many objects were listed, kept or not.
 */
async function listKeys(
  run: Run,
  homeRegion: string,
  bucket: string,
  prefix: string,
  keep: (o: _Object) => boolean,
  range: { startAfter: string; past: (key: string) => boolean } | null,
): Promise<Listing & { listed: number }> {
  const objects: _Object[] = [];
  let listed = 0;
  const attempts = await eachPage(run, homeRegion, { Bucket: bucket, Prefix: prefix, ...(range !== null ? { StartAfter: range.startAfter } : {}) }, (output) => {
    const contents = output.Contents ?? [];
    listed += contents.length;
    for (const o of contents) if (keep(o)) objects.push(o);
    const last = contents.at(-1)?.Key;
    return range !== null && last !== undefined && range.past(last);
  });
  return { objects, attempts, listed };
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
    const { objects, attempts, walked, listedAny } = await listWindowFiles(run, homeRegion, source.bucket, asFolder(source.prefix), window, concurrency);
    // Said only when there was something to list: an empty prefix has no layout to recognise.
    if (!walked && listedAny) {
      run.notes.push(
        `${url}: no CloudTrail region folder (<prefix>AWSLogs/[<organization ID>/]<account ID>/CloudTrail/<region>/) was found under it, ` +
          "so every object under it was listed to find the window's log files; name the folder that holds AWSLogs/ (the trail's S3 key prefix) to list only the window's days",
      );
    }
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
