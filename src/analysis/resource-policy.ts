/**
 * Resource-policy analysis of a function (LR012) and of a layer version (LR022): per Allow
 * statement, what it lets its principals do and whether its conditions pin the caller (pins.ts,
 * the rule LR011 uses too).
 * Computed here once per statement, not in Rego: wasm does not memoise functions with arguments,
 * and the rule stays a linear scan over these facts.
 */
import type { LambdaFunction, LayerVersion, PolicyPrincipal, PolicyStatement } from "../model/document.js";
import type { LayerPolicyGrant, PublicUrlGrants, ResourcePolicyGrant } from "../model/analysis.js";
import { conditionalFrom } from "./iam.js";
import { allowPins, arnAccount, denyPin, isResourcePolicyKey, otherAccounts, type Pin } from "./pins.js";
import { coversActions, coversPrincipal, coversResources, everyone, notPrincipalPins, openDenies } from "./denies.js";
import { globMatches } from "../iam/wildcard.js";

/** Invoking: the calls Lambda authorises as lambda:InvokeFunction, InvokeFunctionUrl, InvokeAsync. */
const INVOKE_ACTIONS = ["lambda:invokeasync", "lambda:invokefunction", "lambda:invokefunctionurl"];
/** Reading the code and environment variables (GetFunction returns both, and the environment may hold secrets). */
const READ_ACTIONS = ["lambda:getfunction", "lambda:getfunctionconfiguration"];
/** Changing the function: code, configuration, permissions, versions, aliases, URLs, or deleting it (AddPermission takes any function action). */
const CHANGE_ACTIONS = [
  "lambda:addpermission",
  "lambda:createalias",
  "lambda:createfunctionurlconfig",
  "lambda:deletealias",
  "lambda:deletefunction",
  "lambda:deletefunctionconcurrency",
  "lambda:deletefunctionurlconfig",
  "lambda:publishversion",
  "lambda:putfunctionconcurrency",
  "lambda:putfunctioneventinvokeconfig",
  "lambda:removepermission",
  "lambda:updatealias",
  "lambda:updatefunctioncode",
  "lambda:updatefunctionconfiguration",
  "lambda:updatefunctioneventinvokeconfig",
  "lambda:updatefunctionurlconfig",
];
const FUNCTION_ACTIONS = [...CHANGE_ACTIONS, ...INVOKE_ACTIONS, ...READ_ACTIONS].sort();

/** The statement's Action (or the complement of its NotAction) covers `action`. */
function covers(st: PolicyStatement, action: string): boolean {
  if (st.Action !== undefined) return st.Action.some((p) => globMatches(p, action, true));
  if (st.NotAction !== undefined) return !st.NotAction.some((p) => globMatches(p, action, true));
  return false;
}

/**
 * `Bool` (not BoolIfExists, which a call without the key passes) lambda:InvokedViaFunctionUrl with
 * every value true: lambda:InvokeFunction only through a function URL (Lambda writes this
 * statement for a URL with AuthType NONE since October 2025).
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html
 */
function viaFunctionUrl(st: PolicyStatement): boolean {
  for (const [op, block] of Object.entries(st.Condition ?? {})) {
    if (op.toLowerCase() !== "bool") continue;
    for (const [k, values] of Object.entries(block)) {
      if (k.toLowerCase() === "lambda:invokedviafunctionurl" && values.length > 0 && values.every((v) => String(v).toLowerCase() === "true")) return true;
    }
  }
  return false;
}

/** Whether a condition admits only calls through a URL with AuthType NONE (`StringEquals lambda:FunctionUrlAuthType NONE`). */
function requiresAuthTypeNone(st: PolicyStatement): boolean {
  for (const [op, block] of Object.entries(st.Condition ?? {})) {
    if (!/^String(Equals|EqualsIgnoreCase|Like)$/i.test(op)) continue;
    for (const [k, values] of Object.entries(block)) {
      if (k.toLowerCase() === "lambda:functionurlauthtype" && values.length > 0 && values.every((v) => String(v).toUpperCase() === "NONE")) return true;
    }
  }
  return false;
}

/** The worst of what the actions allow: change, read, invoke. */
function accessOf(actions: readonly string[]): ResourcePolicyGrant["access"] | null {
  if (actions.some((a) => CHANGE_ACTIONS.includes(a))) return "change";
  if (actions.some((a) => READ_ACTIONS.includes(a))) return "read";
  if (actions.some((a) => INVOKE_ACTIONS.includes(a))) return "invoke";
  return null;
}

/**
 * The principals of an Allow that a Deny without conditions leaves, when it covers all `actions`
 * (the whole Principal when it removes none). `*` stays `*`: a Deny naming some principals takes
 * those back from a public grant, which still admits everyone else.
 */
function remainingPrincipals(st: PolicyStatement, denies: readonly PolicyStatement[], actions: readonly string[]): PolicyPrincipal | null {
  const p = st.Principal;
  if (p === undefined) return null;
  const removing = denies.filter((d) => d.Condition === undefined && coversActions(d, actions) && coversResources(d, st.Resource));
  if (removing.length === 0) return p;
  if (p === "*") return removing.some((d) => everyone(d.Principal)) ? null : p;
  const out: { [type: string]: string[] } = {};
  for (const [type, ids] of Object.entries(p)) {
    const kept = ids.filter((id) => !removing.some((d) => coversPrincipal(d, type, id)));
    if (kept.length > 0) out[type] = kept;
  }
  return Object.keys(out).length > 0 ? out : null;
}

/**
 * Who an Allow statement of a resource-based policy (a function's, a layer version's) lets do
 * `actions`, after the policy's Deny statements: the principals a Deny leaves (`principal`, only
 * when one takes some back), whether a condition or a Deny pins the caller, and, when pinned only
 * to accounts other than the resource's own (`accountId`, and the account its Resource ARN names,
 * as Lambda wrote it: an anonymised export can rewrite one and not the other), those accounts.
 * Null when no principal is left. One function for both policies, so that an organisation
 * condition, an account or `*` is judged the same way on a layer as on a function.
 */
export function whoIsGranted(st: PolicyStatement, denies: readonly PolicyStatement[], actions: readonly string[], accountId: string): Pick<ResourcePolicyGrant, "pinned" | "servicesUnpinned" | "otherAccounts" | "principal"> | null {
  const principal = remainingPrincipals(st, denies, actions);
  if (principal === null) return null;
  const pins = allowPins(st, isResourcePolicyKey);
  // A Deny that exempts AWS services (`BoolIfExists aws:PrincipalIsAWSService false`, the data
  // perimeter's form) pins every caller but a service principal, as LR011 judges it (trust.ts):
  // it counts for a statement naming no service, and `*` still admits the services it exempts.
  const namesNoService = principal === "*" || (principal["Service"] ?? []).length === 0;
  const onlyServices = principal !== "*" && Object.keys(principal).every((t) => t === "Service");
  let servicePins = pins.length;
  // Pins of a Deny that holds only for services on behalf of a resource (the data perimeter's
  // EnforceConfusedDeputyProtection: `StringNotEqualsIfExists aws:SourceOrgID`, `Null
  // aws:SourceAccount false`, `Bool aws:PrincipalIsAWSService true`): they pin a grant to services,
  // and the services `*` admits, but no other caller.
  const onBehalfPins: Pin[][] = [];
  for (const d of denies) {
    if (!coversActions(d, actions) || !coversResources(d, st.Resource)) continue;
    // Deny everyone unless a condition key matches: only those callers are left.
    const strict = everyone(d.Principal) ? denyPin(d, isResourcePolicyKey) : null;
    const pin = strict ?? (everyone(d.Principal) && namesNoService ? denyPin(d, isResourcePolicyKey, "not-service") : null);
    const onBehalf = strict === null && everyone(d.Principal) && (onlyServices || everyone(principal)) ? denyPin(d, isResourcePolicyKey, "service-on-behalf") : null;
    // Deny everyone but the principals NotPrincipal lists: only those are left of a public grant.
    const left = everyone(principal) ? notPrincipalPins(d) : null;
    if (strict) servicePins++;
    if (left) servicePins++;
    if (onBehalf) servicePins++;
    if (pin) pins.push(pin);
    if (left) pins.push(left);
    if (onBehalf) onBehalfPins.push(onBehalf);
  }
  // For `*`, they count only beside a pin of the other callers: alone, anyone but a service is left.
  if (onlyServices || pins.length > 0) pins.push(...onBehalfPins);
  const own = new Set([accountId, ...(st.Resource ?? []).map(arnAccount)]);
  return {
    pinned: pins.length > 0,
    ...(pins.length > 0 && servicePins === 0 && everyone(principal) ? { servicesUnpinned: true } : {}),
    otherAccounts: otherAccounts(pins, own, /^\d{12}$/.test(accountId)),
    ...(principal !== st.Principal ? { principal } : {}),
  };
}

/**
 * Of `candidates`, the actions an Allow statement grants that no unconditional Deny of everyone
 * takes back on its resources (a conditional or narrower Deny pins or removes principals instead:
 * whoIsGranted).
 */
function grantedActions(st: PolicyStatement, candidates: readonly string[], denies: readonly PolicyStatement[]): string[] {
  return candidates.filter((a) => covers(st, a) && !denies.some((d) => d.Condition === undefined && everyone(d.Principal) && coversActions(d, [a]) && coversResources(d, st.Resource)));
}

/** The one action of a layer version's policy: AddLayerVersionPermission takes no other (its Action pattern is `lambda:GetLayerVersion`). */
const LAYER_ACTIONS = ["lambda:getlayerversion"];

/**
 * The Allow statements of a layer version's policy that let their principals get the version
 * (lambda:GetLayerVersion: its metadata and a link to download its code), in statement order,
 * after the policy's Deny statements; a statement whose aws:CurrentTime window closed before
 * `earliest` grants nothing (LR022).
 * https://docs.aws.amazon.com/lambda/latest/dg/permissions-layer-cross-account.html
 */
export function layerPolicyGrants(layer: LayerVersion, earliest: number | null): LayerPolicyGrant[] {
  const statements = layer.policy?.Statement ?? [];
  const denies = openDenies(statements, earliest);
  const out: LayerPolicyGrant[] = [];
  statements.forEach((st, index) => {
    if (st.Effect !== "Allow" || conditionalFrom(st, earliest) === null) return;
    const actions = grantedActions(st, LAYER_ACTIONS, denies);
    if (actions.length === 0) return;
    const who = whoIsGranted(st, denies, actions, layer.accountId);
    if (who !== null) out.push({ index, ...who });
  });
  return out;
}

/**
 * The Allow statements of `fn`'s resource policy that grant a function action, in statement order,
 * after the policy's Deny statements (denies.ts). `earliest`: the reference instant; a statement
 * whose aws:CurrentTime window closed grants nothing. `urlsRead`: the inputs hold the function URL
 * configurations of the function's region, so a function without one has none (noUrl).
 */
export function resourcePolicyGrants(fn: LambdaFunction, earliest: number | null, urlsRead = false): ResourcePolicyGrant[] {
  const statements = fn.resourcePolicy?.Statement ?? [];
  const denies = openDenies(statements, earliest);
  const out: ResourcePolicyGrant[] = [];
  statements.forEach((st, index) => {
    if (st.Effect !== "Allow" || conditionalFrom(st, earliest) === null) return;
    // A Deny without conditions on everyone takes its actions back.
    const actions = grantedActions(st, FUNCTION_ACTIONS, denies);
    const access = accessOf(actions);
    if (access === null) return;
    const who = whoIsGranted(st, denies, actions, fn.accountId);
    if (who === null) return;
    const via = viaFunctionUrl(st);
    const urlOnly = actions.every((a) => a === "lambda:invokefunctionurl" || (a === "lambda:invokefunction" && via));
    // The statement Lambda writes for a URL with AuthType NONE, left behind when the URL was
    // switched to AWS_IAM: a call through that URL carries lambda:FunctionUrlAuthType AWS_IAM, so
    // the condition never holds (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html).
    // Each qualifier has its own URL and policy: dormant when every URL the statement is for uses AWS_IAM.
    const urls = fn.functionUrls.filter((u) => appliesTo(fn, index, st, u.qualifier));
    const dormantUrl = urlOnly && requiresAuthTypeNone(st) && urls.length > 0 && urls.every((u) => u.authType === "AWS_IAM");
    // Only calls through a URL, and the function has none (the inputs hold its URL configurations):
    // nothing can use the grant until a URL is created.
    const noUrl = urlOnly && urlsRead && urls.length === 0;
    out.push({
      index,
      access,
      actions,
      urlOnly,
      ...(dormantUrl ? { dormantUrl: true } : {}),
      ...(noUrl ? { noUrl: true } : {}),
      ...who,
    });
  });
  // lambda:InvokeFunction through the URL is only half of what a URL call needs: with no live grant
  // of lambda:InvokeFunctionUrl in the URL's policy (only dormant ones), it grants nothing either.
  if (out.some((g) => g.dormantUrl)) {
    for (const url of fn.functionUrls) {
      if (url.authType !== "AWS_IAM") continue;
      const mine = out.filter((g) => appliesTo(fn, g.index, statements[g.index]!, url.qualifier));
      if (!mine.some((g) => !g.dormantUrl && g.actions.includes("lambda:invokefunctionurl"))) {
        for (const g of mine) if (g.urlOnly && !g.actions.includes("lambda:invokefunctionurl")) g.dormantUrl = true;
      }
    }
  }
  return out;
}

/**
 * Whether a statement is part of the policy of `qualifier` (null: the function's own). A
 * permission applies only to the ARN it was added for: an alias's to calls through that alias, the
 * function's to calls of the unqualified ARN, so a URL on alias `live` answers only to `live`'s
 * policy (https://docs.aws.amazon.com/lambda/latest/dg/using-aliases.html, "Resource policies").
 * The statement's origin says whose policy it is; without origins (a template, one get-policy
 * file), the qualifier its Resource names, where a wildcard covers any.
 */
function appliesTo(fn: LambdaFunction, index: number, st: PolicyStatement, qualifier: string | null): boolean {
  const origins = fn.resourcePolicyStatementOrigins;
  if (origins !== undefined) return (origins[index]?.qualifier ?? null) === qualifier;
  const resources = st.Resource ?? [];
  if (resources.length === 0) return qualifier === null;
  return resources.some((r) => {
    const m = /:function:[^:]+(?::([^:]+))?$/.exec(r);
    if (m === null) return r.includes("*");
    const q = m[1] === undefined || m[1] === "$LATEST" ? null : m[1];
    return q === qualifier || (q !== null && q.includes("*"));
  });
}

/**
 * For each function URL with AuthType NONE (the unqualified function's, an alias's), the public
 * grants of that URL's own policy: statements letting anyone (no pinning condition: an
 * unauthenticated call carries no account or organisation) call lambda:InvokeFunctionUrl and
 * lambda:InvokeFunction. Empty without such a URL.
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html
 */
export function publicUrlGrants(fn: LambdaFunction, grants: readonly ResourcePolicyGrant[]): PublicUrlGrants[] {
  return fn.functionUrls
    .filter((u) => u.authType === "NONE")
    .map((u) => {
      const out: PublicUrlGrants = { qualifier: u.qualifier, invokeFunctionUrl: false, invokeFunction: false, statements: [] };
      for (const g of grants) {
        const st = fn.resourcePolicy!.Statement[g.index]!;
        if (g.pinned || !everyone(g.principal ?? st.Principal) || !appliesTo(fn, g.index, st, u.qualifier)) continue;
        const url = g.actions.includes("lambda:invokefunctionurl");
        const invoke = g.actions.includes("lambda:invokefunction");
        if (!url && !invoke) continue;
        out.invokeFunctionUrl ||= url;
        out.invokeFunction ||= invoke;
        out.statements.push(g.index);
      }
      return out;
    });
}
