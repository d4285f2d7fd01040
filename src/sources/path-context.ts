/**
 * What a file's path adds in a collector layout. cloudmapper's collector writes
 * `account-data/<account>/<region>/<service>-<call>.json` for list calls and
 * `account-data/<account>/<region>/<service>-<call>/<parameter>` for per-resource calls, where the
 * parameter (a function name, or a URL-encoded ARN) appears nowhere in the file: for those files
 * the path is the only place it is, so it is read from there. Nothing else is taken from paths
 * (never the account: folder names like `demo` are labels, not account IDs).
 *
 * `leastrole collect` writes the same information as `<service>/<region>/<call>/<name>.json`
 * (`lambda/us-east-1/list-tags/orders-api.json`): the call has no service prefix, the service is
 * the folder above the region.
 */

import { basename } from "node:path";
import { serviceKeysSync } from "../iam/catalog.js";
import { parseFunctionArn } from "./arns.js";
import type { PathContext } from "./types.js";

const REGION = /^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d$/;
/** `<service>-<api call in kebab case>` (cloudmapper): the verbs read-only collectors call. */
const SERVICE_CALL = /^([a-z0-9]+)-(?:get|list|describe|generate|lookup|search)-[a-z0-9-]+$/;
/** `<api call in kebab case>` (leastrole collect, AWS CLI command names). */
const BARE_CALL = /^(?:get|list|describe|generate|lookup|search)-[a-z0-9-]+$/;
const SERVICE = /^[a-z0-9]+$/;

/**
 * The folder above a region is the service only when it is named after one (`lambda`, `iam`, `s3`,
 * the AWS CLI's `s3api`): `prod/us-east-1/get-policy.json` is a user's own folder of AWS CLI
 * outputs, and taking `prod` for a service other than Lambda dropped its get-policy files (and the
 * public statements in them) without a warning. A folder not named after a service says nothing;
 * the file's content decides.
 */
function isServiceFolder(name: string): boolean {
  if (!SERVICE.test(name)) return false;
  return CLI_SERVICE_NAMES.has(name) || serviceKeysSync().has(name);
}

/** AWS CLI command groups whose names are not IAM service prefixes. */
const CLI_SERVICE_NAMES: ReadonlySet<string> = new Set(["s3api", "s3control", "configservice", "stepfunctions"]);

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function pathContext(file: string): PathContext {
  const segments = file.split(/[\\/]/).filter((s) => s !== "" && s !== ".");
  // The first region folder followed by a call name: parameters may themselves contain a region
  // (route53-list-hosted-zones-by-vpc/<region>/<vpc>).
  for (let i = 0; i < segments.length - 1; i++) {
    if (!REGION.test(segments[i]!)) continue;
    const rest = segments.slice(i + 1);
    const call = rest[0]!.replace(/\.json$/, "");
    let service: string | null;
    const prefixed = SERVICE_CALL.exec(call);
    if (prefixed && !BARE_CALL.test(call)) service = prefixed[1]!;
    else if (BARE_CALL.test(call)) service = i > 0 && isServiceFolder(segments[i - 1]!) ? segments[i - 1]! : null;
    else continue;
    // Function names and ARNs never contain ".json": a trailing one is the collector's or the user's suffix.
    const parameter = rest.length > 1 ? decode(rest.slice(1).join("/")).replace(/\.json$/, "") : null;
    return { call, service, parameter, region: segments[i]! };
  }
  // Outside a collector layout, only a file named after a function ARN says which function it is about.
  const name = decode(basename(file).replace(/\.json$/, ""));
  return { call: null, service: null, parameter: parseFunctionArn(name) ? name : null, region: null };
}
