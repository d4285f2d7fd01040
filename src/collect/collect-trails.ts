/**
 * What the CloudTrail logs collect reads include: the event selectors of the trails that wrote
 * them (`aws cloudtrail get-event-selectors --trail-name <ARN>`), or of the CloudTrail Lake event
 * data store (`aws cloudtrail get-event-data-store`), written as the AWS CLI prints them. `audit`
 * reads them with the logs (src/usage/event-selectors.ts): a WriteOnly trail's logs hold no read
 * however long the window, so its reads are unknowable rather than unused, and this is then known
 * instead of judged from the records (src/usage/trail-gaps.ts).
 *
 * Which trails. audit takes several trails' selectors as logging what any of them logs, so a
 * trail whose logs are not read must not be among them: an account's full trail to one bucket
 * would make the reads missing from its WriteOnly trail's bucket look unused.
 * - `s3://bucket/prefix`: the trails that log a region read (DescribeTrails with shadow trails, in
 *   each region: a multi-region or organization trail is listed in every region it logs) and
 *   deliver under that bucket and prefix.
 * - `athena:…`: every trail that logs a region read. The table's location is in the Glue Data
 *   Catalog, which collect does not read; when those trails do not all log the same, a note says
 *   that audit takes what any of them logs.
 * - `lake:…`: the event data store's own selectors (GetEventDataStore).
 * - `lookup`: none. Event history holds every management event, reads and AWS KMS events
 *   included, whatever the trails log: a trail's selectors would misstate it.
 *
 * None of this makes the collection partial: without selectors audit judges what the logs include
 * from their records, as it did before collect read them. A failure (an organization trail's
 * selectors, which only its owner or a delegated administrator can read; a trail deleted
 * meanwhile) is a failed entry that says so, listed in the manifest's `notes`.
 */

import { readFileSync } from "node:fs";
import type { Trail } from "@aws-sdk/client-cloudtrail";
import { isEventSelectorsOutput, parseEventSelectors } from "../usage/event-selectors.js";
import { callAws } from "./aws-call.js";
import { asFolder } from "./cloudtrail-log-layout.js";
import type { AthenaSource, CloudTrailSource, LakeSource } from "./options.js";
import { pool, unitId, type Run, type UnitSpec } from "./run.js";
import { withoutMetadata } from "./shape.js";
import { relPath } from "./writer.js";

/** What collect keeps of a DescribeTrails entry. */
export interface ListedTrail {
  arn: string;
  homeRegion: string;
  /** Where it delivers its log files; null when DescribeTrails does not say. */
  bucket: string | null;
  keyPrefix: string | null;
  organization: boolean;
}

const JUDGED_FROM_RECORDS = "not partial: audit judges what the logs include from their records";

const TRAIL_ARN = /^arn:[^:]+:cloudtrail:([^:]+):(\d{12}):trail\/(.+)$/;

function listedTrail(t: Trail): ListedTrail | null {
  const arn = t.TrailARN;
  if (!arn) return null;
  const homeRegion = t.HomeRegion ?? TRAIL_ARN.exec(arn)?.[1];
  if (!homeRegion) return null;
  return { arn, homeRegion, bucket: t.S3BucketName ?? null, keyPrefix: t.S3KeyPrefix ?? null, organization: t.IsOrganizationTrail === true };
}

/**
 * Whether the trail's log files and the files under `s3://bucket/prefix` overlap: the trail writes
 * under `<S3KeyPrefix>/AWSLogs/`, and the prefix is either inside that or above it. A trail whose
 * bucket DescribeTrails does not give is not taken: its logs are not known to be these.
 */
export function deliversUnder(trail: Pick<ListedTrail, "bucket" | "keyPrefix">, source: { bucket: string; prefix: string }): boolean {
  if (trail.bucket === null || trail.bucket !== source.bucket) return false;
  const key = trail.keyPrefix?.replace(/^\/+|\/+$/g, "") ?? "";
  const root = `${key === "" ? "" : `${key}/`}AWSLogs/`;
  // The prefix is a folder, as collectS3Logs lists it: `team` is not above `team2/AWSLogs/`.
  const prefix = asFolder(source.prefix);
  return root.startsWith(prefix) || prefix.startsWith(root);
}

/** `cloudtrail/get-event-selectors/<account>/<home region>/<trail name>.json`. */
export function eventSelectorsFile(arn: string): string {
  const m = TRAIL_ARN.exec(arn);
  return m ? relPath("cloudtrail", "get-event-selectors", m[2] as string, m[1] as string, `${m[3] as string}.json`) : relPath("cloudtrail", "get-event-selectors", `${arn}.json`);
}

/** Why a trail's selectors may fail to be read, for its failed entry. */
function selectorsFailureNote(trail: ListedTrail, accountId: string | null): string {
  const owner = TRAIL_ARN.exec(trail.arn)?.[2];
  if (trail.organization && owner !== undefined && owner !== accountId) {
    return `an organization trail of account ${owner}, whose selectors only that account or a delegated administrator can read; ${JUDGED_FROM_RECORDS}`;
  }
  return JUDGED_FROM_RECORDS;
}

export async function collectTrailSelectors(
  run: Run,
  regions: readonly string[],
  source: Extract<CloudTrailSource, { kind: "s3" }> | AthenaSource,
  accountId: string | null,
  concurrency: number,
): Promise<void> {
  const listed = new Map<string, ListedTrail>();
  let allListed = true;
  for (const region of regions) {
    // Always asked again (no file to resume from): which trails to read depends on the answer.
    const r = await run.unit<ListedTrail[]>({ service: "cloudtrail", operation: "DescribeTrails", region }, { fresh: true, failureNote: JUDGED_FROM_RECORDS }, async () => {
      const { output, attempts } = await callAws(run.ctx, "cloudtrail:DescribeTrails", region, { includeShadowTrails: true });
      const trails = (output.trailList ?? []).map(listedTrail).filter((t): t is ListedTrail => t !== null);
      return { count: trails.length, attempts, data: trails };
    });
    if (r.data === undefined) allListed = false;
    for (const t of r.data ?? []) listed.set(t.arn, t);
  }
  const trails = [...listed.values()]
    .filter((t) => source.kind !== "s3" || deliversUnder(t, source))
    .sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
  if (trails.length === 0) {
    // A failed DescribeTrails already says why there is nothing.
    if (allListed) {
      const logging = regions.length === 1 ? regions[0] : `any of ${regions.join(", ")}`;
      run.notes.push(
        source.kind === "s3"
          ? `no trail that logs ${logging} delivers to s3://${source.bucket}/${source.prefix}: audit judges what the logs include from their records`
          : `no trail logs ${logging}: audit judges what the Athena table's logs include from their records`,
      );
    }
    return;
  }

  const specs = new Map<string, UnitSpec>();
  await pool(trails, concurrency, async (trail) => {
    const spec: UnitSpec = { service: "cloudtrail", operation: "GetEventSelectors", region: trail.homeRegion, target: trail.arn };
    specs.set(trail.arn, spec);
    await run.unit(spec, { failureNote: selectorsFailureNote(trail, accountId) }, async () => {
      // In the trail's home region, where it is defined: a shadow trail (homed elsewhere) may not be found from another.
      const { output, attempts } = await callAws(run.ctx, "cloudtrail:GetEventSelectors", trail.homeRegion, { TrailName: trail.arn });
      return { files: [run.writer.writeJson(eventSelectorsFile(trail.arn), withoutMetadata(output))], count: 1, attempts };
    });
  });

  if (source.kind === "athena") {
    const said = new Set<string>();
    for (const spec of specs.values()) {
      const call = run.calls.get(unitId(spec));
      const file = call?.status === "ok" ? call.files[0] : undefined;
      if (file !== undefined) said.add(statementKey(run.writer.abs(file)));
    }
    if (said.size > 1) {
      run.notes.push(
        `${trails.length} trails log ${regions.join(", ")} and they do not log the same: collect cannot tell which one's logs the Athena table holds, ` +
          "so audit takes what any of them logs, unless the logs show that reads or writes are missing; if the table holds one trail's logs, remove the other trails' files from cloudtrail/get-event-selectors/ " +
          "or say what is logged in the configuration (usage.readEventsLogged, usage.writeEventsLogged, usage.kmsEventsLogged)",
      );
    }
  }
}

/** What a selectors file says is logged, as a comparable string (the trail's name left out). */
function statementKey(file: string): string {
  try {
    const doc: unknown = JSON.parse(readFileSync(file, "utf8"));
    if (!isEventSelectorsOutput(doc)) return `unreadable ${file}`;
    return JSON.stringify({ ...parseEventSelectors(doc), trail: "" });
  } catch {
    return `unreadable ${file}`;
  }
}

/** `cloudtrail/get-event-data-store/<region>/<event data store id>.json`. */
export function eventDataStoreFile(region: string, eventDataStore: string): string {
  return relPath("cloudtrail", "get-event-data-store", region, `${eventDataStore}.json`);
}

export async function collectEventDataStore(run: Run, homeRegion: string, source: LakeSource): Promise<void> {
  const region = source.region ?? homeRegion;
  await run.unit(
    { service: "cloudtrail", operation: "GetEventDataStore", region, target: source.eventDataStore },
    { failureNote: JUDGED_FROM_RECORDS },
    async () => {
      const { output, attempts } = await callAws(run.ctx, "cloudtrail:GetEventDataStore", region, { EventDataStore: source.eventDataStore });
      return { files: [run.writer.writeJson(eventDataStoreFile(region, source.eventDataStore), withoutMetadata(output))], count: 1, attempts };
    },
  );
}
