/**
 * One local template nested by two nested-stack resources (or more) is read once per resource, an
 * instance each (local-nested-options.ts). A resource it names with a fixed name (`FunctionName:
 * AWS-Nested-Stack-Lambda-ProtoType`, a `RoleName`, a `ManagedPolicyName`) is then the same ARN in
 * every instance, while the name is unique in its account (and region): CloudFormation creates it in
 * the first stack and fails the other ("… already exists"), rolling the deployment back. Said so,
 * naming the nested stacks, and only the first instance's record is kept. Before, the records
 * merged as any two inputs that disagree: `conflicting-records`, "function … differs between
 * Resources/nested-stack-lambda.yml (LambdaFunction) and Resources/nested-stack-lambda.yml
 * (LambdaFunction)", the same place named twice and no word of why.
 */

import type { Warning } from "../model/document.js";
import type { NestedReadUnit } from "../sources/cloudformation/local-nested-options.js";
import type { SourceFragment } from "../sources/types.js";

/** The nested stacks an instance key names, from its top template down (`Outer > Inner`). */
function chainOf(key: string): string {
  return key.split("\u0000").slice(1).join(" > ");
}

type Named = { arn: string; name?: string; source?: { file: string; address: string | null } | null };

/**
 * Warnings for the records two instances of one template make under the same ARN, and the
 * fragments without the later instances' copies (in the order read, which the merge keeps: the
 * first instance's record is the one read). `topOf`: the top template of an instance's chain, as
 * named. Fragments that are no instance of a nested template are left as they are.
 */
export function nestedNameClashes(fragments: SourceFragment[], unitOf: ReadonlyMap<SourceFragment, NestedReadUnit>, topOf: (unit: NestedReadUnit) => string): Warning[] {
  const warnings: Warning[] = [];
  // By file, then kind and ARN: the instance that made it first.
  const first = new Map<string, { key: string; arn: string }>();
  for (const f of fragments) {
    const unit = unitOf.get(f);
    if (unit === undefined || !unit.key.includes("\u0000")) continue;
    const kinds: Array<[string, string, Named[], (kept: Named[]) => void]> = [
      ["function", "FunctionName", f.functions, (kept) => (f.functions = kept as typeof f.functions)],
      ["role", "RoleName", f.roles, (kept) => (f.roles = kept as typeof f.roles)],
      ["managed policy", "ManagedPolicyName", f.policies, (kept) => (f.policies = kept as typeof f.policies)],
    ];
    for (const [kind, property, records, set] of kinds) {
      const kept = records.filter((r) => {
        const id = `${f.source.path}\u0000${kind}\u0000${r.arn}`;
        const before = first.get(id);
        if (before === undefined) {
          first.set(id, { key: unit.key, arn: r.arn });
          return true;
        }
        if (before.key === unit.key) return true;
        const name = r.arn.split(/[:/]/).pop() ?? r.arn;
        const where = r.source?.address ? ` (${r.source.address})` : "";
        warnings.push({
          code: "cloudformation-nested-name-clash",
          severity: "warning",
          file: f.source.path,
          ...(r.source?.address ? { path: r.source.address } : {}),
          message: `two nested stacks of ${topOf(unit)}, ${chainOf(before.key)} and ${chainOf(unit.key)}, deploy this template, and its ${kind}${where} has a fixed name (${property}): both make ${r.arn}; a ${kind} name is unique in its account, so CloudFormation fails to create it in ${chainOf(unit.key)} (${name} already exists) and rolls the deployment back; read as ${chainOf(before.key)}'s`,
        });
        return false;
      });
      if (kept.length !== records.length) set(kept);
    }
  }
  return warnings;
}
