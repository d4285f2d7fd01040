/**
 * Reader for `aws lambda list-tags --resource <function ARN>`: `{Tags: {key: value}}`. The output
 * does not say which function it is about, so the target comes from the path (a collector names
 * the file after the function ARN or name); without one the file is reported as unattributable.
 */

import { asObject, FileContext, isObject, isResponseMetadataKey, tagsFromMap } from "./record-reader.js";
import { fromPath, hasTarget } from "./function-target.js";
import { emptyFragment, type ReaderInput, type SourceFragment } from "./types.js";

export function isListTags(v: unknown): boolean {
  return isObject(v) && isObject(v["Tags"]) && Object.keys(v).every((k) => k === "Tags" || isResponseMetadataKey(k));
}

export function readLambdaTags(input: ReaderInput): SourceFragment {
  const ctx = new FileContext(input.file);
  const fragment = emptyFragment({ path: input.file, kind: "lambda-tags", sha256: input.sha256, records: 0 });
  if (input.values.length !== 1) ctx.fail("", "a list-tags output holds one tag map; found several JSON documents");
  const tags = tagsFromMap(asObject(input.values[0], ctx, "")["Tags"], ctx, "Tags");
  const target = fromPath(input.context);
  if (!hasTarget(target)) {
    ctx.warn("unattributable-record", "warning", "Tags", "a list-tags output does not name its function; name the file after the function ARN (as collectors do) to use it");
  } else {
    fragment.functionPatches.push({ ...target, patch: { tags }, path: "Tags" });
    fragment.source.records = 1;
  }
  fragment.warnings = ctx.warnings;
  fragment.partial = ctx.partial;
  return fragment;
}
