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
 * - from a role with no function to "some function of the same account" (LR016 orphaned roles):
 *   such a role joins the group of the first function of its account;
 * - from usage to the function it names (name only), which is in its role's group.
 * IAM users and groups (`principals`, LR014 at account scope) go in the first slice only, so their
 * findings come out once; sections read by every rule (`meta`, usage `present`/`window`, sources)
 * go in every slice. A rule that reaches further must be given it here: the test evaluates the
 * whole view and the slices on a generated account and the golden corpus.
 * Custom packs may read anything and are evaluated on the whole document (evaluator.ts).
 */

/** Functions per slice: small enough for the wasm heap, large enough that per-slice costs vanish. */
export const SLICE_FUNCTIONS = 500;

interface Group {
  roles: unknown[];
  functions: unknown[];
  principals: unknown[];
  labels: unknown[];
  size: number;
}

type Entity = { arn?: unknown; roleArn?: unknown; functionArn?: unknown; accountId?: unknown; functions?: unknown };

/**
 * Cuts a built-in rules' view (builtinRulesView's result) into views of about `sliceFunctions`
 * functions each (a role's functions are never split, so a slice can be larger). Entities are
 * shared with the view, not copied. One slice (the view itself) when it is small enough.
 */
export function sliceRulesView(view: Record<string, unknown>, sliceFunctions = SLICE_FUNCTIONS): Array<Record<string, unknown>> {
  const functions = (view.functions as Entity[] | undefined) ?? [];
  if (functions.length <= sliceFunctions) return [view];
  const roles = (view.roles as Entity[] | undefined) ?? [];
  const usage = view.usage as { principals?: Entity[]; labels?: Entity[] } & Record<string, unknown> | undefined;

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
    if (!g) groups.set(key, (g = { roles: [], functions: [], principals: [], labels: [], size: 0 }));
    return g;
  };
  const hasGroup = (roleArn: string): boolean => groups.has(find(roleArn));
  const firstOfAccount = new Map<unknown, string>();
  for (const fn of functions) {
    const g = groupOf(String(fn.roleArn));
    g.functions.push(fn);
    g.size++;
    if (!firstOfAccount.has(fn.accountId)) firstOfAccount.set(fn.accountId, String(fn.roleArn));
  }
  // Entities of no group (a role with no function in an account with none, usage of an unknown
  // function and role) go in the first slice.
  const rest: Group = { roles: [], functions: [], principals: [], labels: [], size: 0 };
  for (const role of roles) {
    const arn = String(role.arn);
    if (hasGroup(arn)) groupOf(arn).roles.push(role);
    else if (firstOfAccount.has(role.accountId)) groupOf(firstOfAccount.get(role.accountId)!).roles.push(role);
    else rest.roles.push(role);
  }
  // Usage goes with the function it names (its name and, for LR001, its role's other functions).
  const usageGroup = (u: Entity): Group => {
    const byFunction = roleOfFunction.get(String(u.functionArn));
    if (byFunction !== undefined) return groupOf(byFunction);
    return hasGroup(String(u.roleArn)) ? groupOf(String(u.roleArn)) : rest;
  };
  for (const p of usage?.principals ?? []) usageGroup(p).principals.push(p);
  for (const l of usage?.labels ?? []) usageGroup(l).labels.push(l);

  const slices: Group[] = [rest];
  for (const g of groups.values()) {
    const last = slices[slices.length - 1]!;
    if (last.size > 0 && last.size + g.size > sliceFunctions) slices.push({ roles: [], functions: [], principals: [], labels: [], size: 0 });
    const into = slices[slices.length - 1]!;
    into.roles.push(...g.roles);
    into.functions.push(...g.functions);
    into.principals.push(...g.principals);
    into.labels.push(...g.labels);
    into.size += g.size;
  }
  return slices.map((s, i) => {
    const slice: Record<string, unknown> = { ...view, roles: s.roles, functions: s.functions };
    if (i > 0 && "principals" in view) slice.principals = [];
    if (usage) slice.usage = { ...usage, principals: s.principals, labels: s.labels };
    return slice;
  });
}

