/**
 * Trails stopped or deleted inside the window, from the calls in the logs themselves. While a trail
 * is stopped (StopLogging until StartLogging) or after it is deleted (DeleteTrail), its logs miss
 * every call: a permission a function used only then looks unused in them. Stratus Red Team's
 * cloudtrail-stop and cloudtrail-delete techniques do exactly this (the corpus' detonation logs),
 * and so does a maintenance window.
 *
 * Which trail's logs are read is not in the records. When the trail's event selectors were given
 * with the logs (get-event-selectors output, which `collect` writes), its name is known: a gap in
 * that trail makes the usage partial, so nothing is called unused. Otherwise the gap is said in a
 * warning (another trail, an organization trail, may have logged that time). A trail whose event
 * selectors or configuration changed inside the window (PutEventSelectors, UpdateTrail) is said
 * too: what it logs before and after may differ.
 */

import type { Warning } from "../model/document.js";
import type { TrailLoggingGap } from "../model/usage.js";
import type { TrailChange } from "./accumulate.js";

/** A trail's name from requestParameters.name: a name, or an ARN (`arn:aws:cloudtrail:…:trail/<name>`). */
export function trailName(nameOrArn: string): string {
  const at = nameOrArn.indexOf(":trail/");
  return at >= 0 ? nameOrArn.slice(at + ":trail/".length) : nameOrArn;
}

/** `<account>/<trail name>`: how a trail is known across the records and the selectors. */
function trailKey(accountId: string, nameOrArn: string): string {
  return `${accountId}/${trailName(nameOrArn)}`;
}

/** The keys of the trails whose event selectors were given with the logs (their ARNs name the account). */
export function trailsRead(trailArns: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const arn of trailArns) {
    const account = /^arn:[^:]+:cloudtrail:[^:]*:(\d{12}):trail\//.exec(arn)?.[1];
    if (account !== undefined) out.add(trailKey(account, arn));
  }
  return out;
}

/**
 * The stopped or deleted spans of each trail that overlap [start, end), in time order. `read`: the
 * trails whose logs these are, from their selectors (trailsRead).
 */
export function loggingGaps(changes: readonly TrailChange[], start: string, end: string, read: ReadonlySet<string>): TrailLoggingGap[] {
  const byTrail = new Map<string, TrailChange[]>();
  for (const c of changes) {
    if (c.trail === null || (c.event !== "StopLogging" && c.event !== "StartLogging" && c.event !== "DeleteTrail")) continue;
    const k = trailKey(c.accountId, c.trail);
    const list = byTrail.get(k) ?? [];
    list.push(c);
    byTrail.set(k, list);
  }
  const gaps: TrailLoggingGap[] = [];
  for (const [k, list] of byTrail) {
    const [accountId, trail] = [k.slice(0, k.indexOf("/")), k.slice(k.indexOf("/") + 1)];
    let open: TrailChange | null = null;
    const close = (to: string | null): void => {
      if (open === null) return;
      // Overlapping the window: from before its end, to after its start. A trail stopped or
      // deleted before the window and never started again logged nothing in it: records of the
      // window come from another trail, so it is no gap in them.
      if (open.time < end && (to === null ? open.time >= start : to > start)) gaps.push({ accountId, trail, event: open.event as TrailLoggingGap["event"], from: open.time, to, logsRead: read.has(k) });
      open = null;
    };
    for (const c of [...list].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0))) {
      if (c.event === "StartLogging") close(c.time);
      else if (open === null) open = c;
    }
    close(null);
  }
  return gaps.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0) || (a.trail < b.trail ? -1 : a.trail > b.trail ? 1 : 0));
}

/** Why the usage is partial, for a gap in a trail whose logs are read. */
export function gapReason(g: TrailLoggingGap): string {
  return `trail ${g.trail} of account ${g.accountId}, whose logs these are, ${g.event === "DeleteTrail" ? "was deleted" : "stopped logging"} at ${g.from}${g.to === null ? " and did not log again in the logs read" : ` until ${g.to}`}: calls in that time are missing`;
}

/** One warning per gap, and one for the trails reconfigured inside the window. */
export function trailLoggingWarnings(gaps: readonly TrailLoggingGap[], changes: readonly TrailChange[], start: string, end: string): Warning[] {
  const out: Warning[] = gaps.map((g) => ({
    code: "trail-logging-stopped",
    severity: "warning" as const,
    message: g.logsRead
      ? `${gapReason(g)}, so no permission is called unused (the usage is partial). Give another trail's logs for that time, or a window that leaves it out.`
      : `CloudTrail trail ${g.trail} of account ${g.accountId} ${g.event === "DeleteTrail" ? "was deleted" : "stopped logging"} at ${g.from}${g.to === null ? " and did not log again in the logs read" : ` until ${g.to}`} (${g.event} in the logs). If these are that trail's logs, calls in that time are missing and a permission used only then looks unused; give its event selectors (aws cloudtrail get-event-selectors) with the logs and leastrole treats the usage as partial.`,
  }));
  const reconfigured = changes.filter((c) => (c.event === "PutEventSelectors" || c.event === "UpdateTrail") && c.time >= start && c.time < end);
  if (reconfigured.length > 0) {
    const shown = reconfigured.slice(0, 5).map((c) => `${c.event}${c.trail === null ? "" : ` on ${trailName(c.trail)}`} (account ${c.accountId}) at ${c.time}`);
    out.push({
      code: "trail-reconfigured",
      severity: "info",
      message: `A trail's configuration changed inside the window: ${shown.join("; ")}${reconfigured.length > 5 ? ` and ${reconfigured.length - 5} more` : ""}. What it logs before and after may differ; the event selectors given with the logs, if any, are today's.`,
    });
  }
  return out;
}
