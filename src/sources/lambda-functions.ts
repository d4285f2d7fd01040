/**
 * Reader for Lambda function configurations: `aws lambda list-functions` (`{Functions: […]}`, one
 * file per region, several pages possible, `--function-version ALL` adds published versions with
 * their own frozen role), `get-function` (`{Configuration, Code, Tags}`) and
 * `get-function-configuration` (a bare FunctionConfiguration), and `list-versions-by-function`
 * (`{Versions: […]}`: one function's `$LATEST` and published versions, each with the role it was
 * published with).
 *
 * Environment variables: only the NAMES are read. The values object is never copied, stored or
 * echoed in a message, because it routinely holds secrets.
 */

import type { LambdaFunction, VpcConfig } from "../model/document.js";
import { parseFunctionArn } from "./arns.js";
import {
  asObject,
  eachRecord,
  FileContext,
  isObject,
  joinPath,
  optArray,
  optObject,
  optString,
  optTimestamp,
  reqString,
  stringList,
  tagsFromMap,
  type JsonObject,
} from "./record-reader.js";
import { functionListPages, regionListPages, type FunctionListPage, type RegionListPage } from "./pagination.js";
import { emptyFragment, type FunctionVersionRecord, type ReaderInput, type SourceFragment } from "./types.js";

/** A FunctionConfiguration has a FunctionName and a FunctionArn, and at least a Role or a Runtime/Handler/Version. */
export function isFunctionConfiguration(v: unknown): v is JsonObject {
  return (
    isObject(v) &&
    typeof v["FunctionName"] === "string" &&
    typeof v["FunctionArn"] === "string" &&
    ("Role" in v || "Runtime" in v || "Version" in v || "Handler" in v || "PackageType" in v)
  );
}

export function isListFunctions(v: unknown): v is JsonObject {
  return isObject(v) && Array.isArray(v["Functions"]);
}

/**
 * `aws lambda list-versions-by-function`: `{Versions: [FunctionConfiguration …]}`. IAM's
 * list-policy-versions also answers `{Versions: […]}` (policy versions, no FunctionArn): only a
 * non-empty list of function configurations is this one (the list always holds `$LATEST`).
 */
export function isListVersionsByFunction(v: unknown): v is JsonObject {
  return isObject(v) && Array.isArray(v["Versions"]) && v["Versions"].length > 0 && v["Versions"].every(isFunctionConfiguration);
}

export function isGetFunction(v: unknown): v is JsonObject {
  return isObject(v) && isFunctionConfiguration(v["Configuration"]);
}

export function isLambdaFunctionsValue(v: unknown): boolean {
  return isListFunctions(v) || isListVersionsByFunction(v) || isGetFunction(v) || isFunctionConfiguration(v);
}

export function readLambdaFunctions(input: ReaderInput): SourceFragment {
  const ctx = new FileContext(input.file);
  const fragment = emptyFragment({ path: input.file, kind: "lambda-functions", sha256: input.sha256, records: 0 });
  const many = input.values.length > 1;
  const values: Array<{ value: unknown; path: string }> = [];
  input.values.forEach((v, i) => {
    const base = many ? `[${i}]` : "";
    // An array of pages or of configurations (a hand-merged dump) is accepted like concatenation.
    if (Array.isArray(v)) v.forEach((item, j) => values.push({ value: item, path: `${base}[${j}]` }));
    else values.push({ value: v, path: base });
  });

  const listPages: RegionListPage[] = [];
  const versionPages: FunctionListPage[] = [];
  for (const { value, path } of values) {
    try {
      if (isListFunctions(value)) {
        const records = eachRecord(value["Functions"] as unknown[], ctx, joinPath(path, "Functions"), (item, p) => readConfiguration(item, p, ctx, null));
        for (const r of records) add(fragment, r);
        listPages.push({ value, path, regions: new Set(records.map((r) => r.fn.region)) });
      } else if (isListVersionsByFunction(value)) {
        // One function's list: its pages are judged per function (a cut list hides published
        // versions, and with them roles still in use), never as a region's list of functions.
        const records = eachRecord(value["Versions"] as unknown[], ctx, joinPath(path, "Versions"), (item, p) => readConfiguration(item, p, ctx, null));
        for (const r of records) add(fragment, r);
        versionPages.push({ value, base: path, targets: records.map((r) => ({ functionArn: r.fn.arn, functionName: r.fn.name })) });
      } else if (isGetFunction(value)) {
        const tags = tagsFromMap(value["Tags"], ctx, joinPath(path, "Tags"));
        add(fragment, readConfiguration(value["Configuration"], joinPath(path, "Configuration"), ctx, tags));
      } else if (isFunctionConfiguration(value)) {
        add(fragment, readConfiguration(value, path, ctx, null));
      } else {
        ctx.fail(path, "expected a list-functions, list-versions-by-function, get-function or get-function-configuration output");
      }
    } catch (error) {
      ctx.report(error);
    }
  }

  // The last page of each region's list (get-function outputs or other regions' lists may follow
  // it): the API's NextMarker, or the AWS CLI's own NextToken (written instead when --max-items or
  // --no-paginate cut its output), says more functions follow.
  Object.assign(fragment, regionListPages(listPages));
  if (versionPages.length > 0) fragment.listPages = [...(fragment.listPages ?? []), ...functionListPages(versionPages, input.context, input.file)];
  const regions = new Set([...fragment.functions, ...fragment.functionVersions.map((v) => v.config)].map((f) => f.region));
  if (regions.size === 1) fragment.source.region = [...regions][0]!;
  else if (regions.size === 0 && input.context.region) fragment.source.region = input.context.region;
  const accounts = new Set([...fragment.functions, ...fragment.functionVersions.map((v) => v.config)].map((f) => f.accountId));
  if (accounts.size === 1) fragment.source.accountId = [...accounts][0]!;
  // Only list-functions output is a region's whole list (get-function is one function): what a
  // rule may conclude from a function's absence (LR016) depends on it. A hand-merged file of
  // several regions' lists covers each region it holds functions of.
  if (values.length > 0 && values.every((v) => isListFunctions(v.value))) {
    fragment.listedFunctionRegions = regions.size > 0 ? [...regions].sort() : fragment.source.region ? [fragment.source.region] : [];
  }
  fragment.source.records = fragment.functions.length + fragment.functionVersions.length;
  fragment.warnings = ctx.warnings;
  fragment.partial = ctx.partial;
  return fragment;
}

export type Read = { fn: LambdaFunction; version: string | null };

function add(fragment: SourceFragment, r: Read): void {
  if (r.version === null) fragment.functions.push(r.fn);
  else {
    const record: FunctionVersionRecord = { functionArn: r.fn.arn, version: r.version, roleArn: r.fn.roleArn, config: r.fn };
    fragment.functionVersions.push(record);
  }
}

export function readConfiguration(value: unknown, path: string, ctx: FileContext, tags: { [k: string]: string } | null): Read {
  const c = asObject(value, ctx, path);
  const arnText = reqString(c, "FunctionArn", ctx, path);
  const arn = parseFunctionArn(arnText) ?? ctx.fail(joinPath(path, "FunctionArn"), `not a Lambda function ARN: ${arnText}`);
  const name = reqString(c, "FunctionName", ctx, path);
  // FunctionName is the bare name in list output; some tools put the ARN there. The ARN decides.
  if (name !== arn.name && name !== arnText && name !== arn.unqualified) {
    ctx.warn("function-name-mismatch", "warning", joinPath(path, "FunctionName"), `FunctionName ${name} differs from the name in FunctionArn (${arn.name}); using the ARN`);
  }
  const versionField = optString(c, "Version", ctx, path);
  const qualifier = versionField ?? arn.qualifier;
  const version = qualifier === null || qualifier === "$LATEST" ? null : qualifier;
  const role = optString(c, "Role", ctx, path);
  if (role === null) ctx.fail(joinPath(path, "Role"), "Role is missing: the execution role is the only link to IAM");

  const env = optObject(c, "Environment", ctx, path);
  const variables = env ? optObject(env, "Variables", ctx, joinPath(path, "Environment")) : null;
  const environmentVariableNames = variables ? Object.keys(variables).sort() : [];

  const tracing = optObject(c, "TracingConfig", ctx, path);
  const tracingModeText = tracing ? optString(tracing, "Mode", ctx, joinPath(path, "TracingConfig")) : null;
  const logging = optObject(c, "LoggingConfig", ctx, path);
  const loggingPath = joinPath(path, "LoggingConfig");
  const logGroup = (logging ? optString(logging, "LogGroup", ctx, loggingPath) : null) ?? `/aws/lambda/${arn.name}`;
  const logFormatText = logging ? optString(logging, "LogFormat", ctx, loggingPath) : null;
  const dlq = optObject(c, "DeadLetterConfig", ctx, path);
  const packageTypeText = optString(c, "PackageType", ctx, path);

  const fn: LambdaFunction = {
    arn: arn.unqualified,
    name: arn.name,
    accountId: arn.accountId,
    region: arn.region,
    runtime: optString(c, "Runtime", ctx, path),
    packageType: packageTypeText === "Zip" || packageTypeText === "Image" ? packageTypeText : null,
    roleArn: role,
    versions: [],
    aliases: [],
    lastModified: optTimestamp(c, "LastModified", ctx, path),
    vpc: readVpc(c, ctx, path),
    tracingMode: tracingModeText === "Active" || tracingModeText === "PassThrough" ? tracingModeText : null,
    ...(optObject(c, "DurableConfig", ctx, path) ? { durable: true as const } : {}),
    environmentVariableNames,
    kmsKeyArn: optString(c, "KMSKeyArn", ctx, path),
    deadLetterTargetArn: dlq ? optString(dlq, "TargetArn", ctx, joinPath(path, "DeadLetterConfig")) : null,
    destinations: { onSuccess: null, onFailure: null },
    logGroup,
    logFormat: logFormatText === "JSON" || logFormatText === "Text" ? logFormatText : null,
    layers: readArns(c, "Layers", ctx, path),
    fileSystems: readArns(c, "FileSystemConfigs", ctx, path),
    triggers: [],
    resourcePolicy: null,
    functionUrls: [],
    tags: tags ?? {},
    source: { file: ctx.file, line: null, address: path },
  };
  if (tracingModeText !== null && fn.tracingMode === null) ctx.warn("unknown-value", "warning", joinPath(path, "TracingConfig.Mode"), `unknown tracing mode ${tracingModeText}`);
  return { fn, version };
}

/** Non-VPC functions often carry an empty VpcConfig (`VpcId: ""`): emptiness, not presence, decides. */
function readVpc(c: JsonObject, ctx: FileContext, path: string): VpcConfig | null {
  const v = optObject(c, "VpcConfig", ctx, path);
  if (!v) return null;
  const p = joinPath(path, "VpcConfig");
  const subnetIds = stringList(v, "SubnetIds", ctx, p).sort();
  const securityGroupIds = stringList(v, "SecurityGroupIds", ctx, p).sort();
  const vpcId = optString(v, "VpcId", ctx, p);
  if (subnetIds.length === 0 && securityGroupIds.length === 0 && vpcId === null) return null;
  return { vpcId, subnetIds, securityGroupIds };
}

function readArns(c: JsonObject, key: string, ctx: FileContext, path: string): string[] {
  const listPath = joinPath(path, key);
  return optArray(c, key, ctx, path)
    // Order kept as given: layer order is meaningful to Lambda, and it does not depend on file order.
    .map((item, i) => reqString(asObject(item, ctx, joinPath(listPath, i)), "Arn", ctx, joinPath(listPath, i)));
}
