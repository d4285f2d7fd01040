/**
 * Reader for `aws lambda list-aliases --function-name <f>` (`{Aliases: [AliasConfiguration…]}`,
 * what `leastrole collect` saves as lambda/<region>/list-aliases/<name>.json) and `get-alias` (one
 * AliasConfiguration). Each alias is a qualifier of its function, and routes its calls to the
 * version it points to (FunctionVersion) and, when weighted, to a second one
 * (RoutingConfig.AdditionalVersionWeights: `{"<version>": <share, 0 to 1>}`). A version keeps the
 * execution role it was published with, so which versions an alias routes to says which roles it
 * keeps in use. Before, the output was skipped as "not used": no alias was added to its function,
 * and where an alias's own invoke config sends its failures was judged without knowing its role.
 */

import type { AliasRoute } from "../model/document.js";
import { asObject, eachRecord, FileContext, isObject, joinPath, optObject, optString, reqString, sortedObject } from "./record-reader.js";
import { keepAttributable, targetFrom } from "./function-target.js";
import { functionListPages, valuePages, type FunctionListPage } from "./pagination.js";
import { emptyFragment, type ReaderInput, type SourceFragment } from "./types.js";

/** One AliasConfiguration (get-alias, or an element of list-aliases' Aliases). */
export function isAliasConfiguration(v: unknown): boolean {
  return isObject(v) && typeof v["AliasArn"] === "string" && typeof v["Name"] === "string" && typeof v["FunctionVersion"] === "string";
}

export function isListAliases(v: unknown): boolean {
  return isObject(v) && Array.isArray(v["Aliases"]) && (v["Aliases"] as unknown[]).every(isAliasConfiguration);
}

export function readLambdaAliases(input: ReaderInput): SourceFragment {
  const ctx = new FileContext(input.file);
  const fragment = emptyFragment({ path: input.file, kind: "lambda-aliases", sha256: input.sha256, records: 0 });
  const listPages: FunctionListPage[] = [];
  for (const { value, base } of valuePages(input.values)) {
    const read = (item: unknown, path: string) => {
      const a = asObject(item, ctx, path);
      // The AliasArn is the function's ARN qualified with the alias's name.
      const target = targetFrom(reqString(a, "AliasArn", ctx, path), input.context, ctx, joinPath(path, "AliasArn"));
      const name = reqString(a, "Name", ctx, path);
      const route: AliasRoute = { name, functionVersion: reqString(a, "FunctionVersion", ctx, path) };
      const routing = optObject(a, "RoutingConfig", ctx, path);
      const weights = routing ? optObject(routing, "AdditionalVersionWeights", ctx, joinPath(path, "RoutingConfig")) : null;
      if (weights) {
        const wp = joinPath(joinPath(path, "RoutingConfig"), "AdditionalVersionWeights");
        const entries: Array<[string, number]> = [];
        for (const [version, weight] of Object.entries(weights)) {
          if (typeof weight !== "number" || !(weight >= 0 && weight <= 1)) ctx.fail(joinPath(wp, version), `a version's weight is a number from 0 to 1, found ${JSON.stringify(weight)}`);
          entries.push([version, weight as number]);
        }
        if (entries.length > 0) route.additionalVersionWeights = sortedObject(entries);
      }
      // Description and RevisionId say nothing about permissions.
      void optString(a, "Description", ctx, path);
      return { ...target, qualifier: name, patch: { aliasRoute: route }, path };
    };
    try {
      const list = isListAliases(value);
      const patches = list ? eachRecord((value as { Aliases: unknown[] }).Aliases, ctx, joinPath(base, "Aliases"), read) : eachRecord([value], ctx, base, (item) => read(item, base));
      keepAttributable(fragment, patches, ctx, "alias");
      if (list) listPages.push({ value, base, targets: patches });
    } catch (error) {
      ctx.report(error);
    }
  }
  // ListAliases answers with a NextMarker while more follow (the CLI's NextToken after
  // --max-items): an alias left out is a qualifier whose routing is not known.
  if (listPages.length > 0) fragment.listPages = functionListPages(listPages, input.context, input.file);
  fragment.source.records = fragment.functionPatches.length;
  fragment.warnings = ctx.warnings;
  fragment.partial = ctx.partial;
  return fragment;
}
