/**
 * Suppressions written in a template beside the resource they accept findings on, as cdk-nag,
 * cfn-lint and checkov users already write theirs (cdk-nag's `Metadata: cdk_nag:
 * rules_to_suppress`, cfn-lint's `Metadata: cfn-lint: config: ignore_checks`, checkov's
 * `Metadata: checkov: skip`):
 *
 *   Metadata:
 *     leastrole:
 *       suppress:
 *         - rule: LR003
 *           reason: "lists every bucket of the account by design"
 *           expires: 2027-03-31
 *
 * A resource's `Metadata` attribute holds arbitrary structured data that CloudFormation keeps with
 * the resource and does not act on ("Metadata attribute", AWS CloudFormation User Guide,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-metadata.html), so
 * writing it there deploys nothing, unlike a `leastrole:suppress:` tag. The CDK writes
 * `CfnResource.addMetadata(key, value)` into that resource's Metadata in the synthesised template
 * ("class CfnResource", AWS CDK API Reference,
 * https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.CfnResource.html), as cdk-nag's
 * NagSuppressions.addResourceSuppressions writes its own on a construct's default child, so a CDK
 * app writes these with `(fn.node.defaultChild as CfnResource).addMetadata("leastrole", { suppress:
 * [...] })`; a construct's `node.addMetadata` goes to the cloud assembly's manifest instead.
 *
 * Only the `leastrole` key is read: cdk-nag's `cdk_nag` names cdk-nag's rules (`AwsSolutions-IAM5`),
 * not leastrole's, and applying them here would accept findings nobody accepted.
 *
 * The entries are carried as written (a missing reason as "") and validated by the evaluator with
 * the config file's suppressions (src/evaluate/suppressions.ts, validateSuppression), so both say
 * the same thing about the same mistake. Only the shape that cannot be read at all (`suppress` not
 * a list, an entry not a mapping) is said here, where its line is known.
 */

import type { DeclaredSuppression, SourceLocation } from "../../model/document.js";
import type { IacFragment, TemplateReader } from "./read-template.js";
import { childPath } from "./located.js";
import { isRecord } from "./lambda-shapes.js";

export const METADATA_KEY = "leastrole";

/** The suppressions written in the template's resources' Metadata, each with the ARNs it applies to. */
export function metadataSuppressions(reader: TemplateReader, fragment: IacFragment): DeclaredSuppression[] {
  const raw = isRecord(reader.template.Resources) ? reader.template.Resources : {};
  const out: DeclaredSuppression[] = [];
  for (const id of Object.keys(raw).sort()) {
    const resource = raw[id];
    if (!isRecord(resource) || !isRecord(resource.Metadata) || !Object.hasOwn(resource.Metadata, METADATA_KEY)) continue;
    const base = childPath(childPath(childPath("Resources", id), "Metadata"), METADATA_KEY);
    const own = resource.Metadata[METADATA_KEY];
    const list = isRecord(own) ? own.suppress : undefined;
    if (!Array.isArray(list)) {
      reader.warn("invalid-suppression", "warning", `${id}: Metadata.${METADATA_KEY} must be a mapping with a \`suppress\` list of {rule, reason, expires} entries; nothing in it is applied`, base);
      continue;
    }
    const sam = reader.resources[id];
    // A resource a condition leaves out is not created: neither are its findings.
    if (sam !== undefined && !reader.included(sam)) continue;
    const resources = targetsOf(reader, fragment, id);
    if (resources.length === 0) {
      reader.warn("suppression-not-applicable", "warning", `${id}: Metadata.${METADATA_KEY}.suppress is on a ${String(resource.Type)}, which no finding names (findings are on roles, functions, managed policies, users, groups and layer versions); write it on the resource the finding names`, base);
      continue;
    }
    list.forEach((entry, i) => {
      const path = childPath(childPath(base, "suppress"), i);
      if (!isRecord(entry)) {
        reader.warn("invalid-suppression", "warning", `${id}: Metadata.${METADATA_KEY}.suppress[${i}] must be a mapping {rule, reason, expires}; not applied`, path);
        return;
      }
      const source: SourceLocation = reader.location(path, id);
      // CloudFormation resolves intrinsic functions, parameters and pseudo parameters in Metadata
      // ("Metadata attribute", the page cited above), so an entry may be written with them: a
      // reason written `!Sub "kept for ${Env}"` was read as no reason at all, and the suppression
      // refused. Resolved as the template's other values are (parameters at their defaults or the
      // values given).
      const value = (v: unknown): string | undefined => text(v === undefined ? v : reader.resolver.resolve(v));
      out.push({
        rule: value(entry.rule) ?? "",
        reason: value(entry.reason) ?? "",
        expires: value(entry.expires) ?? null,
        resources,
        origin: `template:${reader.file}#${id}`,
        source,
      });
    });
  }
  return out;
}

/** A scalar as the text it was written as; undefined for nothing or a structure. */
function text(v: unknown): string | undefined {
  if (typeof v === "string") return v.trim();
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

/**
 * The ARNs of what a finding names when it is about the resource `id`: the role, function, managed
 * policy, user, group or layer version it is; what the SAM transform makes from it (a function's
 * `<Function>Role`, whose definition the user did not write, so cannot put Metadata on); and the
 * roles a policy resource (AWS::IAM::Policy, RolePolicy, ManagedPolicy) is put on, whose findings
 * are about that policy's statements.
 */
function targetsOf(reader: TemplateReader, fragment: IacFragment, id: string): string[] {
  const arns = new Set<string>();
  const madeFrom = (s: SourceLocation | null | undefined): boolean => s?.samMadeFrom === id;
  const add = (arn: string | undefined): void => {
    if (arn !== undefined) arns.add(arn);
  };
  add(reader.roles.get(id)?.arn);
  add(reader.functions.get(id)?.fn.arn);
  add(reader.policies.get(id)?.arn);
  add(reader.principals.get(id)?.arn);
  for (const l of fragment.layerVersions ?? []) if (l.source?.address === id && l.arn !== null) arns.add(l.arn);
  for (const r of fragment.roles) {
    if (madeFrom(r.source) || r.policyResources?.some((p) => p.source.address === id && p.source.file === reader.file)) add(r.arn);
  }
  for (const p of fragment.policies) if (madeFrom(p.source)) add(p.arn);
  return [...arns].sort();
}
