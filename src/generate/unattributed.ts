/**
 * Calls on the function's role by sessions leastrole attributed to no function (`sessionKind:
 * "other"`): a Lambda@Edge replica's `us-east-1.<function>` (the function itself, running at the
 * edge, under a session name AWS does not document), a function whose name matched several
 * regions, a person or tool using the role. Which it was cannot be told, so their successful calls
 * are granted as the function's own would be (observed.ts: the same resource scoping, in the
 * region the calls were made), with provenance `unattributed` naming the sessions: leaving them
 * out could break the function, and the `unattributed-sessions` warning says they were kept.
 */

import type { PrincipalUsage } from "../model/usage.js";
import type { ActionCatalog } from "./iam.js";
import { mergeActionUsage, observedGrants, type Place } from "./observed.js";
import type { GenerationWarning, Grant } from "./types.js";

export interface UnattributedResult {
  grants: Grant[];
  /** Actions granted from those calls, sorted. */
  actions: string[];
  /** Scoping warnings about those calls (truncated samples, no resource recorded …), said as theirs. */
  warnings: GenerationWarning[];
}

export function unattributedGrants(others: readonly PrincipalUsage[], catalog: ActionCatalog, place: Place, prefixThreshold: number): UnattributedResult {
  if (others.length === 0) return { grants: [], actions: [], warnings: [] };
  const names = [...new Set(others.map((s) => s.sessionName))].sort();
  const who = `session${names.length === 1 ? "" : "s"} ${names.join(", ")}`;
  // Per action, the sessions whose calls of it succeeded: each grant names its own callers (it named
  // every unattributed session of the role, also those that never called the action).
  const callers = new Map<string, Set<string>>();
  for (const s of others) {
    for (const a of s.actions) {
      if (a.count <= a.deniedCount) continue;
      const k = a.action.toLowerCase();
      const set = callers.get(k) ?? new Set<string>();
      set.add(s.sessionName);
      callers.set(k, set);
    }
  }
  const whoCalled = (action: string): string => {
    const list = [...(callers.get(action.toLowerCase()) ?? names)].sort();
    return `session${list.length === 1 ? "" : "s"} ${list.join(", ")}`;
  };
  const observed = observedGrants(mergeActionUsage(others.flatMap((s) => s.actions)), catalog, place, prefixThreshold);
  const grants = observed.grants.map((g): Grant => {
    const o = g.provenance[0];
    const calls = o !== undefined && o.kind === "observed" ? `: ${o.calls.toLocaleString("en-US")} successful calls, last ${o.lastSeen}` : "";
    return { ...g, provenance: [{ kind: "unattributed", reason: `${g.action} called on this role by ${whoCalled(g.action)}, which leastrole could not attribute to a function${calls}` }] };
  });
  // Denied calls grant nothing, as for the function's own; the other warnings scope what is granted.
  const warnings = observed.warnings.filter((w) => w.code !== "denied-calls-not-granted").map((w) => ({ ...w, message: `calls by unattributed ${w.action === undefined ? who : whoCalled(w.action)}: ${w.message}` }));
  return { grants, actions: [...new Set(grants.map((g) => g.action))].sort(), warnings };
}

