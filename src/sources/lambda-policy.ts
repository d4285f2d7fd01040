/**
 * Reader for `aws lambda get-policy`: `{Policy, RevisionId}` where Policy is the function's
 * resource-based policy serialised as a JSON string (the CLI documentation shows an object; both
 * are accepted). The function is the one named by the statements' Resource, or, when the path says
 * it (cloudmapper's `lambda-get-policy/<name>`), the one named by the path: sanitised exports keep
 * another account in the Resource, so the path wins when both exist.
 */

import { parsePolicyDocument } from "../iam/index.js";
import { asObject, FileContext, isObject, isResponseMetadataKey, joinPath } from "./record-reader.js";
import { fromPath, hasTarget, targetFrom, targetOfArn, type Target } from "./function-target.js";
import { emptyFragment, type PathContext, type ReaderInput, type SourceFragment } from "./types.js";
import { isBarePolicyDocument } from "./policy-document-file.js";

/**
 * `{Policy, RevisionId?}`. S3 get-bucket-policy, SQS, ECR and others return the same envelope, so
 * the policy itself must be about Lambda (a `lambda:` action or a function ARN), or the collector
 * path must say it came from Lambda.
 */
/**
 * The policy of Lambda's `{Policy, RevisionId?}` envelope (get-policy's and
 * get-layer-version-policy's alike; the SDKs add ResponseMetadata): its text or object, else null.
 */
export function policyOfEnvelope(v: unknown): string | Record<string, unknown> | null {
  if (!isObject(v) || !("Policy" in v) || !Object.keys(v).every((k) => k === "Policy" || k === "RevisionId" || isResponseMetadataKey(k))) return null;
  const policy = v["Policy"];
  return typeof policy === "string" || isObject(policy) ? policy : null;
}

export function isGetPolicy(v: unknown, context: PathContext | null = null): boolean {
  const policy = policyOfEnvelope(v);
  if (policy === null) return false;
  if (context?.service) return context.service === "lambda";
  const text = typeof policy === "string" ? policy : JSON.stringify(policy);
  // Cheap content test on the text (it may be URL-encoded or invalid: the reader reports that).
  return /lambda:|:lambda:|lambda%3A/i.test(text);
}

const FUNCTION_ARN = /^arn:[^:]+:lambda:[^:]+:\d{12}:function:/;

/**
 * The policy alone, as `aws lambda get-policy --query Policy --output text` prints it (or `jq
 * '.Policy | fromjson'`): a bare policy document whose every statement names a principal (a
 * resource-based policy; an identity policy has none) and a function ARN as its Resource. Without
 * this it was taken for an identity policy attached to nothing, and left out.
 */
export function isBareLambdaPolicy(v: unknown): boolean {
  return isBareResourcePolicyOf(v, (arn) => FUNCTION_ARN.test(arn));
}

/**
 * A bare resource-based policy document (a function's, a layer version's) whose every statement
 * names a principal and, as its Resource, only ARNs `isResourceArn` accepts.
 */
export function isBareResourcePolicyOf(v: unknown, isResourceArn: (arn: string) => boolean): boolean {
  if (!isBarePolicyDocument(v)) return false;
  const raw = (v as { Statement: unknown }).Statement;
  const statements = Array.isArray(raw) ? raw : [raw];
  return (
    statements.length > 0 &&
    statements.every((st) => {
      if (!isObject(st) || !("Principal" in st || "NotPrincipal" in st)) return false;
      const resources = Array.isArray(st["Resource"]) ? st["Resource"] : [st["Resource"]];
      return resources.length > 0 && resources.every((r) => typeof r === "string" && isResourceArn(r));
    })
  );
}

/**
 * The statement of `aws lambda add-permission` output, `{Statement}`: the one statement the call
 * added to the function's resource-based policy, as a JSON string (Lambda API Reference,
 * AddPermission, Response Elements: "Statement: The permission statement that's added to the
 * function policy", https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html). Saved
 * as people save every CLI output; before, it was taken for a policy document whose Statement was
 * no statement (an error on a valid AWS output), so the permission it grants was not seen. The
 * CLI documentation's example prints it as an object: that form is a bare function policy
 * already (isBareLambdaPolicy). Null unless the statement names a principal and a function.
 */
export function addPermissionStatement(v: unknown): Record<string, unknown> | null {
  if (!isObject(v) || typeof v["Statement"] !== "string" || !Object.keys(v).every((k) => k === "Statement" || isResponseMetadataKey(k))) return null;
  let statement: unknown;
  try {
    statement = JSON.parse(v["Statement"]);
  } catch {
    return null;
  }
  return isBareLambdaPolicy({ Statement: statement }) ? (statement as Record<string, unknown>) : null;
}

export function readLambdaPolicy(input: ReaderInput): SourceFragment {
  const ctx = new FileContext(input.file);
  const fragment = emptyFragment({ path: input.file, kind: "lambda-policy", sha256: input.sha256, records: 0 });
  if (input.values.length !== 1) ctx.fail("", "a get-policy output holds one policy; found several JSON documents");
  const o = asObject(input.values[0], ctx, "");
  // The get-policy output, its Policy alone (isBareLambdaPolicy), or add-permission's one
  // statement: paths are said from there.
  const added = addPermissionStatement(o);
  const bare = added === null && !("Policy" in o) && isBareLambdaPolicy(o);
  const base = added !== null || bare ? "" : "Policy";
  const document = parsePolicyDocument(added !== null ? { Statement: [added] } : bare ? o : o["Policy"], { file: input.file, path: base });
  if (added !== null) {
    // What it grants is read (a public URL permission must not go unseen), but it is one statement
    // of the policy: the others are only in get-policy's output.
    ctx.warn(
      "add-permission-output",
      "warning",
      "Statement",
      `lambda add-permission output: the one statement it added (Sid ${JSON.stringify(added["Sid"] ?? null)}), not the function's whole resource-based policy; it is read as part of that policy unless aws lambda get-policy output of the function is given too, which is then read instead: give it, for the policy's other statements`,
    );
  }
  let target: Target = fromPath(input.context);
  const resource = document.Statement.flatMap((s) => s.Resource ?? []).find((r) => r.includes(":function:"));
  let otherwise: Target | null = null;
  if (!hasTarget(target) || (target.functionArn === null && target.region === null)) {
    if (resource !== undefined) target = targetFrom(resource, input.context, ctx, joinPath(base, "Statement"));
  } else if (resource !== undefined) {
    // The path wins (sanitised exports keep another account in the Resource), unless it names no
    // function: a qualified policy saved as `get-policy/<name>-<alias>.json`.
    otherwise = targetOfArn(resource);
  }
  if (!hasTarget(target)) {
    ctx.warn("unattributable-record", "warning", base, "cannot tell which function this policy belongs to: no function ARN in its statements and none in the path");
  } else {
    // Each statement's file, for a report pointing at it (a function's statements and each alias's
    // are in different files, and merged into one policy).
    const resourcePolicyStatementSources = document.Statement.map((_, i) => ({ file: input.file, line: null, address: joinPath(joinPath(base, "Statement"), i) }));
    fragment.functionPatches.push({ ...target, patch: { resourcePolicy: document, resourcePolicyStatementSources, ...(added !== null ? { resourcePolicyPart: true } : {}) }, path: base, ...(otherwise !== null ? { otherwise } : {}) });
    fragment.source.records = 1;
  }
  if (target.region) fragment.source.region = target.region;
  fragment.warnings = ctx.warnings;
  fragment.partial = ctx.partial;
  return fragment;
}
