/**
 * IAM Access Analyzer unused-access findings of one region. collect never creates an analyzer
 * (that would be a write and a paid feature): it uses one that exists, and records "skipped"
 * when there is none.
 */

import type { AnalyzerSummary, FindingDetails, GetFindingV2CommandOutput } from "@aws-sdk/client-accessanalyzer";
import { cutError, PageTokens } from "./all-pages.js";
import { callAws } from "./aws-call.js";
import { pool, SkipUnit, type Run } from "./run.js";
import { sortedBy, withoutMetadata } from "./shape.js";
import { relPath } from "./writer.js";

const UNUSED_TYPES = ["ACCOUNT_UNUSED_ACCESS", "ORGANIZATION_UNUSED_ACCESS"] as const;

export async function collectAccessAnalyzer(run: Run, region: string, concurrency: number): Promise<void> {
  await run.unit({ service: "accessanalyzer", operation: "GetFindingV2", region }, async () => {
    let attempts = 0;
    let analyzer: AnalyzerSummary | undefined;
    const cuts: string[] = [];
    for (const type of UNUSED_TYPES) {
      const pages = new PageTokens(`ListAnalyzers (${type})`, "nextToken", "analyzers");
      let nextToken: string | undefined;
      do {
        const r = await callAws(run.ctx, "accessanalyzer:ListAnalyzers", region, { type, nextToken });
        attempts += r.attempts;
        analyzer ??= sortedBy(r.output.analyzers, (a) => a.arn).find((a) => a.status === "ACTIVE");
        nextToken = analyzer ? undefined : pages.next(r.output.nextToken);
      } while (nextToken);
      if (pages.cut !== null) cuts.push(pages.cut);
      if (analyzer) break;
    }
    // None found on the pages read, but pages were left unread (a nextToken already followed): not
    // "no analyzer", which would skip the region as complete.
    if (!analyzer?.arn && cuts.length > 0) throw cutError(`${cuts.join("; ")}: no active unused-access analyzer on the pages read, the others are unknown`, attempts);
    if (!analyzer?.arn) throw new SkipUnit(`no active unused-access analyzer in ${region}`);
    const analyzerArn = analyzer.arn;
    const ids: string[] = [];
    const listPages = new PageTokens("ListFindingsV2", "nextToken", "findings");
    let nextToken: string | undefined;
    do {
      const r = await callAws(run.ctx, "accessanalyzer:ListFindingsV2", region, {
        analyzerArn,
        filter: { resourceType: { eq: ["AWS::IAM::Role"] }, status: { eq: ["ACTIVE"] } },
        nextToken,
      });
      attempts += r.attempts;
      ids.push(...(r.output.findings ?? []).map((f) => f.id).filter((id): id is string => typeof id === "string"));
      nextToken = listPages.next(r.output.nextToken);
    } while (nextToken);
    const cut: string[] = listPages.cut === null ? [] : [`${listPages.cut}: the ${ids.length} findings of the pages read are kept, the others are missing`];
    const findings = await pool([...new Set(ids)].sort(), concurrency, async (id) => {
      let details: FindingDetails[] = [];
      let first: GetFindingV2CommandOutput | undefined;
      const pages = new PageTokens(`GetFindingV2 ${id}`, "nextToken", "findingDetails");
      let token: string | undefined;
      do {
        const r = await callAws(run.ctx, "accessanalyzer:GetFindingV2", region, { analyzerArn, id, nextToken: token });
        attempts += r.attempts;
        first ??= r.output;
        details = details.concat(r.output.findingDetails ?? []);
        token = pages.next(r.output.nextToken);
      } while (token);
      if (pages.cut !== null) cut.push(`${pages.cut}: the finding keeps the ${details.length} findingDetails of the pages read and its nextToken, the others are missing`);
      const { nextToken: _t, ...rest } = withoutMetadata(first as GetFindingV2CommandOutput);
      return { ...rest, findingDetails: details, ...(pages.cutToken !== undefined ? { nextToken: pages.cutToken } : {}) };
    });
    const file = run.writer.writeJson(relPath("accessanalyzer", region, "unused-access-findings.json"), {
      analyzerArn,
      analyzerType: analyzer.type,
      // The analyzer as `aws accessanalyzer get-analyzer` prints it (its tags left out): its
      // configuration's unusedAccessAge is the span a finding says its permissions went unused,
      // which no finding gives (the usage reader reads it from here, access-analyzer.ts). ListAnalyzers'
      // AnalyzerSummary holds it: no other call, and no other permission, is needed.
      analyzer: analyzerOf(analyzer),
      findings,
      // Cut (a nextToken already followed): kept, so the reader says the list is cut (truncated-pagination).
      ...(listPages.cutToken !== undefined ? { nextToken: listPages.cutToken } : {}),
    });
    return { files: [file], count: findings.length, attempts, ...(cut.length > 0 ? { degraded: cut.sort().join("; ") } : {}) };
  });
}

/** What of an AnalyzerSummary is written: who it is and its configuration (not its tags, not its last resource). */
function analyzerOf(a: AnalyzerSummary): Record<string, unknown> {
  return {
    arn: a.arn,
    name: a.name,
    type: a.type,
    status: a.status,
    ...(a.configuration !== undefined ? { configuration: a.configuration } : {}),
  };
}
