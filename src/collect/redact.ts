/**
 * Environment variable values never reach disk: they hold secrets often enough (access keys,
 * database passwords) that a permissions tool has no business copying them. Names are kept,
 * because rules and generation use them (e.g. a variable naming a table or a queue), and each
 * value becomes "" so the shape stays what the AWS CLI writes (`Variables: {NAME: string}`).
 */

export const REDACTED_VALUE = "";

type WithEnvironment = { Environment?: { Variables?: Record<string, string> | undefined } | undefined };

/** A copy of a FunctionConfiguration with every Environment.Variables value replaced. */
export function redactEnvironment<T extends object>(fn: T): T {
  const env = (fn as WithEnvironment).Environment;
  if (!env || !env.Variables) return fn;
  return { ...fn, Environment: { ...env, Variables: redactedVariables(env.Variables) } };
}

/** A function's variables, names sorted, each value replaced (the Lambda API's `Variables`, AWS Config's `variables`). */
export function redactedVariables(variables: object): Record<string, string> {
  // defineProperty, not assignment: a variable may be named `__proto__`, and assigning that on a
  // plain object sets its prototype instead of adding the name (found by the property test).
  const out: Record<string, string> = {};
  for (const name of Object.keys(variables).sort()) {
    Object.defineProperty(out, name, { value: REDACTED_VALUE, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
