/**
 * IAM Access Analyzer unused-access findings of one region. collect never creates an analyzer
 * (that would be a write and a paid feature): it uses one that exists, and records "skipped"
 * when there is none.
 */

import type { AnalyzerSummary, FindingDetails, GetFindingV2CommandOutput } from "@aws-sdk/client-accessanalyzer";
import { callAws } from "./aws-call.js";
import { pool, SkipUnit, type Run } from "./run.js";
import { sortedBy, withoutMetadata } from "./shape.js";
import { relPath } from "./writer.js";

const UNUSED_TYPES = ["ACCOUNT_UNUSED_ACCESS", "ORGANIZATION_UNUSED_ACCESS"] as const;

export async function collectAccessAnalyzer(run: Run, region: string, concurrency: number): Promise<void> {
  await run.unit({ service: "accessanalyzer", operation: "GetFindingV2", region }, async () => {
    let attempts = 0;
    let analyzer: AnalyzerSummary | undefined;
    for (const type of UNUSED_TYPES) {
      let nextToken: string | undefined;
      do {
        const r = await callAws(run.ctx, "accessanalyzer:ListAnalyzers", region, { type, nextToken });
        attempts += r.attempts;
        analyzer ??= sortedBy(r.output.analyzers, (a) => a.arn).find((a) => a.status === "ACTIVE");
        nextToken = r.output.nextToken;
      } while (nextToken && !analyzer);
      if (analyzer) break;
    }
    if (!analyzer?.arn) throw new SkipUnit(`no active unused-access analyzer in ${region}`);
    const analyzerArn = analyzer.arn;
    const ids: string[] = [];
    let nextToken: string | undefined;
    do {
      const r = await callAws(run.ctx, "accessanalyzer:ListFindingsV2", region, {
        analyzerArn,
        filter: { resourceType: { eq: ["AWS::IAM::Role"] }, status: { eq: ["ACTIVE"] } },
        nextToken,
      });
      attempts += r.attempts;
      ids.push(...(r.output.findings ?? []).map((f) => f.id).filter((id): id is string => typeof id === "string"));
      nextToken = r.output.nextToken;
    } while (nextToken);
    const findings = await pool([...new Set(ids)].sort(), concurrency, async (id) => {
      let details: FindingDetails[] = [];
      let first: GetFindingV2CommandOutput | undefined;
      let token: string | undefined;
      do {
        const r = await callAws(run.ctx, "accessanalyzer:GetFindingV2", region, { analyzerArn, id, nextToken: token });
        attempts += r.attempts;
        first ??= r.output;
        details = details.concat(r.output.findingDetails ?? []);
        token = r.output.nextToken;
      } while (token);
      const { nextToken: _t, ...rest } = withoutMetadata(first as GetFindingV2CommandOutput);
      return { ...rest, findingDetails: details };
    });
    const file = run.writer.writeJson(relPath("accessanalyzer", region, "unused-access-findings.json"), {
      analyzerArn,
      analyzerType: analyzer.type,
      findings,
    });
    return { files: [file], count: findings.length, attempts };
  });
}
