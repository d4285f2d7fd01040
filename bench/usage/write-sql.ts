/** Writes sql/*.sql from src/usage/sql.ts (the shipped text): `npx tsx bench/usage/write-sql.ts`. */
import { writeFileSync } from "node:fs";
import { ATHENA_TABLE_DDL, ATHENA_USAGE_QUERY, LAKE_USAGE_QUERY } from "../../src/usage/sql.js";
writeFileSync("sql/athena-table.sql", ATHENA_TABLE_DDL);
writeFileSync("sql/athena-usage.sql", ATHENA_USAGE_QUERY);
writeFileSync("sql/lake-usage.sql", LAKE_USAGE_QUERY);
