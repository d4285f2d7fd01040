/**
 * A Lambda target written with `Fn::If` whose condition the template alone cannot decide (a
 * parameter without a value, `AWS::Region` without --region): a dead-letter queue, an
 * asynchronous-invocation destination, an event source. The resolver reads the first branch that
 * has a value, so the permission that branch needs is required (and `generate` grants it) as if
 * the stack always had it, and the other branch's is never checked. Said here, at the property,
 * with both values: which one the stack has is decided at deployment, and the audit is partial.
 * A condition that is decided (by `--parameter`, or a Default) takes its branch and says nothing.
 */

import { NO_VALUE } from "./intrinsics.js";
import { isRecord } from "./lambda-shapes.js";
import { childPath } from "./located.js";
import type { SamResource } from "./sam.js";
import type { TemplateReader } from "./read-template.js";

export const CONDITIONAL_TARGET = "cloudformation-conditional-target";

/**
 * Warn of each undecided `Fn::If` in `r.Properties[property]` at `inner` (the keys down to the
 * target, e.g. `["OnFailure", "Destination"]`). `what` names the target in the message; `show`
 * writes a branch's value as the reader reads the target (a queue's ARN of its service).
 */
export function warnConditionalTarget(reader: TemplateReader, r: SamResource, property: string, inner: readonly string[], what: string, show: (value: string) => string): void {
  let raw: unknown = r.Properties[property];
  // A resource SAM makes from a property (the event invoke config of `EventInvokeConfig`) has
  // that property's path, under which the keys are SAM's own.
  const made = !/^Resources\.[A-Za-z0-9]+$/.test(r.sourcePath);
  let path = made ? childPath(r.sourcePath, property) : childPath(childPath(r.sourcePath, "Properties"), property);
  // Down to the target, stopping at a condition that chooses an enclosing object
  // (`DeadLetterConfig: !If [C, {TargetArn: …}, !Ref AWS::NoValue]`): `below` keys are then read in each branch.
  let below = inner.length;
  for (const key of inner) {
    if (undecidedIf(reader, raw) !== undefined) break;
    raw = isRecord(raw) ? raw[key] : undefined;
    path = childPath(path, key);
    below -= 1;
  }
  const iff = undecidedIf(reader, raw);
  if (iff === undefined) return;
  const [condition, whenTrue, whenFalse] = iff;
  const value = (branch: unknown): string => {
    let v = reader.resolver.resolve(branch);
    for (const key of inner.slice(inner.length - below)) v = isRecord(v) ? v[key] : undefined;
    if (v === NO_VALUE || v === undefined || v === null || v === "") return "none";
    return typeof v === "string" ? show(v) : reader.resolver.str(v);
  };
  const [a, b] = [value(whenTrue), value(whenFalse)];
  if (a === b) return;
  const read = a === "none" ? b : a;
  reader.warn(
    CONDITIONAL_TARGET,
    "warning",
    `the ${what} depends on condition ${condition}, which cannot be decided here: ${a} when it is true, ${b} when it is false. ${read} was read, so the permission it needs is required only conditionally (the stack may not have it) and the other's is not checked; give the parameters the condition depends on (--parameter)`,
    path,
  );
}

/** `Fn::If [Cond, a, b]` whose condition the reader cannot decide, else undefined. */
function undecidedIf(reader: TemplateReader, v: unknown): [string, unknown, unknown] | undefined {
  if (!isRecord(v) || Object.keys(v).length !== 1) return undefined;
  const arg = v["Fn::If"];
  if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== "string") return undefined;
  return reader.resolver.condition(arg[0]) === undefined ? [arg[0], arg[1], arg[2]] : undefined;
}
