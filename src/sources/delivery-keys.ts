import type { LambdaFunction } from "../model/document.js";

/**
 * Sets each function's `deliveryKeys` from the customer managed keys of the SQS queues and SNS
 * topics an input makes (`keys`: queue or topic ARN → key ARN): the key of every target the
 * function delivers to (dead-letter target, destinations, its mappings' on-failure destinations,
 * its qualifiers' targets), sorted by target. SQS and SNS encrypt what Lambda sends with the
 * execution role's permissions, so the role needs kms:GenerateDataKey on it. One walk for the
 * template reader and the plan reader, which differ only in how they find the keys.
 */
export function assignDeliveryKeys(functions: Iterable<LambdaFunction>, keys: ReadonlyMap<string, string>): void {
  if (keys.size === 0) return;
  for (const fn of functions) {
    const targets = [fn.deadLetterTargetArn, fn.destinations.onSuccess, fn.destinations.onFailure, ...fn.triggers.map((t) => t.onFailureDestination), ...(fn.qualifiedDeliveryTargets ?? []).map((t) => t.arn)];
    const found = new Map<string, string>();
    for (const target of targets) {
      const key = target === null ? undefined : keys.get(target);
      if (target !== null && key !== undefined) found.set(target, key);
    }
    if (found.size > 0) fn.deliveryKeys = [...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([target, keyArn]) => ({ target, keyArn }));
  }
}
