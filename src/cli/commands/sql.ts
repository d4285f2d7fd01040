import type { Command } from "commander";
import { InputError } from "../../errors.js";
import { SECURITY_LAKE_USAGE_QUERY, SECURITY_LAKE_V1_USAGE_QUERY, renderSecurityLakeQuery } from "../../usage/security-lake.js";
import { ATHENA_TABLE_DDL, ATHENA_USAGE_QUERY, LAKE_USAGE_QUERY } from "../../usage/sql.js";

const QUERIES: Record<string, string> = {
  "athena-table": ATHENA_TABLE_DDL,
  "athena-usage": ATHENA_USAGE_QUERY,
  "lake-usage": LAKE_USAGE_QUERY,
  "security-lake-usage": SECURITY_LAKE_USAGE_QUERY,
  "security-lake-v1-usage": SECURITY_LAKE_V1_USAGE_QUERY,
};

interface SqlOptions {
  table?: string;
  s3Table?: string;
  lambdaTable?: string;
  start?: string;
  end?: string;
  regions?: string;
  accounts?: string;
}

const list = (s: string | undefined): string[] | undefined => (s === undefined ? undefined : s.split(",").map((x) => x.trim()).filter((x) => x !== ""));

export function registerSql(program: Command): void {
  program
    .command("sql <query>")
    .description(
      "print the SQL that aggregates CloudTrail where the logs are (athena-table, athena-usage, lake-usage, security-lake-usage, security-lake-v1-usage); audit reads its result rows",
    )
    .option("--table <name>", "security-lake-*: the CloudTrail management events table (db.table); with --start and --end, the SQL is printed filled in")
    .option("--s3-table <name>", "security-lake-*: the S3 data events table; without it the S3 source is not read (data events unknown)")
    .option("--lambda-table <name>", "security-lake-*: the Lambda data events table; likewise")
    .option("--start <time>", "security-lake-*: the window's start, ISO 8601 UTC (2026-10-01T00:00:00Z)")
    .option("--end <time>", "security-lake-*: the window's end, exclusive")
    .option("--regions <list>", "security-lake-*: only these Regions (partition predicate), comma-separated")
    .option("--accounts <list>", "security-lake-*: only these accounts (partition predicate), comma-separated")
    .action((query: string, o: SqlOptions) => {
      const text = QUERIES[query];
      if (!text) throw new InputError(`no query "${query}": choose one of ${Object.keys(QUERIES).join(", ")}`);
      const given = [o.table, o.s3Table, o.lambdaTable, o.start, o.end, o.regions, o.accounts].some((x) => x !== undefined);
      if (!given) {
        process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
        return;
      }
      if (!query.startsWith("security-lake-")) throw new InputError(`sql ${query} takes no options: they fill in the security-lake-usage queries only`);
      if (o.table === undefined || o.start === undefined || o.end === undefined) throw new InputError(`sql ${query}: --table, --start and --end are needed to fill the query in (or none of the options, to print it with its placeholders)`);
      const regions = list(o.regions);
      const accounts = list(o.accounts);
      let sql: string;
      try {
        sql = renderSecurityLakeQuery(text, {
          table: o.table,
          start: o.start,
          end: o.end,
          ...(o.s3Table !== undefined ? { s3Table: o.s3Table } : {}),
          ...(o.lambdaTable !== undefined ? { lambdaTable: o.lambdaTable } : {}),
          ...(regions !== undefined ? { regions } : {}),
          ...(accounts !== undefined ? { accounts } : {}),
        });
      } catch (e) {
        throw new InputError(`sql ${query}: ${(e as Error).message}`);
      }
      process.stdout.write(sql);
    });
}
