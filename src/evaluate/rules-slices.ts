/**
 * The built-in rules' view (rules-view.ts) cut into slices of a few hundred functions, evaluated
 * one after the other by the same wasm instance: the wasm heap then holds one slice's input and
 * evaluation instead of the whole account's (the ~156 MB view at 10,000 functions and OPA's
 * allocations on it were most of the audit's peak memory, bench/results/scale.md).
 *
 * Why the findings of the slices are exactly the whole view's (tested by
 * test/evaluate/rules-slices.test.ts on every slice size from 1 up): every built-in rule looks at
 * one function, one role or one usage entry, and reaches across entities only
 * - from a role to the functions using it and to their usage (LR001 shared roles), keyed by the
 *   role: a role, its functions (`role.functions`, the functions whose `roleArn` it is) and the
 *   usage entries of that role are one group and never split;
 * - from a role with no function to "some function of the same account" (LR016 orphaned roles,
 *   for templates, whose accounts are placeholders) and to "a function of the same account whose
 *   execution role is no role's ARN, a placeholder" (LR016 holds back then): such a role joins the
 *   group of the first such function of its account, else one of its account's groups, dealt out
 *   in turn (`accounts`, with each account's function coverage, is in every slice);
 * - from usage to the function it names (name only), which is in its role's group, and to that
 *   role (LR008 reads its cdkHandler), keyed by the entry's roleArn like the group itself.
 * IAM users and groups (`principals`, LR014 at account scope) and layer versions (`layerVersions`,
 * LR022, each with the functions using it precomputed) go in the first slice only, so their
 * findings come out once; sections read by every rule (`meta`, usage `present`/`window`, sources)
 * and `accounts` go in every slice. A rule that reaches further must be given it here: the test evaluates the
 * whole view and the slices on a generated account and the golden corpus.
 * Custom packs may read anything and are evaluated on the whole document (evaluator.ts).
 */

import type { LambdaFunction } from "../model/document.js";
import type { LabelDigest, PendingDocument } from "../model/pending.js";
import { HELD, type HeldLists } from "./held-lists.js";
import { rulesViewFrame, slimDigest, slimFunction, slimRole, usedByFunctionOf, type SlimPermissionLabels } from "./rules-view.js";
import { appendAll } from "../collections.js";

/** Functions per slice: small enough for the wasm heap, large enough that per-slice costs vanish. */
export const SLICE_FUNCTIONS = 500;
/**
 * The last this many slices' worth of functions are cut TAPER_DIVISOR times finer (planSlices).
 * At 10,000 functions the calling thread sat idle 0.19–0.24 s at the end of the evaluation,
 * waiting for the worker's last slices (results/scale.md, "Session 54").
 */
const TAPER_SLICES = 2;
const TAPER_DIVISOR = 4;

/** Indices into the view's lists (`groups`: each role group's functions, in order). */
interface Group {
  roles: number[];
  functions: number[];
  principals: number[];
  labels: number[];
  groups: number[][];
  size: number;
}

type Entity = { arn?: unknown; roleArn?: unknown; functionArn?: unknown; accountId?: unknown; functions?: unknown };

const emptyGroup = (): Group => ({ roles: [], functions: [], principals: [], labels: [], groups: [], size: 0 });

/**
 * Which entities go in which slice (see the file's comment), as indices into the lists given; null
 * when one slice holds everything. The first slice holds the entities of no group.
 */
function planSlices(functions: readonly Entity[], roles: readonly Entity[], principals: readonly Entity[], labels: readonly Entity[], sliceFunctions: number): Group[] | null {
  if (functions.length <= sliceFunctions) return null;

  // A role's functions (any version's role: `role.functions`) may run under another role at
  // `$LATEST`: such roles are one group (union-find over role ARNs).
  const parent = new Map<string, string>();
  const find = (arn: string): string => {
    let root = arn;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(arn, root);
    return root;
  };
  const roleOfFunction = new Map<string, string>();
  for (const fn of functions) roleOfFunction.set(String(fn.arn), String(fn.roleArn));
  for (const role of roles) {
    for (const fnArn of (role.functions as unknown[] | undefined) ?? []) {
      const other = roleOfFunction.get(String(fnArn));
      if (other !== undefined && find(other) !== find(String(role.arn))) parent.set(find(other), find(String(role.arn)));
    }
  }

  // Groups in order of first appearance, keyed by their root role ARN (a function's role may be missing from the document).
  const groups = new Map<string, Group>();
  const groupOf = (roleArn: string): Group => {
    const key = find(roleArn);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = emptyGroup()));
    return g;
  };
  const hasGroup = (roleArn: string): boolean => groups.has(find(roleArn));
  // LR016 holds back a role no function names when a function of its account has an execution role
  // the inputs cannot name (a plan's placeholder, no role's ARN): such a function goes with them.
  const roleArns = new Set(roles.map((r) => String(r.arn)));
  const unnamedOfAccount = new Map<unknown, string>();
  // Each account's groups holding a function of the account (a role ARN of each), in order of
  // first appearance: a group may hold functions of several accounts (union-find above).
  const groupsOfAccount = new Map<unknown, string[]>();
  const listed = new Set<string>();
  functions.forEach((fn, i) => {
    const roleArn = String(fn.roleArn);
    const g = groupOf(roleArn);
    const key = `${String(fn.accountId)}\u0000${find(roleArn)}`;
    if (!listed.has(key)) {
      listed.add(key);
      const list = groupsOfAccount.get(fn.accountId);
      if (list) list.push(roleArn);
      else groupsOfAccount.set(fn.accountId, [roleArn]);
    }
    g.functions.push(i);
    g.size++;
    if (!unnamedOfAccount.has(fn.accountId) && roleArn.includes("${") && !roleArns.has(roleArn)) unnamedOfAccount.set(fn.accountId, roleArn);
  });
  // Entities of no group (a role with no function in an account with none, usage of an unknown
  // function and role) go in the first slice.
  const rest = emptyGroup();
  // A role no function uses needs some function of its account beside it (LR016), any one: such
  // roles are dealt out to the account's groups in turn. Why: an account's other roles (SSO, CI,
  // ECS, EC2: 3,000 beside 10,000 functions) all in one group made one slice of 62 MB, the wasm
  // heap sized for it (bench/results/scale.md, session 47). With a function whose role the inputs
  // cannot name they all go with it (LR016 holds back there).
  const dealt = new Map<unknown, number>();
  roles.forEach((role, i) => {
    const arn = String(role.arn);
    if (hasGroup(arn)) groupOf(arn).roles.push(i);
    else if (unnamedOfAccount.has(role.accountId)) groupOf(unnamedOfAccount.get(role.accountId)!).roles.push(i);
    else if (groupsOfAccount.has(role.accountId)) {
      const list = groupsOfAccount.get(role.accountId)!;
      const turn = dealt.get(role.accountId) ?? 0;
      dealt.set(role.accountId, turn + 1);
      groupOf(list[turn % list.length]!).roles.push(i);
    } else rest.roles.push(i);
  });
  // Usage goes with the function it names (its name and, for LR001, its role's other functions).
  const usageGroup = (u: Entity): Group => {
    const byFunction = roleOfFunction.get(String(u.functionArn));
    if (byFunction !== undefined) return groupOf(byFunction);
    return hasGroup(String(u.roleArn)) ? groupOf(String(u.roleArn)) : rest;
  };
  principals.forEach((p, i) => usageGroup(p).principals.push(i));
  labels.forEach((l, i) => usageGroup(l).labels.push(i));

  const slices: Group[] = [rest];
  // The last TAPER_SLICES slices' worth of functions go in slices a TAPER_DIVISOR-th the size: the
  // evaluation's end waits for the slices a worker still holds (up to two, parallel.ts AHEAD) while
  // the calling thread has nothing left to make, so their size is time one core sits idle.
  const tailCap = Math.max(1, Math.floor(sliceFunctions / TAPER_DIVISOR));
  let left = functions.length;
  for (const g of groups.values()) {
    const cap = left <= TAPER_SLICES * sliceFunctions ? tailCap : sliceFunctions;
    left -= g.size;
    const last = slices[slices.length - 1]!;
    if (last.size > 0 && last.size + g.size > cap) slices.push(emptyGroup());
    const into = slices[slices.length - 1]!;
    appendAll(into.roles, g.roles);
    appendAll(into.functions, g.functions);
    appendAll(into.principals, g.principals);
    appendAll(into.labels, g.labels);
    into.groups.push(g.functions);
    into.size += g.size;
  }
  return slices;
}

/** Slice `i` of a plan: the frame's other members, the slice's entities, IAM users and groups in the first only. */
function sliceOf(frame: Record<string, unknown>, i: number, roles: unknown[], functions: unknown[], principals: unknown[], labels: unknown[]): Record<string, unknown> {
  const slice: Record<string, unknown> = { ...frame, roles, functions };
  if (i > 0 && "principals" in frame) slice.principals = [];
  // Layer versions (LR022) carry the functions that use them: like IAM users, in the first slice only.
  if (i > 0 && "layerVersions" in frame) slice.layerVersions = [];
  const usage = frame.usage as Record<string, unknown> | undefined;
  // The usage groups of the slice's own principals (it holds every principal of its functions).
  if (usage) slice.usage = { ...usage, principals, labels, usedByFunction: usedByFunctionOf(principals) };
  return slice;
}

/**
 * Cuts a built-in rules' view (builtinRulesView's result) into views of about `sliceFunctions`
 * functions each (a role's functions are never split, so a slice can be larger). Entities are
 * shared with the view, not copied. One slice (the view itself) when it is small enough.
 */
export function sliceRulesView(view: Record<string, unknown>, sliceFunctions = SLICE_FUNCTIONS): Array<Record<string, unknown>> {
  const functions = (view.functions as Entity[] | undefined) ?? [];
  const roles = (view.roles as Entity[] | undefined) ?? [];
  const usage = view.usage as { principals?: Entity[]; labels?: Entity[] } & Record<string, unknown> | undefined;
  const principals = usage?.principals ?? [];
  const labels = usage?.labels ?? [];
  const plan = planSlices(functions, roles, principals, labels, sliceFunctions);
  if (plan === null) return [view];
  const pick = <T>(list: readonly T[], at: number[]): T[] => at.map((k) => list[k] as T);
  return plan.map((s, i) => sliceOf(view, i, pick(roles, s.roles), pick(functions, s.functions), pick(principals, s.principals), pick(labels, s.labels)));
}

/** Slices made one at a time, when they are asked for (each once). */
export interface RulesSlices {
  count: number;
  slice(i: number): Record<string, unknown>;
}

/** Slices already made, each dropped from the list once taken (encoded, its view's arrays can go). */
export function slicesOf(list: Array<Record<string, unknown>>): RulesSlices {
  return {
    count: list.length,
    slice: (i) => {
      const s = list[i] as Record<string, unknown>;
      list[i] = {};
      return s;
    },
  };
}

/**
 * The slices of a document whose roles' analysis and usage labels are still being made
 * (buildPendingDocument): slice `i`'s roles and labels are finished when it is asked for, so that
 * the first slices are evaluated while the later ones' are made. The slices are sliceRulesView's
 * of the finished document, member for member (test/audit/pending.test.ts): the plan is
 * made from what is final already (functions, roles' ARNs and functions, principals), and a
 * function's labels go with it, in its group, in the labels' order (by function ARN).
 */
export function pendingRulesSlices(pending: PendingDocument, sliceFunctions = SLICE_FUNCTIONS): RulesSlices {
  const doc = pending.partial;
  const frame = rulesViewFrame(doc);
  const principals = ((frame.usage as { principals?: Entity[] } | undefined)?.principals ?? []) as Entity[];
  const functions = doc.functions ?? [];
  const roles = doc.roles ?? [];
  // One slice (the whole view, as sliceRulesView gives it): one group of every function, whose
  // labels are then in the labels' order, and everything else.
  const plan = planSlices(functions, roles, principals, [], sliceFunctions) ?? [
    { roles: [...roles.keys()], functions: [...functions.keys()], principals: [...principals.keys()], labels: [], groups: [[...functions.keys()]], size: functions.length },
  ];
  return {
    count: plan.length,
    slice: (i) => {
      const s = plan[i] as Group;
      const labels: SlimPermissionLabels[] = [];
      if (frame.usage) {
        for (const group of s.groups) {
          const digests = group.map((k) => pending.digest(k)).filter((d): d is LabelDigest => d !== null);
          // The labels' order (a normalised document's functions are in it already; others may not be).
          digests.sort((a, b) => (a.functionArn < b.functionArn ? -1 : a.functionArn > b.functionArn ? 1 : 0));
          for (const d of digests) labels.push(slimDigest(d, frame[HELD] as HeldLists));
        }
      }
      return sliceOf(
        frame,
        i,
        s.roles.map((k) => slimRole(pending.role(k))),
        s.functions.map((k) => slimFunction(functions[k] as LambdaFunction, frame[HELD] as HeldLists)),
        s.principals.map((k) => principals[k]),
        labels,
      );
    },
  };
}
