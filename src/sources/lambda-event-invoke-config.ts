/**
 * Reader for `aws lambda get-function-event-invoke-config` (one config) and
 * `list-function-event-invoke-configs` (`{FunctionEventInvokeConfigs: […]}`). The destinations of
 * asynchronous invocations are called with the execution role: each one needs a permission.
 * Empty destinations appear as `"OnSuccess": {}`.
 */

import { asObject, eachRecord, FileContext, isObject, joinPath, optObject, optString } from "./record-reader.js";
import { keepAttributable, targetFrom } from "./function-target.js";
import { functionListPages, valuePages, type FunctionListPage } from "./pagination.js";
import { emptyFragment, type ReaderInput, type SourceFragment } from "./types.js";

export function isEventInvokeConfig(v: unknown): boolean {
  return (
    isObject(v) &&
    typeof v["FunctionArn"] === "string" &&
    ("DestinationConfig" in v || "MaximumRetryAttempts" in v || "MaximumEventAgeInSeconds" in v) &&
    !("UUID" in v)
  );
}

export function isListEventInvokeConfigs(v: unknown): boolean {
  return isObject(v) && Array.isArray(v["FunctionEventInvokeConfigs"]);
}

export function readEventInvokeConfigs(input: ReaderInput): SourceFragment {
  const ctx = new FileContext(input.file);
  const fragment = emptyFragment({ path: input.file, kind: "lambda-event-invoke-config", sha256: input.sha256, records: 0 });
  // Pages one after the other, or an array of pages (detect.ts accepts both), each read in turn.
  const pages = valuePages(input.values);
  // The list pages in file order, each with the function its records name: the last page of each
  // function's list says whether that list is whole.
  const listPages: FunctionListPage[] = [];
  for (const { value, base } of pages) {
    const read = (item: unknown, path: string) => {
      const c = asObject(item, ctx, path);
      const target = targetFrom(optString(c, "FunctionArn", ctx, path), input.context, ctx, joinPath(path, "FunctionArn"));
      const dest = optObject(c, "DestinationConfig", ctx, path);
      const dp = joinPath(path, "DestinationConfig");
      const on = (key: string) => {
        const o = dest ? optObject(dest, key, ctx, dp) : null;
        return o ? optString(o, "Destination", ctx, joinPath(dp, key)) : null;
      };
      return { ...target, patch: { destinations: { onSuccess: on("OnSuccess"), onFailure: on("OnFailure") } }, path };
    };
    try {
      const list = isListEventInvokeConfigs(value);
      const patches = list
        ? eachRecord((value as { FunctionEventInvokeConfigs: unknown[] }).FunctionEventInvokeConfigs, ctx, joinPath(base, "FunctionEventInvokeConfigs"), read)
        : eachRecord([value], ctx, base, (item) => read(item, base));
      keepAttributable(fragment, patches, ctx, "config");
      if (list) listPages.push({ value, base, targets: patches });
    } catch (error) {
      ctx.report(error);
    }
  }
  if (listPages.length > 0) {
    // ListFunctionEventInvokeConfigs (one config per qualifier of the function) answers with a
    // NextMarker while more follow; the AWS CLI's --max-items leaves its own NextToken. A config
    // left out hides a destination the execution role must be allowed to send to: the list is
    // said to be cut.
    fragment.listPages = functionListPages(listPages, input.context, input.file);
  }
  fragment.source.records = fragment.functionPatches.length;
  fragment.warnings = ctx.warnings;
  fragment.partial = ctx.partial;
  return fragment;
}
