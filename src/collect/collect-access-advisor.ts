/**
 * IAM Access Advisor, ACTION_LEVEL, for each role Lambda can assume: GenerateServiceLastAccessedDetails
 * starts a report job (a read: see operations.ts), GetServiceLastAccessedDetails is polled until
 * the job completes and then read page by page. The API's answer does not name the role, so
 * the file adds `Arn` (the role's ARN) and `Granularity` beside the API's own fields.
 */

import type { GetServiceLastAccessedDetailsCommandOutput } from "@aws-sdk/client-iam";
import { PageTokens } from "./all-pages.js";
import { callAws, operationOf } from "./aws-call.js";
import type { RoleSummary } from "./collect-iam.js";
import { CollectError } from "./errors.js";
import { trustsLambda } from "./iam-documents.js";
import { pool, type Run } from "./run.js";
import { isNotFound } from "./shape.js";
import { relPath } from "./writer.js";

export interface PollSettings {
  intervalMs: number;
  timeoutMs: number;
}

/**
 * A role GetAccountAuthorizationDetails listed that GenerateServiceLastAccessedDetails no longer
 * finds (NoSuchEntity, HTTP 404: IAM API reference) was deleted during the collection: there is no
 * report to read of it, a note and not a failure that makes the collection partial.
 */
function deletedDuringRun(error: unknown): string | null {
  return isNotFound(error) && operationOf(error) === "iam:GenerateServiceLastAccessedDetails"
    ? "the role was deleted during the collection (GetAccountAuthorizationDetails listed it): it has no Access Advisor report"
    : null;
}

export async function collectAccessAdvisor(
  run: Run,
  homeRegion: string,
  roles: RoleSummary[],
  concurrency: number,
  poll: PollSettings,
): Promise<void> {
  const lambdaRoles = roles.filter((r) => trustsLambda(r.trustPolicy)).sort((a, b) => (a.arn < b.arn ? -1 : 1));
  run.phase(`Access Advisor: ${lambdaRoles.length} role(s) Lambda can assume`);
  await pool(lambdaRoles, concurrency, (role) =>
    run.unit({ service: "iam", operation: "GetServiceLastAccessedDetails", region: "global", target: role.arn }, { failureNote: deletedDuringRun }, async () => {
      let attempts = 0;
      const started = await callAws(run.ctx, "iam:GenerateServiceLastAccessedDetails", homeRegion, {
        Arn: role.arn,
        Granularity: "ACTION_LEVEL",
      });
      attempts += started.attempts;
      const jobId = started.output.JobId;
      if (!jobId) throw new CollectError("GenerateServiceLastAccessedDetails returned no JobId");
      const deadline = Date.now() + poll.timeoutMs;
      let first: GetServiceLastAccessedDetailsCommandOutput;
      for (;;) {
        const r = await callAws(run.ctx, "iam:GetServiceLastAccessedDetails", homeRegion, { JobId: jobId, MaxItems: 1000 });
        attempts += r.attempts;
        first = r.output;
        if (first.JobStatus !== "IN_PROGRESS") break;
        if (Date.now() >= deadline) {
          throw Object.assign(new CollectError(`Access Advisor job ${jobId} still IN_PROGRESS after ${poll.timeoutMs} ms`), {
            name: "JobTimeout",
          });
        }
        await run.ctx.sleep(poll.intervalMs);
      }
      if (first.JobStatus === "FAILED") {
        throw Object.assign(new CollectError(`Access Advisor job ${jobId} failed: ${first.Error?.Code ?? ""} ${first.Error?.Message ?? ""}`.trim()), {
          name: first.Error?.Code ?? "JobFailed",
        });
      }
      const rest = await remainingPages(first, async (marker) => {
        const r = await callAws(run.ctx, "iam:GetServiceLastAccessedDetails", homeRegion, { JobId: jobId, MaxItems: 1000, Marker: marker });
        attempts += r.attempts;
        return r.output;
      });
      const services = rest.services;
      const file = run.writer.writeJson(relPath("iam", "access-advisor", `${role.name}.json`), {
        Arn: role.arn,
        Granularity: "ACTION_LEVEL",
        JobId: jobId,
        JobStatus: first.JobStatus,
        JobType: first.JobType,
        JobCreationDate: first.JobCreationDate,
        JobCompletionDate: first.JobCompletionDate,
        ServicesLastAccessed: services.sort((a, b) => ((a.ServiceNamespace ?? "") < (b.ServiceNamespace ?? "") ? -1 : 1)),
        // The services of the pages not reached are missing: the reader warns and treats the report
        // as truncated (access-advisor-truncated), claiming nothing of them.
        ...(rest.cut !== null ? { IsTruncated: true } : {}),
      });
      return { files: [file], count: services.length, attempts, ...(rest.cut !== null ? { degraded: rest.cut } : {}) };
    }),
  );
}

type Page = Pick<GetServiceLastAccessedDetailsCommandOutput, "ServicesLastAccessed" | "IsTruncated" | "Marker">;

/**
 * The services of a report from its first page and the pages after it, following `Marker` while
 * `IsTruncated` ("When IsTruncated is true, this element is present and contains the value to use
 * for the Marker parameter in a subsequent pagination request", IAM API Reference,
 * GetServiceLastAccessedDetails). A page that says more follow but gives no Marker (or the same
 * one again) ends the paging with the services missing: `cut` says so (null when every page was read).
 */
export async function remainingPages(first: Page, next: (marker: string) => Promise<Page>): Promise<{ services: NonNullable<Page["ServicesLastAccessed"]>; cut: string | null }> {
  const services = [...(first.ServicesLastAccessed ?? [])];
  const pages = new PageTokens("GetServiceLastAccessedDetails", "Marker", "services");
  let marker = pages.next(first.Marker, first.IsTruncated === true);
  while (marker !== undefined) {
    const page = await next(marker);
    services.push(...(page.ServicesLastAccessed ?? []));
    marker = pages.next(page.Marker, page.IsTruncated === true);
  }
  return { services, cut: pages.cut === null ? null : `${pages.cut}: the report holds the ${services.length} services of the pages read, the others are missing` };
}
