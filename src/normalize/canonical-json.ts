/** JSON with object keys sorted at every level: equal values give equal text (used to compare records). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortDeep(value));
}

export function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value !== null && typeof value === "object") {
    const out: { [k: string]: unknown } = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as { [k: string]: unknown })[k];
      // defineProperty: a key named `__proto__` (a tag, say) must stay a key, not become the prototype.
      if (v !== undefined) Object.defineProperty(out, k, { value: sortDeep(v), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}
