/**
 * The usage of a deployed CloudFormation/SAM stack, matched to the template's functions whose role
 * (or own name) CloudFormation makes at deployment.
 *
 * A resource without a name property is named `<stack name>-<logical ID>-<random suffix>` ("Name
 * type": https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html),
 * so SAM's `CatalogReaderRole` is `orders-prod-CatalogReaderRole-1A2B3C4D5E6F` in CloudTrail, and a
 * function without FunctionName `orders-prod-CatalogReader-AbCdEf123456`: the session name of a
 * function's calls is the function's name. The template reader knows only the start of such a name
 * (TemplateReader.generatedName: `<stack>-<LogicalId>` with a stack name, else the logical ID), so
 * labels.ts's join by role and session name never matched, and every call of the stack was ignored.
 *
 * Here a template function is matched to its deployed copy's sessions when exactly one (role,
 * session) of the usage fits: the role's name is the knowable start and a suffix, or, without a
 * stack name, `<any stack>-<LogicalId>-<suffix>`, and the session is the function's name (or its
 * knowable start and a suffix, from the same stack as the role's). Several (one template deployed as
 * two stacks in one account) is an `ambiguous-deployment` warning and nothing is attributed: which
 * stack the template is, is the user's to say (--stack-name). A knowable start CloudFormation would
 * cut (the reader's digest form) is not guessed at.
 */

import type { LambdaFunction, Role, Warning } from "../model/document.js";
import { isPlaceholderAccount, namedInText } from "../deployment-account.js";
import type { SessionUsage } from "./aggregate.js";
import { isLambdaServiceSession, roleKeyOf, roleNameOf } from "./attribution.js";

/** CloudFormation's random suffix: 12 or 13 letters and digits today; at least 8 accepted. */
const SUFFIX = "[A-Za-z0-9]{8,}";

/** What labels.ts asks of the match. */
export interface DeployedNames {
  /** The document's role a session's role is as deployed (null: none, or the role is the document's own). */
  documentRoleOf(s: SessionUsage): string | null;
  /** The document's function a session is, by its deployed name (null: none matched). */
  functionOf(s: SessionUsage): LambdaFunction | null;
  /**
   * Why the usage of a function's deployed copy is unknown (null: it is known, or the function has
   * no name CloudFormation makes): several deployed copies fit its names, or its role's. The logs
   * hold its calls but not which are its own, so labels.ts calls its permissions unknowable, never
   * unused.
   */
  undecided(fn: LambdaFunction): string | null;
  /** `ambiguous-deployment`, one per function with several candidates. Sorted. */
  warnings: Warning[];
}

/** A name as a pattern: `exact`, or a knowable start whose stack part (when unknown) is captured. */
type NamePattern = { exact: string } | { re: RegExp; stackCaptured: boolean };

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The deployed name's pattern of a resource CloudFormation names: `<start>-<suffix>` when the start
 * holds the stack (`name` = `<stack>-<LogicalId>`), `<stack>-<LogicalId>-<suffix>` with the stack
 * captured when it does not (`name` = the logical ID). Null when the reader cut the start (its
 * digest form: the deployed name's cut cannot be told) or the logical ID is not known.
 */
export function deployedNamePattern(name: string, logicalId: string | undefined): NamePattern | null {
  if (logicalId === undefined || logicalId === "") return null;
  if (name === logicalId) return { re: new RegExp(`^(.+)-${escape(logicalId)}-${SUFFIX}$`), stackCaptured: true };
  if (name.endsWith(`-${logicalId}`)) return { re: new RegExp(`^${escape(name)}-${SUFFIX}$`), stackCaptured: false };
  return null;
}

/** Whether `value` fits; the captured stack ("" when the pattern names it, or for an exact name), null when it does not fit. */
function fit(p: NamePattern, value: string): string | null {
  if ("exact" in p) return value === p.exact ? "" : null;
  const m = p.re.exec(value);
  if (m === null) return null;
  return p.stackCaptured ? (m[1] as string) : "";
}

interface Candidate {
  roleArn: string;
  sessionName: string;
  session: SessionUsage;
}

/** What a session is, to the match: the fields the deployed names are matched on. */
export type DeployedSessionKey = Pick<SessionUsage, "accountId" | "roleArn" | "sessionName" | "invokedBy">;

/** What the match reads of a function. */
export type DeployedFunction = Pick<LambdaFunction, "name" | "accountId" | "roleArn" | "generatedName" | "source">;
/** What the match reads of a document: its functions and roles, with their names and where they were written. */
export type DeployedDocument<F extends DeployedFunction = DeployedFunction> = { functions: readonly F[]; roles: ReadonlyArray<Pick<Role, "arn" | "name" | "generatedName" | "source">> };
type Wanted<F> = { fn: F; role: NamePattern; session: NamePattern; roleGenerated: boolean };

/**
 * The template functions whose deployed names are matched, and the test of one session against
 * them: the functions it may be a deployed copy of (empty: none). matchDeployedNames decides from
 * these candidates only, so a caller may leave out every session that is none's candidate
 * (deployedCandidates) and get the same match.
 */
function candidatesOf<F extends DeployedFunction>(document: DeployedDocument<F>): { wanted: Array<Wanted<F>>; of: (s: DeployedSessionKey) => F[]; onRole: (s: DeployedSessionKey) => boolean } {
  const roles = new Map(document.roles.map((r) => [r.arn, r]));
  // Only functions with a name made at deployment, of their own or of their role: the others are
  // matched by labels.ts's exact join.
  const wanted: Array<Wanted<F>> = [];
  for (const fn of document.functions) {
    const role = roles.get(fn.roleArn);
    const roleGenerated = role?.generatedName === true;
    if (!roleGenerated && fn.generatedName !== true) continue;
    const rolePattern = roleGenerated ? deployedNamePattern(role?.name ?? "", role?.source?.address ?? undefined) : { exact: roleNameOf(fn.roleArn) ?? "" };
    const sessionPattern = fn.generatedName === true ? deployedNamePattern(fn.name, fn.source?.address ?? undefined) : { exact: fn.name };
    if (rolePattern === null || sessionPattern === null) continue;
    wanted.push({ fn, role: rolePattern, session: sessionPattern, roleGenerated });
  }
  // A deployed role the document holds itself (the account's export read with the template) is
  // that role: its sessions are its own, joined by labels.ts, never the template's role's.
  const held = new Set(document.roles.map((r) => roleKeyOf(r.arn)));
  /** The stack the session's role fits `w`'s role with ("" when the pattern names it), null when it does not fit. */
  const roleFit = (w: Wanted<F>, s: DeployedSessionKey, roleName: string, roleHeld: boolean): string | null => {
    // The template's account, or, read without one, whichever the logs show (exactly one must fit).
    if (s.accountId !== w.fn.accountId && !isPlaceholderAccount(w.fn.accountId)) return null;
    // A role the document names exactly is already its own (labels.ts): only its function's name is matched here.
    if (!w.roleGenerated && s.accountId !== w.fn.accountId) return null;
    if (w.roleGenerated && roleHeld) return null;
    return fit(w.role, roleName);
  };
  const of = (s: DeployedSessionKey): F[] => {
    if (wanted.length === 0 || isLambdaServiceSession(s.sessionName, s.invokedBy)) return [];
    const roleName = roleNameOf(s.roleArn);
    const roleHeld = held.has(roleKeyOf(s.roleArn));
    const out: F[] = [];
    for (const w of wanted) {
      const roleStack = roleFit(w, s, roleName, roleHeld);
      if (roleStack === null) continue;
      const sessionStack = fit(w.session, s.sessionName);
      if (sessionStack === null) continue;
      // Both made by one stack: `orders-dev-CatalogReader-…` is not a session of `orders-prod-CatalogReaderRole-…`.
      if (roleStack !== "" && sessionStack !== "" && roleStack !== sessionStack) continue;
      out.push(w.fn);
    }
    return out;
  };
  /** Whether the session's role may be a deployed copy of a template function's role, whatever the session's name. */
  const onRole = (s: DeployedSessionKey): boolean => {
    const roleName = roleNameOf(s.roleArn);
    const roleHeld = held.has(roleKeyOf(s.roleArn));
    return wanted.some((w) => roleFit(w, s, roleName, roleHeld) !== null);
  };
  return { wanted, of, onRole };
}

/**
 * Whether a session may be read by the match or by what follows from it: its role may be the
 * deployed copy of a template function's role (candidatesOf). Every session on a matched role gets
 * the document's role (documentRoleOf), whatever its name, so the role decides, not the session.
 */
export function deployedCandidates(document: DeployedDocument): (s: DeployedSessionKey) => boolean {
  const { onRole } = candidatesOf(document);
  return onRole;
}

export function matchDeployedNames(sessions: readonly SessionUsage[], document: DeployedDocument<LambdaFunction>): DeployedNames {
  const none: DeployedNames = { documentRoleOf: () => null, functionOf: () => null, undecided: () => null, warnings: [] };
  const { wanted, of } = candidatesOf(document);
  if (wanted.length === 0) return none;

  const byFunction = new Map<LambdaFunction, Candidate[]>();
  for (const s of sessions) {
    for (const fn of of(s)) {
      const list = byFunction.get(fn) ?? [];
      list.push({ roleArn: s.roleArn, sessionName: s.sessionName, session: s });
      byFunction.set(fn, list);
    }
  }

  const sessionFunction = new Map<SessionUsage, LambdaFunction>();
  // Deployed role key (account/name) → the document's role ARN; null when two document roles claim it.
  const roleOf = new Map<string, string | null>();
  const ambiguous: Warning[] = [];
  const unmatchedRoles = new Set<string>();
  const undecided = new Map<LambdaFunction, string>();
  for (const [fn, cands] of byFunction) {
    const distinct = [...new Map(cands.map((c) => [`${c.roleArn}\u0000${c.sessionName}`, c])).values()];
    // As labels.ts does for one name in several regions: the function's region decides, if it can.
    const inRegion = distinct.filter((c) => c.session.regions.includes(fn.region));
    const pick = distinct.length === 1 ? distinct : inRegion.length === 1 ? inRegion : [];
    if (pick.length !== 1) {
      unmatchedRoles.add(fn.roleArn);
      undecided.set(fn, `${distinct.length} deployed copies fit the names CloudFormation makes for it, and which is this one is not known (ambiguous-deployment; --stack-name names it)`);
      const shown = distinct.map((c) => `session ${c.sessionName} of ${c.roleArn}`).sort();
      ambiguous.push({
        code: "ambiguous-deployment",
        severity: "warning",
        ...(fn.source?.file !== undefined ? { file: fn.source.file } : {}),
        message:
          `${namedInText(fn)}: ${shown.length} deployed copies in the usage fit the names CloudFormation makes for it (${shown.join(", ")}); none is attributed to it. ` +
          "The template may be deployed as several stacks: --stack-name names the one it is.",
      });
      continue;
    }
    const c = pick[0] as Candidate;
    for (const s of cands) if (s.roleArn === c.roleArn && s.sessionName === c.sessionName) sessionFunction.set(s.session, fn);
    const k = roleKeyOf(c.roleArn);
    const seen = roleOf.get(k);
    if (seen === undefined) roleOf.set(k, fn.roleArn);
    else if (seen !== fn.roleArn) roleOf.set(k, null);
  }
  // A document role with an ambiguous function, or two document roles on one deployed role: none of
  // its sessions is attributed (a half-made match would call the other copy's calls this one's).
  for (const [k, arn] of roleOf) if (arn === null || unmatchedRoles.has(arn)) roleOf.set(k, null);
  for (const [s, fn] of [...sessionFunction]) {
    if (roleOf.get(roleKeyOf(s.roleArn)) !== null) continue;
    sessionFunction.delete(s);
    undecided.set(fn, "its role's deployed copy is claimed by another of the template's functions or roles whose copy is not known (ambiguous-deployment; --stack-name names it)");
  }
  ambiguous.sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
  return {
    documentRoleOf: (s) => {
      const arn = roleOf.get(roleKeyOf(s.roleArn));
      return arn === undefined || arn === null || roleKeyOf(arn) === roleKeyOf(s.roleArn) ? null : arn;
    },
    functionOf: (s) => sessionFunction.get(s) ?? null,
    undecided: (fn) => undecided.get(fn) ?? null,
    warnings: ambiguous,
  };
}
