/**
 * Lambda inventory of one region: functions with all published versions, event source mappings,
 * Lambda Managed Instances capacity providers (for their operator roles), and per function its resource policy, URL config, event invoke config and tags. Files are named
 * as `aws lambda <command>` would be run to produce them.
 *
 * Aliases and published versions have their own resource policies and invoke configs, and an
 * alias its own function URL (a public alias URL is as public as one on $LATEST). So per function
 * collect also lists the aliases and reads, with the Qualifier, each alias's policy, URL config and
 * invoke config and each published version's policy and invoke config (versions cannot have a
 * URL). Their files are `<call>/<name>%3A<qualifier>.json`: the path reader decodes that to
 * `name:qualifier` (a colon is not allowed in Windows file names).
 */

import { readFileSync } from "node:fs";
import type { AliasConfiguration, FunctionConfiguration, LayersListItem, LayerVersionsListItem } from "@aws-sdk/client-lambda";
import { allPages } from "./all-pages.js";
import { callAws } from "./aws-call.js";
import { redactEnvironment } from "./redact.js";
import { isUnavailableOperation } from "./retry.js";
import type { ManifestCall } from "./manifest.js";
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
      const { items, attempts, cut, cutToken } = await allPages({ operation: "ListFunctions", token: "NextMarker" }, async (Marker) => {
        const { output, attempts } = await callAws(run.ctx, "lambda:ListFunctions", region, { FunctionVersion: "ALL", Marker, MaxItems: 50 });
        return { items: output.Functions, next: output.NextMarker, attempts };
      });
      const sorted = sortedBy(items.map(redactEnvironment), (f) => f.FunctionArn);
      const file = run.writer.writeJson(listFunctionsFile(region), { Functions: sorted, ...more(cutToken) });
      return { files: [file], count: sorted.length, attempts, data: sorted, ...degraded(cut) };
    },
  );

  await run.unit({ service: "lambda", operation: "ListEventSourceMappings", region }, async () => {
    const { items, attempts, cut, cutToken } = await allPages({ operation: "ListEventSourceMappings", token: "NextMarker" }, async (Marker) => {
      const { output, attempts } = await callAws(run.ctx, "lambda:ListEventSourceMappings", region, { Marker, MaxItems: 100 });
      return { items: output.EventSourceMappings, next: output.NextMarker, attempts };
    });
    const sorted = sortedBy(items, (m) => m.UUID);
    const file = run.writer.writeJson(relPath("lambda", region, "list-event-source-mappings.json"), { EventSourceMappings: sorted, ...more(cutToken) });
    return { files: [file], count: sorted.length, attempts, ...degraded(cut) };
  });

  // A capacity provider's operator role trusts Lambda and no function names it. Without the list
  // LR016 may call it a leftover. Where the API is not offered (a region without Lambda Managed
  // Instances, an emulator without it) there are none to list: the collection stays complete,
  // with a note. Any other failure (denied, throttled past retries) leaves
  // the region's capacity providers unknown: partial, and --resume asks again.
  await run.unit(
    { service: "lambda", operation: "ListCapacityProviders", region },
    {
      failureNote: (error) =>
        isUnavailableOperation(error) ? "capacity providers not listed: their operator roles may be reported as execution roles no function uses (LR016)" : null,
    },
    async () => {
      const { items, attempts, cut, cutToken } = await allPages({ operation: "ListCapacityProviders", token: "NextMarker" }, async (Marker) => {
        const { output, attempts } = await callAws(run.ctx, "lambda:ListCapacityProviders", region, { Marker, MaxItems: 50 });
        return { items: output.CapacityProviders, next: output.NextMarker, attempts };
      });
      const sorted = sortedBy(items, (p) => p.CapacityProviderArn);
      const file = run.writer.writeJson(relPath("lambda", region, "list-capacity-providers.json"), { CapacityProviders: sorted, ...more(cutToken) });
      return { files: [file], count: sorted.length, attempts, ...degraded(cut) };
    },
  );

  await collectLayers(run, region, concurrency);

  if (call.status !== "ok") return;
  const functions =
    data ?? ((JSON.parse(readFileSync(run.writer.abs(listFunctionsFile(region)), "utf8")) as { Functions?: FunctionConfiguration[] }).Functions ?? []);
  // Per-function calls target the unqualified function ($LATEST entry); versions share them.
  const latest = functions.filter((f) => f.Version === "$LATEST" && f.FunctionName && f.FunctionArn);
  // Functions deleted during the collection (deletedDuringRun): left out of list-functions.json below.
  const deleted = new Set<string>();
  await pool(latest, concurrency, async (fn) => {
    if (await collectFunction(run, region, fn.FunctionName as string, fn.FunctionArn as string)) deleted.add(fn.FunctionName as string);
  });
  // Qualified calls: per alias (from ListAliases) and per published version (from ListFunctions).
  const versions = new Map<string, string[]>();
  for (const f of functions) {
    if (f.FunctionName && f.Version && f.Version !== "$LATEST") versions.set(f.FunctionName, [...(versions.get(f.FunctionName) ?? []), f.Version]);
  }
  const qualified: Array<{ name: string; qualifier: string; alias: boolean }> = [];
  await pool(latest, concurrency, async (fn) => {
    const name = fn.FunctionName as string;
    const { aliases, gone } = await listAliases(run, region, name);
    if (gone) deleted.add(name);
    if (deleted.has(name)) return;
    for (const a of aliases) if (a.Name) qualified.push({ name, qualifier: a.Name, alias: true });
    for (const v of versions.get(name) ?? []) qualified.push({ name, qualifier: v, alias: false });
  });
  if (deleted.size > 0) leaveOutDeleted(run, region, deleted);
  qualified.sort((a, b) => (`${a.name}:${a.qualifier}` < `${b.name}:${b.qualifier}` ? -1 : 1));
  await pool(qualified, concurrency, (q) => collectQualified(run, region, q.name, q.qualifier, q.alias));
}

/**
 * The region's layers, every version of each, and each version's resource-based policy (LR022):
 * `list-layers.json`, `list-layer-versions/<layer>.json`, `get-layer-version-policy/<layer>/<version>.json`,
 * where the path reader finds the layer and version a policy output does not name itself. A
 * version without a policy answers ResourceNotFoundException: absent, not a failure. List items
 * are written without `Content` (a link to download the code, which no reader needs; AWS's
 * ListLayerVersions has none, moto's has).
 */
async function collectLayers(run: Run, region: string, concurrency: number): Promise<void> {
  const listFile = relPath("lambda", region, "list-layers.json");
  const { call, data } = await run.unit<LayersListItem[]>({ service: "lambda", operation: "ListLayers", region }, async () => {
    const { items, attempts, cut, cutToken } = await allPages({ operation: "ListLayers", token: "NextMarker" }, async (Marker) => {
      const { output, attempts } = await callAws(run.ctx, "lambda:ListLayers", region, { Marker, MaxItems: 50 });
      return { items: output.Layers, next: output.NextMarker, attempts };
    });
    const sorted = sortedBy(items, (l) => l.LayerArn).map((l) => (l.LatestMatchingVersion ? { ...l, LatestMatchingVersion: withoutContent(l.LatestMatchingVersion) } : l));
    const file = run.writer.writeJson(listFile, { Layers: sorted, ...more(cutToken) });
    return { files: [file], count: sorted.length, attempts, data: sorted, ...degraded(cut) };
  });
  if (call.status !== "ok") return;
  const layers = data ?? ((JSON.parse(readFileSync(run.writer.abs(listFile), "utf8")) as { Layers?: LayersListItem[] }).Layers ?? []);
  const versions: Array<{ name: string; version: number }> = [];
  await pool(
    layers.filter((l) => l.LayerName),
    concurrency,
    async (layer) => {
      const name = layer.LayerName as string;
      const file = relPath("lambda", region, "list-layer-versions", `${name}.json`);
      const listed = await run.unit<LayerVersionsListItem[]>({ service: "lambda", operation: "ListLayerVersions", region, target: name }, async () => {
        const { items, attempts, cut, cutToken } = await allPages({ operation: "ListLayerVersions", token: "NextMarker" }, async (Marker) => {
          const { output, attempts } = await callAws(run.ctx, "lambda:ListLayerVersions", region, { LayerName: name, Marker, MaxItems: 50 });
          return { items: output.LayerVersions, next: output.NextMarker, attempts };
        });
        const sorted = sortedBy(items.map(withoutContent), (v) => v.LayerVersionArn);
        return { files: [run.writer.writeJson(file, { LayerVersions: sorted, ...more(cutToken) })], count: sorted.length, attempts, data: sorted, ...degraded(cut) };
      });
      let items = listed.data;
      if (!items && listed.call.status === "ok") {
        // Resumed: the file is there.
        items = (JSON.parse(readFileSync(run.writer.abs(file), "utf8")) as { LayerVersions?: LayerVersionsListItem[] }).LayerVersions ?? [];
      }
      for (const v of items ?? []) if (typeof v.Version === "number") versions.push({ name, version: v.Version });
    },
  );
  versions.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version - b.version));
  await pool(versions, concurrency, async ({ name, version }) => {
    await run.unit({ service: "lambda", operation: "GetLayerVersionPolicy", region, target: `${name}:${version}` }, async () => {
      try {
        const { output, attempts } = await callAws(run.ctx, "lambda:GetLayerVersionPolicy", region, { LayerName: name, VersionNumber: version });
        const file = run.writer.writeJson(relPath("lambda", region, "get-layer-version-policy", name, `${version}.json`), withoutMetadata(output));
        return { files: [file], count: 1, attempts };
      } catch (e) {
        if (isNotFound(e)) return { absent: true, count: 0 };
        throw e;
      }
    });
  });
}

/**
 * A list cut by its paging (allPages: a NextMarker already followed): its file keeps that
 * NextMarker, which the readers take as pages missing (truncated-pagination), and its unit is
 * degraded, so the collection is partial.
 */
function more(cutToken: string | undefined): { NextMarker?: string } {
  return cutToken !== undefined ? { NextMarker: cutToken } : {};
}

function degraded(cut: string | null): { degraded?: string } {
  return cut !== null ? { degraded: cut } : {};
}

function withoutContent<T extends object>(v: T): T {
  const { Content: _content, ...rest } = v as T & { Content?: unknown };
  return rest as T;
}

/**
 * A function ListFunctions listed that a later per-function call no longer finds
 * (ResourceNotFoundException, HTTP 404: "Function not found"): it was deleted during the
 * collection. Nothing of it is left to read: a note, not a failure that makes the collection
 * partial. Its GetPolicy, GetFunctionUrlConfig and GetFunctionEventInvokeConfig answer the same
 * error and are recorded `absent`, as for a function that has none. It is left out of
 * list-functions.json (leaveOutDeleted), so audit judges no function that no longer exists.
 */
function deletedDuringRun(error: unknown): string | null {
  return isNotFound(error) ? "the function was deleted during the collection (ListFunctions listed it): it is left out of list-functions.json, and nothing more of it was read" : null;
}

/** The unit's entry says the function was deleted during the collection (its failureNote was deletedDuringRun). */
function gone(call: ManifestCall): boolean {
  return call.status === "failed" && call.reason !== null;
}

/**
 * list-functions.json written again without the functions (every version of each) deleted during
 * the collection: the file describes the account as it is, and audit reports nothing on a function
 * that no longer exists (the manifest's notes name it). Anything else the file holds (NextMarker
 * of a cut list) stays.
 */
function leaveOutDeleted(run: Run, region: string, deleted: Set<string>): void {
  const rel = listFunctionsFile(region);
  const listed = JSON.parse(readFileSync(run.writer.abs(rel), "utf8")) as { Functions?: FunctionConfiguration[] };
  run.writer.writeJson(rel, { ...listed, Functions: (listed.Functions ?? []).filter((f) => !(f.FunctionName && deleted.has(f.FunctionName))) });
}

/** `aws lambda list-aliases --function-name <name>`: `{Aliases: […]}`, all pages, sorted by name. */
async function listAliases(run: Run, region: string, name: string): Promise<{ aliases: AliasConfiguration[]; gone: boolean }> {
  const file = relPath("lambda", region, "list-aliases", `${name}.json`);
  const { call, data } = await run.unit<AliasConfiguration[]>({ service: "lambda", operation: "ListAliases", region, target: name }, { failureNote: deletedDuringRun }, async () => {
    const { items, attempts, cut, cutToken } = await allPages({ operation: "ListAliases", token: "NextMarker" }, async (Marker) => {
      const { output, attempts } = await callAws(run.ctx, "lambda:ListAliases", region, { FunctionName: name, Marker, MaxItems: 50 });
      return { items: output.Aliases, next: output.NextMarker, attempts };
    });
    const sorted = sortedBy(items, (x) => x.Name);
    if (sorted.length === 0 && cut === null) return { absent: true, count: 0, data: sorted };
    return { files: [run.writer.writeJson(file, { Aliases: sorted, ...more(cutToken) })], count: sorted.length, attempts, data: sorted, ...degraded(cut) };
  });
  if (data) return { aliases: data, gone: false };
  if (gone(call)) return { aliases: [], gone: true };
  // Resumed: the file is there (or there were none).
  try {
    return { aliases: (JSON.parse(readFileSync(run.writer.abs(file), "utf8")) as { Aliases?: AliasConfiguration[] }).Aliases ?? [], gone: false };
  } catch {
    return { aliases: [], gone: false };
  }
}

/** One qualified per-function call; "not found" (no policy, no URL, no config) is `absent`. */
async function qualifiedCall(
  run: Run,
  region: string,
  name: string,
  qualifier: string,
  key: "lambda:GetPolicy" | "lambda:GetFunctionUrlConfig" | "lambda:GetFunctionEventInvokeConfig",
  dir: string,
): Promise<void> {
  const operation = key.slice("lambda:".length);
  await run.unit({ service: "lambda", operation, region, target: `${name}:${qualifier}` }, async () => {
    try {
      const { output, attempts } = await callAws(run.ctx, key, region, { FunctionName: name, Qualifier: qualifier });
      const file = run.writer.writeJson(relPath("lambda", region, dir, `${name}:${qualifier}.json`), withoutMetadata(output));
      return { files: [file], count: 1, attempts };
    } catch (e) {
      if (isNotFound(e)) return { absent: true, count: 0 };
      throw e;
    }
  });
}

async function collectQualified(run: Run, region: string, name: string, qualifier: string, alias: boolean): Promise<void> {
  await qualifiedCall(run, region, name, qualifier, "lambda:GetPolicy", "get-policy");
  // Function URLs exist on $LATEST and aliases only; GetFunctionUrlConfig refuses a version number.
  if (alias) await qualifiedCall(run, region, name, qualifier, "lambda:GetFunctionUrlConfig", "get-function-url-config");
  await qualifiedCall(run, region, name, qualifier, "lambda:GetFunctionEventInvokeConfig", "get-function-event-invoke-config");
}

/** The function's unqualified calls; true when ListTags found it deleted during the collection. */
async function collectFunction(run: Run, region: string, name: string, arn: string): Promise<boolean> {
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
  const { call } = await run.unit({ service: "lambda", operation: "ListTags", region, target: name }, { failureNote: deletedDuringRun }, async () => {
    const { output, attempts } = await callAws(run.ctx, "lambda:ListTags", region, { Resource: unqualified });
    const tags = sortedRecord(output.Tags);
    const file = run.writer.writeJson(relPath("lambda", region, "list-tags", `${name}.json`), { Tags: tags });
    return { files: [file], count: Object.keys(tags).length, attempts };
  });
  return gone(call);
}
