/**
 * `--config-aggregator <name>`: an organisation's IAM and Lambda inventory from one AWS Config
 * aggregator, read with one set of credentials in the aggregator's account, written as the
 * `aws configservice select-aggregate-resource-config` output the AWS Config reader
 * (src/sources/aws-config.ts) reads: `audit <out>` then finds what it finds in that output.
 *
 * Why SelectAggregateResourceConfig with `SELECT *`, and not ListAggregateDiscoveredResources
 * followed by BatchGetAggregateResourceConfig:
 * - BatchGetAggregateResourceConfig answers BaseConfigurationItems, and a BaseConfigurationItem
 *   has `configuration` and `supplementaryConfiguration` but neither `tags` nor `relationships`
 *   (AWS Config API Reference, "BaseConfigurationItem",
 *   https://docs.aws.amazon.com/config/latest/APIReference/API_BaseConfigurationItem.html); a
 *   function's tags (which the rules read) would be lost. It also takes keys a list call must find
 *   first, one resource type per ListAggregateDiscoveredResources call, at most 100 keys a batch,
 *   with UnprocessedResourceIdentifiers to ask for again (API Reference,
 *   "BatchGetAggregateResourceConfig",
 *   https://docs.aws.amazon.com/config/latest/APIReference/API_BatchGetAggregateResourceConfig.html).
 * - An advanced query's `SELECT *` returns each resource's current configuration item as a JSON
 *   document, its configuration, supplementaryConfiguration (a function's resource policy), tags
 *   and relationships included, for every type asked in one query, at most 100 a page (`Limit`)
 *   with `NextToken` (API Reference, "SelectAggregateResourceConfig",
 *   https://docs.aws.amazon.com/config/latest/APIReference/API_SelectAggregateResourceConfig.html;
 *   Developer Guide, "Query Components for AWS Config",
 *   https://docs.aws.amazon.com/config/latest/developerguide/query-components.html). A query has
 *   no unprocessed keys: a page either comes or the call fails (and the unit is recorded failed).
 *
 * The rows are written as AWS wrote them, but for two things: a function's environment variable
 * values become "" (as every collect file: redact.ts), and the rows are sorted, so the file does
 * not depend on page order.
 */

import { CONFIG_RESOURCE_TYPES } from "../sources/aws-config.js";
import { PageTokens } from "./all-pages.js";
import { callAws } from "./aws-call.js";
import { CollectError } from "./errors.js";
import { redactedVariables } from "./redact.js";
import { awsErrorCode } from "./retry.js";
import type { Run } from "./run.js";

/** What the aggregator covers, from DescribeConfigurationAggregators (for the progress line and the manifest). */
export interface AggregatorSources {
  /** `organization` (an organisation's accounts), `accounts` (a list), or both. */
  kinds: string[];
  /** Accounts listed by an account aggregation source; empty for an organisation's. */
  accounts: string[];
  /** Regions aggregated, or `all`. */
  regions: string[] | "all";
}

/** The query: every current item of the types the AWS Config reader reads, whole. */
export const AGGREGATOR_QUERY = `SELECT * WHERE resourceType IN (${CONFIG_RESOURCE_TYPES.map((t) => `'${t}'`).join(", ")})`;

/** The largest page SelectAggregateResourceConfig gives (Limit: 0 to 100; API Reference as above). */
const PAGE_LIMIT = 100;

/** Where the query's rows go (read by audit as any select-aggregate-resource-config output). */
export function aggregatorFile(region: string): string {
  return `config/${region}/select-aggregate-resource-config.json`;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * A function row's environment variable values replaced by "" (redact.ts), names kept. Config
 * writes the configuration as an object in a query's row; a string (as in get-resource-config-history)
 * is parsed and written back the same way.
 */
function redactRow(row: Obj): Obj {
  if (row["resourceType"] !== "AWS::Lambda::Function") return row;
  const raw = row["configuration"];
  const asString = typeof raw === "string";
  let configuration: unknown = raw;
  if (asString) {
    try {
      configuration = JSON.parse(raw);
    } catch {
      // A configuration that is not JSON holds no variables the reader could see; it says what is wrong with it.
      return row;
    }
  }
  if (!isObj(configuration) || !isObj(configuration["environment"])) return row;
  const env = configuration["environment"];
  const variables = env["variables"];
  if (!isObj(variables)) return row;
  const next = { ...configuration, environment: { ...env, variables: redactedVariables(variables) } };
  return { ...row, configuration: asString ? JSON.stringify(next) : next };
}

function rowKey(row: Obj): string {
  const s = (k: string) => (typeof row[k] === "string" ? (row[k] as string) : "");
  return `${s("resourceType")}\u0000${s("accountId")}\u0000${s("awsRegion")}\u0000${s("arn") || s("resourceId")}`;
}

/** The error code AWS Config answers for an aggregator that does not exist (API Reference, SelectAggregateResourceConfig, Errors). */
const NO_SUCH_AGGREGATOR = "NoSuchConfigurationAggregatorException";

function noSuchAggregator(name: string, region: string): CollectError {
  return new CollectError(
    `AWS Config has no aggregator named ${JSON.stringify(name)} in ${region} of this account: check --config-aggregator and --aggregator-region (an aggregator lives in one region of the account that made it)`,
  );
}

function sourcesOf(aggregator: Obj): AggregatorSources {
  const kinds: string[] = [];
  const accounts = new Set<string>();
  const regions = new Set<string>();
  let all = false;
  const org = aggregator["OrganizationAggregationSource"];
  if (isObj(org)) {
    kinds.push("organization");
    if (org["AllAwsRegions"] === true) all = true;
    for (const r of Array.isArray(org["AwsRegions"]) ? org["AwsRegions"] : []) if (typeof r === "string") regions.add(r);
  }
  const sources = aggregator["AccountAggregationSources"];
  if (Array.isArray(sources) && sources.length > 0) {
    kinds.push("accounts");
    for (const s of sources) {
      if (!isObj(s)) continue;
      for (const a of Array.isArray(s["AccountIds"]) ? s["AccountIds"] : []) if (typeof a === "string") accounts.add(a);
      if (s["AllAwsRegions"] === true) all = true;
      for (const r of Array.isArray(s["AwsRegions"]) ? s["AwsRegions"] : []) if (typeof r === "string") regions.add(r);
    }
  }
  return { kinds, accounts: [...accounts].sort(), regions: all ? "all" : [...regions].sort() };
}

/**
 * Check that the aggregator exists (DescribeConfigurationAggregators), then run the query over
 * every page. An aggregator that does not exist stops the collection (a CollectError: exit 2); a
 * query that fails otherwise (denied, throttled past the retries, a network failure) is a failed
 * entry and the collection is partial, as any inventory call's failure.
 */
export async function collectConfigAggregator(run: Run, name: string, region: string): Promise<void> {
  const described = await run.unit<AggregatorSources>(
    { service: "config", operation: "DescribeConfigurationAggregators", region, target: name },
    {
      fresh: true,
      // Only what the aggregator covers is lost: the query says whether it exists, and reads the inventory.
      failureNote: (error) => (awsErrorCode(error) === NO_SUCH_AGGREGATOR ? null : "what the aggregator covers is unknown; the query below reads its inventory"),
    },
    async () => {
      const { output, attempts } = await callAws(run.ctx, "config:DescribeConfigurationAggregators", region, { ConfigurationAggregatorNames: [name] });
      const found = (output.ConfigurationAggregators ?? []).find((a) => a.ConfigurationAggregatorName === name);
      if (!found) throw Object.assign(new Error(`no aggregator named ${name}`), { name: NO_SUCH_AGGREGATOR });
      const sources = sourcesOf(found as unknown as Obj);
      return { count: 1, attempts, data: sources };
    },
  );
  if (described.call.errorCode === NO_SUCH_AGGREGATOR) throw noSuchAggregator(name, region);
  if (described.data) {
    const s = described.data;
    const accounts = s.kinds.includes("organization") ? "the organisation's accounts" : `${s.accounts.length} account(s)`;
    run.phase(`aggregator ${name}: ${accounts}${s.kinds.length > 1 ? ` and ${s.accounts.length} listed account(s)` : ""}, ${s.regions === "all" ? "all regions" : `regions ${s.regions.join(", ")}`}`);
  }

  const queried = await run.unit<number>({ service: "config", operation: "SelectAggregateResourceConfig", region, target: name }, async () => {
    const rows: Obj[] = [];
    let unreadable = 0;
    let queryInfo: unknown;
    const pages = new PageTokens("SelectAggregateResourceConfig", "NextToken", "results");
    let nextToken: string | undefined;
    let attempts = 0;
    do {
      const { output, attempts: a } = await callAws(run.ctx, "config:SelectAggregateResourceConfig", region, {
        ConfigurationAggregatorName: name,
        Expression: AGGREGATOR_QUERY,
        Limit: PAGE_LIMIT,
        NextToken: nextToken,
      });
      attempts += a;
      queryInfo ??= output.QueryInfo;
      for (const text of output.Results ?? []) {
        let row: unknown;
        try {
          row = JSON.parse(text);
        } catch {
          row = undefined;
        }
        // Never written when it cannot be read: it could hold a function's variables unredacted.
        if (!isObj(row)) unreadable++;
        else rows.push(redactRow(row));
      }
      nextToken = pages.next(output.NextToken);
    } while (nextToken);
    rows.sort((a, b) => {
      const ka = rowKey(a);
      const kb = rowKey(b);
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
    const file = run.writer.writeJson(aggregatorFile(region), {
      QueryInfo: queryInfo ?? { SelectFields: [{ Name: "*" }] },
      Results: rows.map((r) => JSON.stringify(r)),
      // Cut (a NextToken already followed): kept, so the reader says records may be missing (truncated-pagination).
      ...(pages.cutToken !== undefined ? { NextToken: pages.cutToken } : {}),
    });
    const degraded = [
      ...(pages.cut !== null ? [`${pages.cut}: the ${rows.length} resources of the pages read are kept, the others are missing`] : []),
      ...(unreadable > 0 ? [`${unreadable} row(s) of the query were not JSON objects and were not written: those resources are missing`] : []),
    ];
    return {
      files: [file],
      count: rows.length,
      attempts,
      data: rows.length,
      ...(degraded.length > 0 ? { degraded: degraded.join("; ") } : {}),
    };
  });
  if (queried.call.errorCode === NO_SUCH_AGGREGATOR) throw noSuchAggregator(name, region);
}
