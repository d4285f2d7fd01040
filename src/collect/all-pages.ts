/**
 * Every page of a paginated list call and the HTTP attempts they took: `page(token)` asks for the
 * page after `token` (undefined: the first) and says its items and the next token (undefined or
 * empty: the last page). The Lambda list calls (`Marker` in, `NextMarker` out: ListFunctions,
 * ListAliases, ListEventSourceMappings, ListCapacityProviders) and AWS Config's
 * DescribeConfigRules (`NextToken`).
 */
export async function allPages<T>(page: (token: string | undefined) => Promise<{ items: T[] | undefined; next: string | undefined; attempts: number }>): Promise<{ items: T[]; attempts: number }> {
  const items: T[] = [];
  let token: string | undefined;
  let attempts = 0;
  do {
    const p = await page(token);
    attempts += p.attempts;
    items.push(...(p.items ?? []));
    token = p.next;
  } while (token);
  return { items, attempts };
}
