/**
 * Sessions on an execution role that leastrole attributed to none of its functions (`sessionKind:
 * "other"`), said once per role in the document's warnings. Their calls count as `unknowable`,
 * never `unused`, for the role's functions (labels.ts); the warning says why a reader sees that,
 * and what to look at: the session names and how many calls they made.
 *
 * A name of the form `<region>.<function>` on that function's role looks like a Lambda@Edge
 * replica (CloudFront names a replica's log group `/aws/lambda/us-east-1.<function>`, CloudFront
 * developer guide, "Edge function logs"); AWS documents no session name for replicas, so such a
 * session is not attributed, only pointed out.
 */

import type { LambdaFunction, Warning } from "../model/document.js";
import type { PrincipalUsage } from "../model/usage.js";
import { roleNameOf } from "./attribution.js";

const NAMES_SHOWN = 5;
const REGION_PREFIX = /^[a-z]{2}(?:-[a-z]+)+-\d+\.(.+)$/;
/**
 * EC2 names an instance profile's role session after the instance (`i-` and 8 or 17 hex digits;
 * CloudTrail's userIdentity of a call from an instance: `assumed-role/<role>/i-0123456789abcdef0`).
 */
const EC2_INSTANCE = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

export function unattributedSessionWarnings(principals: readonly PrincipalUsage[], functions: readonly LambdaFunction[]): Warning[] {
  // Execution roles by account and name (STS-rebuilt role ARNs lack the path), with their functions' names.
  const fnsByRole = new Map<string, Set<string>>();
  for (const f of functions) {
    const k = `${f.accountId}/${roleNameOf(f.roleArn)}`;
    const names = fnsByRole.get(k) ?? new Set<string>();
    names.add(f.name);
    fnsByRole.set(k, names);
  }
  const byRole = new Map<string, { roleArn: string; sessions: Array<{ name: string; calls: number }> }>();
  for (const p of principals) {
    if (p.sessionKind !== "other") continue;
    const k = `${p.accountId}/${roleNameOf(p.roleArn)}`;
    if (!fnsByRole.has(k)) continue;
    const e = byRole.get(k) ?? { roleArn: p.roleArn, sessions: [] };
    e.sessions.push({ name: p.sessionName, calls: p.actions.reduce((n, a) => n + a.count, 0) });
    byRole.set(k, e);
  }
  const out: Warning[] = [];
  for (const [k, e] of [...byRole].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const fns = fnsByRole.get(k) as Set<string>;
    const sessions = e.sessions.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const calls = sessions.reduce((n, s) => n + s.calls, 0);
    const shown = sessions.slice(0, NAMES_SHOWN).map((s) => `${s.name} (${s.calls} call${s.calls === 1 ? "" : "s"}${sessionHint(s.name, fns)})`);
    const more = sessions.length > NAMES_SHOWN ? ` and ${sessions.length - NAMES_SHOWN} more` : "";
    out.push({
      code: "unattributed-sessions",
      severity: "warning",
      message:
        `role ${e.roleArn}: ${sessions.length} session${sessions.length === 1 ? "" : "s"} leastrole could not attribute to a function (${calls} call${calls === 1 ? "" : "s"}): ${shown.join(", ")}${more}. ` +
        `What ${sessions.length === 1 ? "it" : "they"} called counts as unknowable, never unused, for the role's functions (${[...fns].sort().join(", ")}); generate grants their successful calls in those functions' policies, marked unattributed.`,
    });
  }
  return out;
}

/** What a session's name says it is, when it says something: a Lambda@Edge replica, an EC2 instance. */
function sessionHint(sessionName: string, functionNames: ReadonlySet<string>): string {
  // Its functions' role used by instances too: splitting the role is the fix (LR011 names the trust).
  if (EC2_INSTANCE.test(sessionName)) return "; an EC2 instance's session: the role is also an instance profile's";
  const m = REGION_PREFIX.exec(sessionName);
  return m !== null && functionNames.has(m[1] as string) ? `; named like a Lambda@Edge replica of ${m[1]}, not attributed: AWS does not document replicas' session names` : "";
}
