/**
 * A stable identity for each statement of a function's resource policy, for LR012's finding
 * fingerprints. The document's `resourcePolicy` is the union of the function's own policy and its
 * aliases' and versions' (src/normalize/functions.ts), in the order the input files sort: an
 * alias's file (`get-policy/orders-live.json`) sorts before the function's (`orders.json`), so a
 * statement's index in the union moves when an alias policy is added or removed, and a fingerprint
 * built on it would report the same open statement as fixed and introduced.
 *
 * A statement is named instead by whose policy it is and its Sid, which Lambda requires and keeps
 * unique within one policy (AddPermission's StatementId; RemovePermission removes by it:
 * https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html). Without a Sid (a plan
 * whose statement_id is computed), or when two statements of one policy share it (two inputs that
 * disagree), by a hash of its content.
 */

import { sha256Hex } from "../sha256.js";
import type { LambdaFunction, PolicyStatement } from "../model/document.js";
import { canonicalJson } from "../normalize/canonical-json.js";

/**
 * `sid:<qualifier>:<Sid>` (qualifier empty for the function's own policy), else
 * `content:<sha256 of qualifier and statement, 32 hex>`; by index of `fn.resourcePolicy.Statement`.
 * policies/rules/public_function.rego spells the Sid form the same way for a document without analysis.
 */
export function resourcePolicyStatementIds(fn: Pick<LambdaFunction, "resourcePolicy" | "resourcePolicyStatementOrigins">): string[] {
  const statements = fn.resourcePolicy?.Statement ?? [];
  const qualifierOf = (i: number): string => fn.resourcePolicyStatementOrigins?.[i]?.qualifier ?? "";
  const sidKey = (st: PolicyStatement, i: number): string | null => (typeof st.Sid === "string" && st.Sid !== "" ? `sid:${qualifierOf(i)}:${st.Sid}` : null);
  const uses = new Map<string, number>();
  statements.forEach((st, i) => {
    const key = sidKey(st, i);
    if (key !== null) uses.set(key, (uses.get(key) ?? 0) + 1);
  });
  return statements.map((st, i) => {
    const key = sidKey(st, i);
    if (key !== null && uses.get(key) === 1) return key;
    return `content:${sha256Hex(canonicalJson([qualifierOf(i) || null, st])).slice(0, 32)}`;
  });
}
