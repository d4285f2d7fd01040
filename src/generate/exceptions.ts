/**
 * Kept exceptions from the configuration (error paths, disaster recovery, rare jobs): permissions
 * the function keeps although usage did not show them. Each carries its reason into the policy
 * (statement notes → comments in Terraform/CloudFormation) and into the side list.
 *
 * Without `resources`, an exception keeps "whatever today's policy grants" for the action: the
 * Resource lists of today's Allow statements that grant it. A NotResource grant cannot be carried
 * over narrowly and is skipped with a warning rather than widened to `*`.
 */

import type { KeptException } from "../model/config.js";
import type { LambdaFunction } from "../model/document.js";
import type { CurrentPolicy } from "./current-policies.js";
import { actionApplies, globMatches, type ActionCatalog } from "./iam.js";
import type { AppliedException, GenerationWarning, Grant } from "./types.js";

/** Does the exception's `function` glob name this function (by name or unqualified ARN)? */
export function exceptionApplies(ex: KeptException, fn: LambdaFunction): boolean {
  return globMatches(ex.function, fn.name) || globMatches(ex.function, fn.arn);
}

export interface ExceptionResult {
  grants: Grant[];
  applied: AppliedException[];
  warnings: GenerationWarning[];
}

export function exceptionGrants(exceptions: readonly KeptException[], fn: LambdaFunction, current: readonly CurrentPolicy[], catalog: ActionCatalog): ExceptionResult {
  const grants: Grant[] = [];
  const applied: AppliedException[] = [];
  const warnings: GenerationWarning[] = [];
  for (const ex of exceptions) {
    if (!exceptionApplies(ex, fn)) continue;
    const actions = new Set<string>();
    const resources = new Set<string>();
    const from: AppliedException["resourcesFrom"] = ex.resources !== undefined && ex.resources.length > 0 ? "configuration" : "current-policy";
    const configured = from === "configuration" ? policyResources(ex, warnings) : [];
    for (const pattern of ex.actions) {
      const provenance = [{ kind: "exception" as const, reason: ex.reason, pattern }];
      const concrete = catalog.expand(pattern);
      if (concrete.length === 0) {
        warnings.push({
          code: "exception-unknown-action",
          action: pattern,
          message: `kept exception "${ex.reason}": ${pattern} matches no action in the catalog; ${from === "configuration" ? "kept as written" : "skipped (no resources given)"}.`,
        });
        if (from === "configuration") {
          if (configured.length === 0) continue;
          for (const r of configured) {
            grants.push({ action: pattern, resource: r, scoping: "as-configured", provenance });
            resources.add(r);
          }
          actions.add(pattern);
        }
        continue;
      }
      for (const action of concrete) {
        const noResourceLevel = catalog.supportsResourceLevelPermissions(action) === false;
        // An action that only takes `*` is granted on `*` whatever the exception lists; without
        // resources, only when today's policy grants it (an exception keeps, never widens: before,
        // `ecs:*` kept ecs:PutAccountSettingDefault and every other `*`-only action of the service).
        let rs: string[];
        if (noResourceLevel) rs = from === "configuration" || grantedToday(current, action, ex.reason, warnings) ? ["*"] : [];
        else rs = from === "configuration" ? configured : todaysResources(current, action, ex.reason, warnings);
        if (rs.length === 0) continue;
        actions.add(action);
        for (const r of rs) {
          resources.add(r);
          grants.push({ action, resource: r, scoping: noResourceLevel ? "no-resource-level-permissions" : "as-configured", provenance });
        }
      }
    }
    applied.push({ function: ex.function, reason: ex.reason, actions: [...actions].sort(), resources: [...resources].sort(), resourcesFrom: from });
  }
  return { grants, applied, warnings };
}

/**
 * An IAM policy's Resource is "*" or an ARN, `arn:partition:service:region:account-id:resource`
 * (wildcards allowed; IAM User Guide, "IAM JSON policy elements: Resource",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html):
 * anything else and IAM refuses the whole policy (MalformedPolicyDocument), so the generated role
 * could not be deployed at all. Before, an exception's `resources: [table/orders]` went into the
 * policy as written.
 */
const POLICY_RESOURCE = /^(?:\*|arn:[^:]*:[^:]*:[^:]*:[^:]*:.+)$/;

/** The exception's resources that a policy can hold; the others are named in a warning and left out. */
function policyResources(ex: KeptException, warnings: GenerationWarning[]): string[] {
  const given = ex.resources ?? [];
  const bad = given.filter((r) => !POLICY_RESOURCE.test(r));
  if (bad.length > 0) {
    const good = given.length - bad.length;
    warnings.push({
      code: "exception-resource-not-an-arn",
      message: `kept exception "${ex.reason}": ${bad.map((r) => JSON.stringify(r)).join(", ")} ${bad.length === 1 ? "is" : "are"} not an ARN (arn:partition:service:region:account-id:resource) or "*", which IAM refuses in a policy (MalformedPolicyDocument); left out${good === 0 ? ", so the exception keeps nothing" : ""}. Write the full ARN in the exception's \`resources\`.`,
    });
  }
  return given.filter((r) => POLICY_RESOURCE.test(r));
}

/** Does an Allow of today's policy grant the action (on any resource)? Warns when not. */
function grantedToday(current: readonly CurrentPolicy[], action: string, reason: string, warnings: GenerationWarning[]): boolean {
  const granted = current.some((p) => p.document.Statement.some((st) => st.Effect === "Allow" && actionApplies(st, action)));
  if (!granted) {
    warnings.push({
      code: "exception-not-granted-today",
      action,
      message: `kept exception "${reason}": today's policies do not grant ${action} and the exception names no resources; not granted.`,
    });
  }
  return granted;
}

/**
 * Resources today's Allow statements grant the action on. Statements that name the action exactly
 * express intent (`dynamodb:RestoreTableFromBackup` on the orders table); when any does, only
 * those count, so a blanket `dynamodb:*` on `*` elsewhere does not widen the exception to `*`.
 */
function todaysResources(current: readonly CurrentPolicy[], action: string, reason: string, warnings: GenerationWarning[]): string[] {
  const named = new Set<string>();
  const matched = new Set<string>();
  let notResource = false;
  const lower = action.toLowerCase();
  for (const p of current) {
    for (const st of p.document.Statement) {
      if (st.Effect !== "Allow" || !actionApplies(st, action)) continue;
      const explicit = (st.Action ?? []).some((a) => a.toLowerCase() === lower);
      if (st.Resource !== undefined) for (const r of st.Resource) (explicit ? named : matched).add(r);
      else if (st.NotResource !== undefined) notResource = true;
    }
  }
  const out = named.size > 0 ? named : matched;
  if (out.has("*")) {
    warnings.push({
      code: "exception-on-star",
      action,
      message: `kept exception "${reason}": today's policy grants ${action} on "*", so the exception keeps it on "*". Add \`resources\` to the exception to narrow it.`,
    });
  }
  if (out.size === 0) {
    warnings.push({
      code: "exception-not-granted-today",
      action,
      message: `kept exception "${reason}": today's policies do not grant ${action}${notResource ? " except through NotResource" : ""} and the exception names no resources; not granted. Add \`resources\` to the exception.`,
    });
  }
  return [...out].sort();
}
