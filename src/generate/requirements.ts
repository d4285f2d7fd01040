/**
 * What a function's configuration needs from its execution role, whether or not CloudTrail ever
 * shows it (Lambda writes logs, creates ENIs and polls event sources with the role; most of those
 * calls are data events or are made by the service, never the function's own calls).
 *
 * The table is the analysis stage's `requiredPermissions(fn)` (src/analysis/requirements.ts), the
 * same list the rules evaluate against the role, so "the role lacks X" (LR005–LR007) and "the
 * generated policy grants X" never disagree. S3 destinations' `s3:ListBucket` is in that table;
 * its rows are written here with a detail naming the destination (the table's only names the
 * bucket). A row whose request carries a condition key (EFS's `elasticfilesystem:AccessPointArn`,
 * on the account's file systems because the access point ARN does not name its file system) is
 * granted with that key as a `StringEquals` condition.
 */

import { requiredPermissions } from "../analysis/index.js";
import type { LambdaFunction } from "../model/document.js";
import type { RequiredPermission } from "./types.js";

/** Where the function's results and failures go: its dead-letter target, destinations (its aliases' and versions' too) and event source mappings' on-failure destinations. */
export function deliveryTargets(fn: LambdaFunction): { arn: string; purpose: RequiredPermission["purpose"]; detail: string }[] {
  const all: Array<[string | null, RequiredPermission["purpose"], string]> = [
    [fn.deadLetterTargetArn, "dead-letter", "dead-letter target"],
    [fn.destinations.onSuccess, "destination", "on-success destination"],
    [fn.destinations.onFailure, "destination", "on-failure destination"],
    ...fn.triggers.map((t): [string | null, RequiredPermission["purpose"], string] => [t.onFailureDestination, "trigger-destination", `on-failure destination of ${t.eventSourceArn ?? t.uuid ?? "an event source mapping"}`]),
    // Aliases' and versions' own, when they run with the function's role (as requiredPermissions).
    ...(fn.qualifiedDeliveryTargets ?? [])
      .filter((t) => t.roleArn === fn.roleArn)
      .map((t): [string | null, RequiredPermission["purpose"], string] => [
        t.arn,
        t.kind === "dead-letter" ? "dead-letter" : "destination",
        `${t.kind === "dead-letter" ? "dead-letter target" : `${t.kind} destination`} of ${t.qualifiers.map((q) => (/^\d+$/.test(q) ? `version ${q}` : `alias ${q}`)).join(", ")}`,
      ]),
  ];
  return all.filter((x): x is [string, RequiredPermission["purpose"], string] => x[0] !== null).map(([arn, purpose, detail]) => ({ arn, purpose, detail }));
}

function s3Buckets(fn: LambdaFunction): { target: string; purpose: RequiredPermission["purpose"]; detail: string }[] {
  return deliveryTargets(fn)
    .filter((d) => d.arn.split(":")[2] === "s3")
    .map((d) => ({ target: d.arn.replace(/\/.*$/, ""), purpose: d.purpose, detail: d.detail }));
}

/** Every permission the function's configuration requires, with a human detail per row. */
export function configurationRequirements(fn: LambdaFunction): RequiredPermission[] {
  // Where AWS may authorise the call on another form of the ARN (CreateLogGroup on `log-group:<g>`
  // or `log-group:<g>:*`), every form is granted: the call then works whichever form is checked.
  // S3 destinations' ListBucket rows are written below, with a detail naming the destination.
  const out: RequiredPermission[] = requiredPermissions(fn)
    .filter((r) => r.action !== "s3:ListBucket")
    .flatMap((r) =>
      [r.resource, ...(r.alternativeResources ?? [])].map((resource): RequiredPermission => {
        const row: RequiredPermission = { purpose: r.purpose, action: r.action, resource, detail: r.purpose === "file-system" ? `EFS access point ${r.subject}` : r.subject };
        if (r.context !== undefined) row.condition = { StringEquals: Object.fromEntries(Object.entries(r.context).map(([k, v]) => [k, [v]])) };
        return row;
      }),
    );
  // Granted in both forms whatever the analysis table lists (its `alternativeResources` may or may
  // not carry it): CloudWatch Logs writes log-group ARNs with a trailing `:*`.
  for (const r of [...out]) {
    if (r.action === "logs:CreateLogGroup" && !r.resource.endsWith(":*")) out.push({ ...r, resource: `${r.resource}:*` });
  }
  for (const b of s3Buckets(fn)) out.push({ purpose: b.purpose, action: "s3:ListBucket", resource: b.target, detail: `${b.detail} ${b.target}` });
  return out;
}
