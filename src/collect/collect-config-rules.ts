/**
 * A region's AWS Config rules: DescribeConfigRules, every page (`NextToken`) merged into one
 * `config/<region>/describe-config-rules.json` of the shape `aws configservice
 * describe-config-rules` writes and src/sources/aws-config-rules.ts reads (`{ConfigRules: [...]}`,
 * no NextToken: the file is the whole list). A CUSTOM_LAMBDA rule names the function Config
 * invokes, whose execution role reports the results (config:PutEvaluations, LR010); without the
 * file, a collected account's evaluators were audited as if no rule ran them. A failed call is
 * recorded as every unit's is: no file, the collection partial.
 */

import type { ConfigRule } from "@aws-sdk/client-config-service";
import { allPages } from "./all-pages.js";
import { callAws } from "./aws-call.js";
import type { Run } from "./run.js";
import { sortedBy } from "./shape.js";
import { relPath } from "./writer.js";

export function configRulesFile(region: string): string {
  return relPath("config", region, "describe-config-rules.json");
}

export async function collectConfigRules(run: Run, region: string): Promise<void> {
  await run.unit({ service: "config", operation: "DescribeConfigRules", region }, async () => {
    const { items: rules, attempts, cut, cutToken } = await allPages<ConfigRule>({ operation: "DescribeConfigRules", token: "NextToken" }, async (NextToken) => {
      const { output, attempts } = await callAws(run.ctx, "config:DescribeConfigRules", region, { NextToken });
      return { items: output.ConfigRules, next: output.NextToken, attempts };
    });
    // By name, not page order: the same rules make the same file.
    const sorted = sortedBy(rules, (r) => r.ConfigRuleName);
    const file = run.writer.writeJson(configRulesFile(region), { ConfigRules: sorted, ...(cutToken !== undefined ? { NextToken: cutToken } : {}) });
    // Cut (a NextToken already followed): the file keeps it (the reader's truncated-pagination), the unit is degraded.
    return { files: [file], count: sorted.length, attempts, ...(cut !== null ? { degraded: cut } : {}) };
  });
}
