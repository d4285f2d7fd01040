/**
 * Where `--format sam` can put a target's policy. SAM makes a function's role from its `Policies`
 * only when the function is an `AWS::Serverless::Function` without `Role:` (samtranslator
 * `SamFunction.to_cloudformation`: `if lambda_function.Role is None: … execution_role`; AWS re:Post:
 * "The Policies and Roles properties can't be used together"). Before, every target got a
 * `Policies:` list, also for a function with `Role: !GetAtt SharedRole.Arn` or a plain
 * `AWS::Lambda::Function`: pasted, it changed nothing, and the role kept today's policies.
 *
 * The role SAM made is known by the tag SAM puts on it and on the function (`lambda:createdBy:
 * SAM`, in the template as the reader expands it, in aws-sam-translator's output and in the
 * account) and, from a template, by its logical ID `<Function>Role`.
 */

import type { CanonicalDocument, LambdaFunction, Role } from "../model/document.js";
import { roleOf } from "./current-policies.js";

/** A target whose policy goes into a SAM function's `Policies`. */
export interface SamFunctionPlace {
  /** The function's logical ID in the template, or its name when the input is no template. */
  function: string;
  /** Managed policies SAM attaches to the role whatever `Policies` says (from the function's features), by name. */
  attached: string[];
  /** Inline policies SAM adds to the role besides `Policies` (dead-letter queue, destinations, event sources). */
  inline: string[];
  /**
   * Managed policies the template's SAM connectors attach to the role whatever `Policies` says,
   * `<Policy logical ID> (<Connector>)`, sorted.
   */
  connectors: string[];
}

export type SamPlace = { kind: "policies"; place: SamFunctionPlace } | { kind: "role"; reason: string };

const SAM_TAG = "lambda:createdBy";

/**
 * The managed policies SAM attaches for a function's features (samtranslator `SamFunction._construct_role`
 * and the pull event sources' `policy_arn`), not for its `Policies`.
 */
const SAM_FEATURE_POLICIES = new Set([
  "AWSLambdaBasicExecutionRole",
  "AWSLambdaBasicDurableExecutionRolePolicy",
  "AWSXrayWriteOnlyAccess",
  "AWSLambdaVPCAccessExecutionRole",
  "AWSLambdaSQSQueueExecutionRole",
  "AWSLambdaKinesisExecutionRole",
  "AWSLambdaDynamoDBExecutionRole",
  "AWSLambdaMSKExecutionRole",
]);

function madeBySam(x: { tags: { [key: string]: string } }): boolean {
  return x.tags[SAM_TAG] === "SAM";
}

/** `--format sam`'s place for each target: its function's `Policies`, or a role of its own (and why). */
export function samPlaces(document: CanonicalDocument): (t: { subject: string; currentRoleArn: string }) => SamPlace {
  const byRole = new Map<string, LambdaFunction[]>();
  for (const f of document.functions) {
    const list = byRole.get(f.roleArn);
    if (list === undefined) byRole.set(f.roleArn, [f]);
    else list.push(f);
  }
  const kinds = new Map(document.meta.sources.map((s) => [s.path, s.kind]));
  const kindOf = (f: LambdaFunction) => (f.source === null ? undefined : kinds.get(f.source.file));
  // A template's logical ID; else (an account export's JSON pointer, a Terraform address) the name.
  const nameOf = (f: LambdaFunction) => (kindOf(f) === "cloudformation" && f.source?.address ? f.source.address : f.name);
  return (t) => {
    const role = roleOf(document, t.currentRoleArn);
    const users = byRole.get(t.currentRoleArn) ?? [];
    const owner = role === undefined ? undefined : ownerOf(role, users);
    // The union of a role SAM made (every function on it), or its own function's policy.
    if (role !== undefined && owner !== undefined && (t.subject === role.arn || t.subject === owner.arn)) {
      return { kind: "policies", place: placeOf(role, owner, document) };
    }
    const subjectFns = users.filter((f) => f.arn === t.subject);
    const fns = subjectFns.length > 0 ? subjectFns : users;
    const names = fns.map(nameOf).sort();
    const one = names.length === 1;
    const which = one ? `The function ${names[0]}` : `The functions ${names.join(", ")}`;
    if (owner !== undefined) {
      return { kind: "role", reason: `${which} runs with the role SAM makes for ${nameOf(owner)}, and this is a role of its own (the shared role split): SAM makes a role only from a function's own Policies.` };
    }
    if (fns.length > 0 && fns.every(madeBySam)) {
      const roleName = role !== undefined && role.source !== null && kinds.get(role.source.file) === "cloudformation" && role.source.address ? role.source.address : t.currentRoleArn;
      return { kind: "role", reason: `${which} ${one ? "has" : "have"} Role: ${roleName}, and SAM ignores Policies when Role is set.` };
    }
    if (fns.length > 0 && fns.every((f) => kindOf(f) === "cloudformation")) {
      return { kind: "role", reason: `${which} ${one ? "is not an AWS::Serverless::Function" : "are not AWS::Serverless::Functions"} (only those have Policies, which SAM makes into a role).` };
    }
    // An account export, a Terraform plan: no SAM function is known to make this role.
    return { kind: "role", reason: `${which} ${one ? "is" : "are"} not known to be ${one ? "an AWS::Serverless::Function" : "AWS::Serverless::Functions"} whose role SAM makes from Policies (SAM tags such a function and its role lambda:createdBy: SAM; these are not), so Policies might change no role.` };
  };
}

/** The function whose `Policies` SAM made `role` from, if it did. */
function ownerOf(role: Role, users: readonly LambdaFunction[]): LambdaFunction | undefined {
  if (!madeBySam(role)) return undefined;
  const sam = users.filter(madeBySam);
  const address = role.source?.address ?? null;
  if (address !== null && role.source !== null) {
    // From a template: SAM names the role `<Function>Role`.
    return sam.find((f) => f.source !== null && f.source.file === role.source?.file && `${f.source.address}Role` === address);
  }
  // In an account, SAM's role is its one function's (others name it with Role:, which SAM does not tag).
  return sam.length === 1 ? sam[0] : undefined;
}

function placeOf(role: Role, owner: LambdaFunction, document: CanonicalDocument): SamFunctionPlace {
  const attached = role.attachedPolicies.map((p) => p.arn.split("/").pop() as string).filter((n) => SAM_FEATURE_POLICIES.has(n));
  // A connector's policy stays in the template and on the role (before, the header left it out,
  // as if Policies were all the role would grant).
  const connectors = role.attachedPolicies.flatMap((p) => {
    const source = document.policies[p.arn]?.source;
    // The policy's logical ID, as the template's user knows it (its name may carry the stack's).
    return source?.samMadeFrom === undefined ? [] : [`${source.address ?? p.name} (${source.samMadeFrom})`];
  });
  // SAM names the inline policies made from Policies `<Role>Policy<i>`; the others are its features',
  // but those of the template's own AWS::IAM::Policy resources (policies-attached-elsewhere names
  // them, with what to do): before, such a policy was said to be added by SAM.
  const separate = new Set((role.policyResources ?? []).flatMap((p) => (p.inlinePolicy === undefined ? [] : [p.inlinePolicy])));
  const inline = role.inlinePolicies.map((p) => p.name).filter((n) => !/RolePolicy\d+$/.test(n) && !separate.has(n));
  return {
    function: owner.source?.address ?? owner.name,
    attached: [...new Set(attached.length > 0 ? attached : ["AWSLambdaBasicExecutionRole"])].sort(),
    inline: [...new Set(inline)].sort(),
    connectors: [...new Set(connectors)].sort(),
  };
}
