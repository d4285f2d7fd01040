/** Small helpers that turn SDK outputs into the files the AWS CLI would have written. */

/** The SDK output without `$metadata` (request id, HTTP status), which the CLI never prints. */
export function withoutMetadata<T extends object>(output: T): Omit<T, "$metadata"> {
  const { $metadata: _ignored, ...rest } = output as T & { $metadata?: unknown };
  return rest;
}

/** A sorted copy (by a string key, code-point order): files do not depend on API page order. */
export function sortedBy<T>(items: readonly T[] | undefined, key: (item: T) => string | undefined): T[] {
  return [...(items ?? [])].sort((a, b) => {
    const ka = key(a) ?? "";
    const kb = key(b) ?? "";
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/** An object with its keys sorted (tags). */
export function sortedRecord<V>(record: Record<string, V> | undefined): Record<string, V> {
  const out: Record<string, V> = {};
  for (const k of Object.keys(record ?? {}).sort()) out[k] = (record as Record<string, V>)[k] as V;
  return out;
}

/** Whether an SDK error means "there is none" (no policy, no URL config, no invoke config). */
export function isNotFound(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === "ResourceNotFoundException" || name === "NoSuchEntity" || name === "NoSuchEntityException";
}
