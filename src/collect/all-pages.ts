/**
 * Paging. Each list call gives, with a page, the token to ask the next one with: `IsTruncated` and
 * `Marker` (IAM: "When IsTruncated is true, this element is present and contains the value to use
 * for the Marker parameter in a subsequent pagination request", IAM API Reference), `IsTruncated`
 * and `NextContinuationToken` (S3 ListObjectsV2), or a token alone (`NextMarker`, `NextToken`,
 * `nextToken`: present while more follow). A page that says more follow but gives no token, or
 * gives one already followed (asking again would loop for ever), is a cut: the paging stops there
 * and says so (`PageTokens.cut`), and the caller makes its unit degraded and its file say it is
 * not the whole list. Before, such a page ended the loop as if it were the last (or never ended).
 */

export class PageTokens {
  private readonly seen = new Set<string>();
  private pages = 0;
  /** Why the paging stopped before the last page (null: every page was read). */
  cut: string | null = null;
  /** The token the cut page gave (one already followed), if any. */
  cutToken: string | undefined;

  /** `operation` and `token` name the call and its token in `cut`; `what` the records listed. */
  constructor(
    private readonly operation: string,
    private readonly token: string,
    private readonly what: string,
  ) {}

  /**
   * After each page: the token to ask the next page with, or undefined to stop (the last page, or
   * a cut, recorded in `cut`). `token`: the page's next-page token; `truncated`: its IsTruncated
   * where the API has one (omitted: the token alone says whether more follow).
   */
  next(token: string | null | undefined, truncated?: boolean): string | undefined {
    this.pages++;
    const given = typeof token === "string" && token !== "";
    if (truncated === undefined ? !given : !truncated) return undefined;
    if (!given || this.seen.has(token)) {
      this.cutToken = given ? token : undefined;
      this.cut = `${this.operation} page ${this.pages} says more ${this.what} follow${truncated === undefined ? "" : " (IsTruncated)"} but gives ${given ? `a ${this.token} already followed` : `no ${this.token}`}`;
      return undefined;
    }
    this.seen.add(token);
    return token;
  }
}

/**
 * Every page of a paginated list call and the HTTP attempts they took: `page(token)` asks for the
 * page after `token` (undefined: the first) and says its items and the next token (undefined or
 * empty: the last page). The Lambda list calls (`Marker` in, `NextMarker` out: ListFunctions,
 * ListAliases, ListEventSourceMappings, ListCapacityProviders, ListLayers, ListLayerVersions) and
 * AWS Config's DescribeConfigRules (`NextToken`). `cut`: why the paging stopped early (a token
 * already followed), said with the items read, and `cutToken` the token then given, for the file
 * (its NextMarker or NextToken tells the reader the list is not whole); null when whole.
 */
export async function allPages<T>(
  name: { operation: string; token: string },
  page: (token: string | undefined) => Promise<{ items: T[] | undefined; next: string | undefined; attempts: number }>,
): Promise<{ items: T[]; attempts: number; cut: string | null; cutToken: string | undefined }> {
  const items: T[] = [];
  const tokens = new PageTokens(name.operation, name.token, "items");
  let token: string | undefined;
  let attempts = 0;
  do {
    const p = await page(token);
    attempts += p.attempts;
    items.push(...(p.items ?? []));
    token = tokens.next(p.next);
  } while (token);
  const cut = tokens.cut === null ? null : `${tokens.cut}: the list holds the ${items.length} items of the pages read, the others are missing`;
  return { items, attempts, cut, cutToken: tokens.cutToken };
}

/**
 * A cut paging whose unit can keep nothing of what it read (a listing whose later keys are unknown,
 * a search that may have missed what it looked for): the unit fails with it (`ListingCut`), named.
 */
export function cutError(message: string, attempts: number): Error {
  return Object.assign(new Error(message), { name: "ListingCut", collectAttempts: attempts });
}
