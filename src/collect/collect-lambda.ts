/**
 * Lambda inventory of one region: functions with all published versions, event source mappings,
 * and per function its resource policy, URL config, event invoke config and tags. Files are named
 * as `aws lambda <command>` would be run to produce them.
 */

import { readFileSync } from "node:fs";
import type { FunctionConfiguration } from "@aws-sdk/client-lambda";
import { callAws } from "./aws-call.js";
import { redactEnvironment } from "./redact.js";
import { pool, type Run } from "./run.js";
import { isNotFound, sortedBy, sortedRecord, withoutMetadata } from "./shape.js";
import { relPath } from "./writer.js";

export function listFunctionsFile(region: string): string {
  return relPath("lambda", region, "list-functions.json");
}

export async function collectLambda(run: Run, region: string, concurrency: number): Promise<void> {
  const { call, data } = await run.unit<FunctionConfiguration[]>(
    { service: "lambda", operation: "ListFunctions", region },
    async () => {
      const functions: FunctionConfiguration[] = [];
      let marker: string | undefined;
      let attempts = 0;
      do {
        const { output, attempts: a } = await callAws(run.ctx, "lambda:ListFunctions", region, {
          FunctionVersion: "ALL",
          Marker: marker,
          MaxItems: 50,
        });
        attempts += a;
        functions.push(...(output.Functions ?? []).map(redactEnvironment));
        marker = output.NextMarker;
      } while (marker);
      const sorted = sortedBy(functions, (f) => f.FunctionArn);
      const file = run.writer.writeJson(listFunctionsFile(region), { Functions: sorted });
      return { files: [file], count: sorted.length, attempts, data: sorted };
    },
  );

  await run.unit({ service: "lambda", operation: "ListEventSourceMappings", region }, async () => {
    const mappings: object[] = [];
    let marker: string | undefined;
    let attempts = 0;
    do {
      const { output, attempts: a } = await callAws(run.ctx, "lambda:ListEventSourceMappings", region, { Marker: marker, MaxItems: 100 });
      attempts += a;
      mappings.push(...(output.EventSourceMappings ?? []));
      marker = output.NextMarker;
    } while (marker);
    const sorted = sortedBy(mappings as { UUID?: string }[], (m) => m.UUID);
    const file = run.writer.writeJson(relPath("lambda", region, "list-event-source-mappings.json"), { EventSourceMappings: sorted });
    return { files: [file], count: sorted.length, attempts };
  });

  if (call.status !== "ok") return;
  const functions =
    data ?? ((JSON.parse(readFileSync(run.writer.abs(listFunctionsFile(region)), "utf8")) as { Functions?: FunctionConfiguration[] }).Functions ?? []);
  // Per-function calls target the unqualified function ($LATEST entry); versions share them.
  const latest = functions.filter((f) => f.Version === "$LATEST" && f.FunctionName && f.FunctionArn);
  await pool(latest, concurrency, (fn) => collectFunction(run, region, fn.FunctionName as string, fn.FunctionArn as string));
}

async function collectFunction(run: Run, region: string, name: string, arn: string): Promise<void> {
  const unqualified = arn.replace(/:\$LATEST$/, "");
  await run.unit({ service: "lambda", operation: "GetPolicy", region, target: name }, async () => {
    try {
      const { output, attempts } = await callAws(run.ctx, "lambda:GetPolicy", region, { FunctionName: name });
      const file = run.writer.writeJson(relPath("lambda", region, "get-policy", `${name}.json`), withoutMetadata(output));
      return { files: [file], count: 1, attempts };
    } catch (e) {
      if (isNotFound(e)) return { absent: true, count: 0 };
      throw e;
    }
  });
  await run.unit({ service: "lambda", operation: "GetFunctionUrlConfig", region, target: name }, async () => {
    try {
      const { output, attempts } = await callAws(run.ctx, "lambda:GetFunctionUrlConfig", region, { FunctionName: name });
      const file = run.writer.writeJson(relPath("lambda", region, "get-function-url-config", `${name}.json`), withoutMetadata(output));
      return { files: [file], count: 1, attempts };
    } catch (e) {
      if (isNotFound(e)) return { absent: true, count: 0 };
      throw e;
    }
  });
  await run.unit({ service: "lambda", operation: "GetFunctionEventInvokeConfig", region, target: name }, async () => {
    try {
      const { output, attempts } = await callAws(run.ctx, "lambda:GetFunctionEventInvokeConfig", region, { FunctionName: name });
      const file = run.writer.writeJson(
        relPath("lambda", region, "get-function-event-invoke-config", `${name}.json`),
        withoutMetadata(output),
      );
      return { files: [file], count: 1, attempts };
    } catch (e) {
      if (isNotFound(e)) return { absent: true, count: 0 };
      throw e;
    }
  });
  await run.unit({ service: "lambda", operation: "ListTags", region, target: name }, async () => {
    const { output, attempts } = await callAws(run.ctx, "lambda:ListTags", region, { Resource: unqualified });
    const tags = sortedRecord(output.Tags);
    const file = run.writer.writeJson(relPath("lambda", region, "list-tags", `${name}.json`), { Tags: tags });
    return { files: [file], count: Object.keys(tags).length, attempts };
  });
}
