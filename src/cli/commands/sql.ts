import type { Command } from "commander";
import { InputError } from "../../errors.js";
import { ATHENA_TABLE_DDL, ATHENA_USAGE_QUERY, LAKE_USAGE_QUERY } from "../../usage/sql.js";

const QUERIES: Record<string, string> = {
  "athena-table": ATHENA_TABLE_DDL,
  "athena-usage": ATHENA_USAGE_QUERY,
  "lake-usage": LAKE_USAGE_QUERY,
};

export function registerSql(program: Command): void {
  program
    .command("sql <query>")
    .description("print the SQL that aggregates CloudTrail where the logs are (athena-table, athena-usage, lake-usage); audit reads its result rows")
    .action((query: string) => {
      const text = QUERIES[query];
      if (!text) throw new InputError(`no query "${query}": choose one of ${Object.keys(QUERIES).join(", ")}`);
      process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    });
}
