/**
 * The sessions of the usage that labelling reads (labels.ts), decided from the document alone, so
 * that the usage reader can leave the others out while it reads: on its calling thread
 * (UsageAggregator.setSessionFilter) and in its workers (FileAccumulator.setSessionFilter), which
 * get the document's few fields that decide it (SessionFilterDocument) and build the same filter.
 *
 * Why: a real account's trail is mostly other identities' sessions (people signed in through IAM
 * Identity Center, ECS tasks and EC2 instances, whose session names are task and instance IDs, CI
 * roles), each task and instance a session of its own. Nothing in leastrole reads them (the labels,
 * the rules and generate read the execution roles' sessions), and keeping them made the document,
 * and the audit's memory and time, grow with their number (bench/scale/noisy-trail.ts: 37,404 such
 * sessions from 500,000 records). Their records are still read and counted in `coverage`.
 */

import type { LambdaFunction, Role } from "../model/document.js";
import type { SessionFilter, SessionKey } from "./aggregate.js";
import { isLambdaServiceSession, roleKeyOf, roleNameOf } from "./attribution.js";
import { deployedCandidates, type DeployedFunction } from "./deployed-names.js";

/** What the filter reads of a document: small, and cloned to the reader's workers. */
export interface SessionFilterDocument {
  functions: Array<DeployedFunction & { versions: ReadonlyArray<Pick<LambdaFunction["versions"][number], "roleArn">> }>;
  roles: Array<Pick<Role, "arn" | "name" | "generatedName" | "source" | "trustsLambda"> & { trustPolicy: unknown }>;
}

/** The document's fields the filter reads, copied (a canonical document has much more). */
export function sessionFilterDocument(document: SessionFilterDocument): SessionFilterDocument {
  return {
    functions: document.functions.map((f) => ({ name: f.name, accountId: f.accountId, roleArn: f.roleArn, versions: f.versions.map((v) => ({ roleArn: v.roleArn })), source: f.source, ...(f.generatedName !== undefined ? { generatedName: f.generatedName } : {}) })),
    roles: document.roles.map((r) => ({ arn: r.arn, name: r.name, source: r.source, trustsLambda: r.trustsLambda, trustPolicy: r.trustPolicy === null ? null : {}, ...(r.generatedName !== undefined ? { generatedName: r.generatedName } : {}) })),
  };
}

/**
 * The sessions labelling reads of a document's usage: a session failing this is neither listed in
 * the section nor changes anything in it (nor in its warnings), so the usage reader may leave it out
 * of the aggregate (readUsage's `sessionsFor`: the audit's, once the account is normalised).
 * Lambda's own sessions, sessions whose records name the function (inScopeOf), sessions on a role
 * that may be a template function's deployed copy (deployed-names.ts), and listedSessions'.
 */
export function sessionsLabelsRead(document: SessionFilterDocument): SessionFilter {
  const listed = listedSessions(document);
  const deployed = deployedCandidates(document);
  return (s) => (s.functionArn !== undefined && s.functionArn !== null) || isLambdaServiceSession(s.sessionName, s.invokedBy) || listed(s) || deployed(s);
}

/**
 * Whether a session no function is attributed is listed in the usage section: it is on a role that
 * is or may be an execution role (a role the inputs' functions run with, or one of the inputs'
 * roles that Lambda may assume or whose trust policy the inputs do not hold), or it is named like
 * one of the inputs' functions (generate points to such sessions on other roles: sessionsElsewhere).
 * Lambda's own sessions, sessions whose records name the function, and sessions matched to a
 * template's role by deployed name are listed whatever their role (labels.ts startLabelling).
 */
export function listedSessions(document: SessionFilterDocument): (s: SessionKey) => boolean {
  const roleKeys = new Set<string>();
  const names = new Set<string>();
  for (const f of document.functions) {
    names.add(f.name);
    for (const arn of [f.roleArn, ...f.versions.map((v) => v.roleArn)]) {
      roleKeys.add(roleKeyOf(arn));
      // unattributed.ts joins a role by the function's account (a template's role ARN may name a placeholder).
      roleKeys.add(`${f.accountId}/${roleNameOf(arn)}`);
    }
  }
  for (const r of document.roles) if (r.trustsLambda || r.trustPolicy === null) roleKeys.add(roleKeyOf(r.arn));
  return (s) => names.has(s.sessionName) || roleKeys.has(roleKeyOf(s.roleArn)) || roleKeys.has(`${s.accountId}/${roleNameOf(s.roleArn)}`);
}
