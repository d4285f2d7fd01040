/**
 * Reader for `aws lambda get-function-url-config` (one config) and `list-function-url-configs`
 * (`{FunctionUrlConfigs: […]}`, one per qualifier of one function). `AuthType: NONE` is a public
 * endpoint.
 */

import type { FunctionUrl } from "../model/document.js";
import { asObject, eachRecord, FileContext, isObject, joinPath, optString, reqString } from "./record-reader.js";
import { keepAttributable, targetFrom } from "./function-target.js";
import { functionListPages, valuePages, type FunctionListPage } from "./pagination.js";
import { emptyFragment, type ReaderInput, type SourceFragment } from "./types.js";

export function isFunctionUrlConfig(v: unknown): boolean {
  return isObject(v) && typeof v["AuthType"] === "string" && (typeof v["FunctionUrl"] === "string" || typeof v["FunctionArn"] === "string");
}

export function isListFunctionUrlConfigs(v: unknown): boolean {
  return isObject(v) && Array.isArray(v["FunctionUrlConfigs"]);
}

export function readFunctionUrls(input: ReaderInput): SourceFragment {
  const ctx = new FileContext(input.file);
  const fragment = emptyFragment({ path: input.file, kind: "lambda-function-url", sha256: input.sha256, records: 0 });
  // Pages one after the other, or an array of pages (detect.ts accepts both), each read in turn.
  const pages = valuePages(input.values);
  // The list pages in file order, each with the function its records name: the last page of each
  // function's list says whether that list is whole.
  const listPages: FunctionListPage[] = [];
  for (const { value, base } of pages) {
    try {
      const list = isListFunctionUrlConfigs(value) ? ((value as { FunctionUrlConfigs: unknown[] }).FunctionUrlConfigs) : null;
      const read = (item: unknown, path: string) => {
        const c = asObject(item, ctx, path);
        const authTypeText = reqString(c, "AuthType", ctx, path);
        if (authTypeText !== "NONE" && authTypeText !== "AWS_IAM") ctx.fail(joinPath(path, "AuthType"), `AuthType must be NONE or AWS_IAM, found ${authTypeText}`);
        const authType = authTypeText as FunctionUrl["authType"];
        const target = targetFrom(optString(c, "FunctionArn", ctx, path), input.context, ctx, joinPath(path, "FunctionArn"));
        const url: FunctionUrl = { authType, url: optString(c, "FunctionUrl", ctx, path), qualifier: target.qualifier };
        return { ...target, patch: { functionUrl: url }, path };
      };
      const patches = list ? eachRecord(list, ctx, joinPath(base, "FunctionUrlConfigs"), read) : eachRecord([value], ctx, base, (item) => read(item, base));
      keepAttributable(fragment, patches, ctx, "URL config");
      if (list) listPages.push({ value, base, targets: patches });
    } catch (error) {
      ctx.report(error);
    }
  }
  if (listPages.length > 0) {
    // ListFunctionUrlConfigs answers at most 50 URLs a call (one per qualifier of the function)
    // with a NextMarker while more follow; the AWS CLI's --max-items leaves its own NextToken. A URL
    // left out may be the public one (AuthType NONE, LR012): the list is said to be cut.
    fragment.listPages = functionListPages(listPages, input.context, input.file);
  }
  fragment.source.records = fragment.functionPatches.length;
  fragment.warnings = ctx.warnings;
  fragment.partial = ctx.partial;
  return fragment;
}
