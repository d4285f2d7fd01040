/**
 * Which function a per-function file is about. The file says it (FunctionArn, possibly qualified
 * with an alias or version), or, in the cloudmapper layout, only the path does
 * (`<region>/lambda-get-policy/<function name>`): reading the path is legitimate there because
 * the collector put the name nowhere else.
 */

import type { FunctionPatch, PathContext, SourceFragment } from "./types.js";
import { parseFunctionArn } from "./arns.js";
import type { FileContext } from "./record-reader.js";

export type Target = Pick<FunctionPatch, "functionArn" | "functionName" | "region" | "qualifier">;

/** The function a Lambda function ARN (qualified or not) names; null when it is none. */
export function targetOfArn(text: string): Target | null {
  const arn = parseFunctionArn(text);
  return arn ? { functionArn: arn.unqualified, functionName: arn.name, region: arn.region, qualifier: arn.qualifier } : null;
}

/** From a function ARN in the file (qualified or not) and/or the path context. */
export function targetFrom(arnText: string | null, context: PathContext, ctx: FileContext, path: string): Target {
  if (arnText !== null) {
    const target = targetOfArn(arnText);
    if (!target) ctx.fail(path, `not a Lambda function ARN: ${arnText}`);
    return target;
  }
  return fromPath(context);
}

export function fromPath(context: PathContext): Target {
  const param = context.parameter;
  if (param === null) return { functionArn: null, functionName: null, region: context.region, qualifier: null };
  const target = targetOfArn(param);
  if (target) return target;
  // `name` or `name:qualifier`
  const [name, qualifier] = param.split(":");
  return { functionArn: null, functionName: name ?? null, region: context.region, qualifier: qualifier ?? null };
}

export function hasTarget(t: Target): boolean {
  return t.functionArn !== null || t.functionName !== null;
}

/**
 * Keep the patches that name their function (by ARN, or by name from the path); warn about the
 * others, which cannot be joined to anything.
 */
export function keepAttributable(fragment: SourceFragment, patches: Array<FunctionPatch & { path: string }>, ctx: FileContext, what: string): void {
  for (const p of patches) {
    if (p.functionArn === null && p.functionName === null) ctx.warn("unattributable-record", "warning", p.path, `cannot tell which function this ${what} belongs to`);
    else fragment.functionPatches.push(p);
  }
}
