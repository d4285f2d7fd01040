/**
 * IAM Access Advisor, ACTION_LEVEL, for each role Lambda can assume: GenerateServiceLastAccessedDetails
 * starts a report job (a read: see operations.ts), GetServiceLastAccessedDetails is polled until
 * the job completes and then read page by page. The API's answer does not name the role, so
 * the file adds `Arn` (the role's ARN) and `Granularity` beside the API's own fields.
 */

import type { GetServiceLastAccessedDetailsCommandOutput } from "@aws-sdk/client-iam";
import { callAws } from "./aws-call.js";
import type { RoleSummary } from "./collect-iam.js";
import { CollectError } from "./errors.js";
import { trustsLambda } from "./iam-documents.js";
import { pool, type Run } from "./run.js";
import { relPath } from "./writer.js";

export interface PollSettings {
  intervalMs: number;
  timeoutMs: number;
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
    run.unit({ service: "iam", operation: "GetServiceLastAccessedDetails", region: "global", target: role.arn }, async () => {
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
      const services = [...(first.ServicesLastAccessed ?? [])];
      let marker = first.IsTruncated ? first.Marker : undefined;
      while (marker) {
        const r = await callAws(run.ctx, "iam:GetServiceLastAccessedDetails", homeRegion, { JobId: jobId, MaxItems: 1000, Marker: marker });
        attempts += r.attempts;
        services.push(...(r.output.ServicesLastAccessed ?? []));
        marker = r.output.IsTruncated ? r.output.Marker : undefined;
      }
      const file = run.writer.writeJson(relPath("iam", "access-advisor", `${role.name}.json`), {
        Arn: role.arn,
        Granularity: "ACTION_LEVEL",
        JobId: jobId,
        JobStatus: first.JobStatus,
        JobType: first.JobType,
        JobCreationDate: first.JobCreationDate,
        JobCompletionDate: first.JobCompletionDate,
        ServicesLastAccessed: services.sort((a, b) => ((a.ServiceNamespace ?? "") < (b.ServiceNamespace ?? "") ? -1 : 1)),
      });
      return { files: [file], count: services.length, attempts };
    }),
  );
}
