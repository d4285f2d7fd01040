/**
 * Whether a file's name or place says it is a CloudTrail log file as CloudTrail delivers them to
 * S3 (CloudTrail User Guide, "Finding your CloudTrail log files"):
 * `<bucket>/[prefix/]AWSLogs/[o-<org>/]<account>/CloudTrail/<region>/YYYY/MM/DD/` and
 * `<account>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<unique>.json.gz`. Digest and Insights files
 * (`CloudTrail-Digest`, `CloudTrail-Insight`) are not.
 *
 * Content is what decides how a file is read (read-file.ts); the name only says that a file
 * which cannot be read was meant to hold API events: its events are then missing, which must make
 * the usage partial, where any other unreadable file in a folder walk is only noted.
 */

const DELIVERY_NAME = /^\d{12}_CloudTrail_[A-Za-z0-9-]+_\d{8}T\d{4}Z_[A-Za-z0-9]+\.json(?:\.gz)?$/;
const DELIVERY_PLACE = /(?:^|[\\/])AWSLogs[\\/](?:o-[a-z0-9]+[\\/])?\d{12}[\\/]CloudTrail[\\/]/;
const DATA_FILE = /\.json(?:\.gz)?$|\.gz$/i;

/**
 * Whether a file's own name is CloudTrail's name for a log file it delivers
 * (`<account>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<unique>.json[.gz]`), wherever the file is: a name
 * no other input of ours can have (a collect manifest, an export, a template).
 */
export function hasCloudTrailDeliveryName(path: string): boolean {
  return DELIVERY_NAME.test(path.split(/[\\/]/).pop() ?? "");
}

export function isCloudTrailLogFile(path: string): boolean {
  return hasCloudTrailDeliveryName(path) || (DELIVERY_PLACE.test(path) && DATA_FILE.test(path.split(/[\\/]/).pop() ?? ""));
}

/**
 * Whether a folder is inside the place CloudTrail delivers to (`AWSLogs/[o-<org>/]<account>/CloudTrail/`
 * or below): one that cannot be listed held log files whose events are missing.
 */
export function isCloudTrailPlace(folder: string): boolean {
  return DELIVERY_PLACE.test(`${folder}/`);
}

/** Archive formats CloudTrail does not write (it delivers `.json.gz`), by extension. */
const ARCHIVE = /\.(zip|bz2|xz|zst|7z|tar|tgz|tar\.gz|lz4|br)$/i;

/**
 * The archive format of a file in CloudTrail's delivery place that no reader reads (`zip`, `bz2` …:
 * logs re-packed after download), or null. Its events are missing, which makes the usage partial;
 * before, it was skipped as "not a JSON file" and the usage looked whole.
 */
export function archiveInCloudTrailPlace(path: string): string | null {
  if (!DELIVERY_PLACE.test(path)) return null;
  const m = ARCHIVE.exec(path.split(/[\\/]/).pop() ?? "");
  return m === null ? null : (m[1] as string).toLowerCase();
}

