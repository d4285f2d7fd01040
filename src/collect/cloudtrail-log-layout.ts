/**
 * Where a trail's log files sit in its bucket, so `--cloudtrail s3://…` lists only the window's
 * days instead of every object under the prefix (an organisation trail's bucket holds years of
 * every account's and region's logs: hundreds of millions of keys).
 *
 * CloudTrail delivers to `<bucket>/<S3 key prefix>/AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<file>`,
 * an organisation trail to `…/AWSLogs/<organization ID>/<account>/CloudTrail/<region>/YYYY/MM/DD/…`
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html,
 * "Finding your CloudTrail log files"); `CloudTrail-Digest/`, `CloudTrail-Insight/` and other
 * services' logs (`elasticloadbalancing/`, `vpcflowlogs/`) may sit beside `CloudTrail/`.
 *
 * S3 lists keys in ascending UTF-8 order and ListObjectsV2's StartAfter starts after any key, in
 * the bucket or not (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html): under a
 * region folder the keys sort by day, so the window's files are one contiguous run of keys.
 */

/** How far down the layout a folder (a prefix ending in `/`, or `""` for the bucket) is. */
export type LayoutLevel =
  /** Above `AWSLogs/`: the bucket, or the trail's S3 key prefix. */
  | "above"
  | "awslogs"
  | "organization"
  | "account"
  /** `…/CloudTrail/`: its children are regions. */
  | "cloudtrail"
  /** A region folder or a year, month or day folder under it: listed, not walked. */
  | "region";

// Organization IDs: o- then 10 to 32 lower-case letters or digits (AWS Organizations' pattern).
const ORG = "o-[a-z0-9]{10,32}";
// Regions as eventFileDay reads them.
const REGION = "[a-z0-9-]+";
const LEVELS: readonly [LayoutLevel, RegExp][] = [
  ["region", new RegExp(`^(.*?(?:^|/)CloudTrail/${REGION}/)(?:\\d{4}/(?:\\d{2}/(?:\\d{2}/)?)?)?$`)],
  ["cloudtrail", /(?:^|\/)CloudTrail\/$/],
  ["account", new RegExp(`(?:^|/)AWSLogs/(?:${ORG}/)?\\d{12}/$`)],
  ["organization", new RegExp(`(?:^|/)AWSLogs/${ORG}/$`)],
  ["awslogs", /(?:^|\/)AWSLogs\/$/],
];

/** The level of a folder, from its own path. */
export function layoutLevel(folder: string): LayoutLevel {
  for (const [level, re] of LEVELS) if (re.test(folder)) return level;
  return "above";
}

/** The region folder a region-level folder is (or is under). */
export function regionFolderOf(folder: string): string | null {
  return (LEVELS[0] as [LayoutLevel, RegExp])[1].exec(folder)?.[1] ?? null;
}

const CHILDREN: Record<LayoutLevel, readonly LayoutLevel[]> = {
  above: ["awslogs"],
  awslogs: ["organization", "account"],
  organization: ["account"],
  account: ["cloudtrail"],
  cloudtrail: ["region"],
  region: [],
};

/**
 * Whether the walk goes into `child` (a CommonPrefix of `parent`): only the next level of the
 * layout, so `CloudTrail-Digest/`, `CloudTrail-Insight/`, other services' folders and any folder
 * above `AWSLogs/` but the one named are never listed.
 */
export function descendsInto(parent: string, child: string): boolean {
  return child.startsWith(parent) && CHILDREN[layoutLevel(parent)].includes(layoutLevel(child));
}

/** `YYYY/MM/DD` of the UTC day `t` is in. */
function dayPath(t: Date): string {
  return t.toISOString().slice(0, 10).replaceAll("-", "/");
}

/**
 * What to list under a region folder for the window [start, end]: `startAfter` sorts just before
 * the first day's folder (the day holding `start`: a day overlapping the window is fetched, as
 * dayInWindow says), and a key is `past` the window once it sorts after the last day's folder
 * (the day holding `end`) and everything in it.
 */
export function windowKeys(regionFolder: string, window: { start: Date; end: Date }): { startAfter: string; past: (key: string) => boolean } {
  const last = `${regionFolder}${dayPath(window.end)}/`;
  return {
    // `…/2026/01/15` sorts before `…/2026/01/15/<file>` and after every key of the 14th.
    startAfter: `${regionFolder}${dayPath(window.start)}`,
    // The folder is ASCII: where a key first differs from it, UTF-8 and UTF-16 order agree.
    past: (key) => key > last && !key.startsWith(last),
  };
}

/** The prefix as a folder: `org` would also match `org2/…`. Empty stays empty (the whole bucket). */
export function asFolder(prefix: string): string {
  return prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`;
}
