/**
 * What a CDK cloud assembly (`cdk synth`'s `cdk.out`) says about its templates that the templates
 * do not say themselves: the account and region each stack deploys to (`environment:
 * "aws://<account>/<region>"` of its `aws:cloudformation:stack` artifact in manifest.json) and the
 * stack's name (`properties.stackName`, else the artifact's id). A CDK template refers to its
 * account and region only as `AWS::AccountId` / `AWS::Region`, so without this every stack of an
 * app was read in an unknown account of its own: two stacks in different accounts were taken as
 * possibly one (a role of one read as able to read another's functions), and two stacks of the
 * same class in one account could not be told apart.
 *
 * A nested stack's template (`<id>.nested.template.json`) has no artifact: its parent's
 * `AWS::CloudFormation::Stack` resource names it, by `aws:asset:path` metadata when the CDK CLI
 * synthesised it, else through the parent's asset manifest (the object key its TemplateURL ends
 * with). It deploys to its parent's account and region, as a stack named `<parent>-<logical ID>-
 * <random suffix>`: its own resources are named after `<parent>-<logical ID>` (namePrefix), and
 * its `AWS::StackName` stays unknown.
 *
 * Environment-agnostic stacks (`aws://unknown-account/unknown-region`) get only their name.
 * Nested assemblies (a Stage's `assembly-<Stage>/`) have manifests of their own, found the same
 * way: next to the templates.
 */

import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { isRegionCode } from "../../iam/index.js";
import { isRecord } from "./lambda-shapes.js";
import { templateLinks, type CloudFormationReadOptions } from "./read-template.js";

/** What the assembly gives a template's reader; fields the manifest leaves unknown are absent. */
export type StackReadOptions = Pick<CloudFormationReadOptions, "accountId" | "region" | "stackName" | "namePrefix" | "parameters" | "imports" | "nestedStacksRead" | "constructPaths">;

/** A template of an assembly: its reader's options, and the top-level stack's template it deploys with. */
export interface StackTemplateContext {
  options: StackReadOptions;
  /**
   * The template of the stack artifact (itself, or the parent of a nested stack at any depth): an
   * environment-agnostic stack and its nested stacks share one unknown account, so they are keyed
   * by this file when several templates are read (syntheticAccountFor).
   */
  stackTemplate: string;
  /**
   * The caller's options (`--region`, `--parameter`) win over these: what a tool's configuration
   * says the user would override on its own command line (samconfig), not where a stack is
   * deployed (a CDK manifest, whose account and region win).
   */
  flagsWin?: true;
}

/**
 * A stack artifact's construct paths by logical ID, from its `aws:cdk:logicalId` metadata
 * (`"/Orders/Api/Resource": [{type: "aws:cdk:logicalId", data: "ApiF70053CD"}]`, in the manifest
 * or, since schema 53, in the artifact's `additionalMetadataFile`), which the CDK
 * writes whether or not the template carries `aws:cdk:path` metadata. The artifact's metadata
 * covers its nested stacks' resources too: a path under a nested stack's construct (the parent's
 * `<Id>.NestedStack/<Id>.NestedStackResource` resource is at `<path>.NestedStack/…`, its resources
 * under `<path>/`) goes to that nested stack's template, the rest to the stack's own.
 */
function logicalIdPaths(metadata: unknown): Array<[path: string, logicalId: string]> {
  const out: Array<[string, string]> = [];
  for (const [path, entries] of Object.entries(isRecord(metadata) ? metadata : {})) {
    // A key that is not a path is the CLI's note on a resource a change destroys (`"<logical ID>":
    // [{…, trace: ["!!DESTRUCTIVE_CHANGES: WILL_DESTROY"]}]`): no construct of the app.
    if (!path.startsWith("/")) continue;
    for (const e of Array.isArray(entries) ? entries : []) {
      if (isRecord(e) && e.type === "aws:cdk:logicalId" && typeof e.data === "string") out.push([path.slice(1), e.data]);
    }
  }
  return out;
}

/** The construct path a nested stack's resources are under, from its `AWS::CloudFormation::Stack` resource's path. */
function nestedStackPrefix(resourcePath: string | undefined): string | undefined {
  const m = resourcePath === undefined ? null : /^(.*)\.NestedStack\/[^/]+\.NestedStackResource$/.exec(resourcePath);
  return m ? `${m[1]}/` : undefined;
}

/** How deep nested stacks are followed: a bound for a manifest nobody wrote by hand (a template visited once either way). */
const MAX_NESTING = 8;

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined; // the file is read (and its error said) by the source readers
  }
}

/** `aws://123456789012/eu-west-1` → account and region, each only when known. */
function environmentOf(env: unknown): Pick<StackReadOptions, "accountId" | "region"> {
  const out: Pick<StackReadOptions, "accountId" | "region"> = {};
  const m = typeof env === "string" ? /^aws:\/\/([^/]*)\/(.*)$/.exec(env) : null;
  if (!m) return out;
  if (/^\d{12}$/.test(m[1] as string)) out.accountId = m[1] as string;
  if (isRegionCode(m[2] as string)) out.region = m[2] as string;
  return out;
}

/** A nested template's file name for each `AWS::CloudFormation::Stack` of a parent template, by logical ID. */
function nestedTemplates(dir: string, template: unknown, assetFiles: Map<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  if (!isRecord(template) || !isRecord(template.Resources)) return out;
  for (const [id, r] of Object.entries(template.Resources)) {
    if (!isRecord(r) || r.Type !== "AWS::CloudFormation::Stack") continue;
    const path = isRecord(r.Metadata) ? r.Metadata["aws:asset:path"] : undefined;
    if (typeof path === "string") {
      out.set(id, resolve(dir, path));
      continue;
    }
    // Synthesised without the CLI's asset metadata: the TemplateURL ends with the asset's object key.
    const url = isRecord(r.Properties) ? JSON.stringify(r.Properties.TemplateURL ?? "") : "";
    for (const [objectKey, file] of assetFiles) {
      if (url.includes(`/${objectKey}`)) {
        out.set(id, resolve(dir, file));
        break;
      }
    }
  }
  return out;
}

/** Object key → source file of the `file` assets (templates) in the folder's asset manifests. */
function templateAssets(dir: string, manifest: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  for (const artifact of Object.values(isRecord(manifest.artifacts) ? manifest.artifacts : {})) {
    if (!isRecord(artifact) || artifact.type !== "cdk:asset-manifest" || !isRecord(artifact.properties)) continue;
    const file = artifact.properties.file;
    const assets = typeof file === "string" ? readJson(join(dir, file)) : undefined;
    if (!isRecord(assets) || !isRecord(assets.files)) continue;
    for (const asset of Object.values(assets.files)) {
      if (!isRecord(asset) || !isRecord(asset.source) || typeof asset.source.path !== "string" || !asset.source.path.endsWith(".template.json")) continue;
      for (const d of Object.values(isRecord(asset.destinations) ? asset.destinations : {})) {
        if (isRecord(d) && typeof d.objectKey === "string") out.set(d.objectKey, asset.source.path);
      }
    }
  }
  return out;
}

/**
 * For the template files among `files`, what their cloud assembly says (files of no assembly are
 * absent), by resolved path. Reads only the manifest.json next to a `*.template.json` file, the
 * asset manifests it names, and the stack templates that have nested stacks.
 */
export function cdkAssemblyOptions(files: string[]): Map<string, StackTemplateContext> {
  const out = new Map<string, StackTemplateContext>();
  // A nested stack counts as read only when its template is among the inputs and there: one left
  // out of a copied cdk.out, or a parent template given alone, is said by its parent's reader.
  const inputs = new Set(files.map((f) => resolve(f)));
  const dirs = new Set(files.filter((f) => f.endsWith(".template.json")).map((f) => dirname(resolve(f))));
  for (const dir of [...dirs].sort()) {
    const manifestFile = join(dir, "manifest.json");
    if (!existsSync(manifestFile)) continue;
    const manifest = readJson(manifestFile);
    if (!isRecord(manifest) || !isRecord(manifest.artifacts)) continue;
    let assets: Map<string, string> | undefined;
    // This assembly's templates in the order they were found (a parent before its nested stacks).
    const found: string[] = [];
    const nestedOf = new Map<string, Array<[id: string, file: string]>>();
    // `paths`: the artifact's construct paths not yet given to a template above this one.
    const visit = (file: string, options: StackReadOptions, prefix: string, depth: number, stackTemplate: string, paths: Array<[string, string]>): void => {
      if (out.has(file)) return;
      out.set(file, { options, stackTemplate });
      found.push(file);
      if (depth >= MAX_NESTING) return;
      // Only templates with nested stacks need reading here; CDK names them <id>.nested.template.json.
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch {
        return; // missing or not a file: the source readers say what is wrong with what is there
      }
      // A template synthesised with path metadata (the CLI's default) says each resource's path
      // itself: the manifest's are for templates without (`--no-path-metadata`, integ snapshots).
      if (text.includes('"aws:cdk:path"')) paths = [];
      if (!text.includes("AWS::CloudFormation::Stack")) {
        setConstructPaths(options, paths);
        return;
      }
      assets ??= templateAssets(dir, manifest);
      let template: unknown;
      try {
        template = JSON.parse(text);
      } catch {
        return;
      }
      const pathOf = new Map(paths.map(([p, l]) => [l, p]));
      const nestedPaths = new Map<string, Array<[string, string]>>();
      for (const [id, r] of Object.entries(isRecord(template) && isRecord(template.Resources) ? template.Resources : {})) {
        if (!isRecord(r) || r.Type !== "AWS::CloudFormation::Stack") continue;
        const under = nestedStackPrefix(pathOf.get(id));
        if (under !== undefined) nestedPaths.set(id, paths.filter(([p]) => p.startsWith(under)));
      }
      const taken = new Set([...nestedPaths.values()].flat());
      setConstructPaths(options, paths.filter((e) => !taken.has(e)));
      for (const [id, nested] of nestedTemplates(dir, template, assets)) {
        if (inputs.has(nested) && existsSync(nested)) (options.nestedStacksRead ??= []).push(id);
        if (!nestedOf.has(file)) nestedOf.set(file, []);
        nestedOf.get(file)?.push([id, nested]);
        const child: StackReadOptions = { namePrefix: `${prefix}-${id}` };
        if (options.accountId !== undefined) child.accountId = options.accountId;
        if (options.region !== undefined) child.region = options.region;
        visit(nested, child, child.namePrefix as string, depth + 1, stackTemplate, nestedPaths.get(id) ?? []);
      }
    };
    for (const [id, artifact] of Object.entries(manifest.artifacts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (!isRecord(artifact) || artifact.type !== "aws:cloudformation:stack" || !isRecord(artifact.properties)) continue;
      const templateFile = artifact.properties.templateFile;
      if (typeof templateFile !== "string" || basename(templateFile) !== templateFile) continue;
      const stackName = typeof artifact.properties.stackName === "string" ? artifact.properties.stackName : id;
      const file = join(dir, templateFile);
      // Since cloud assembly schema 53 the CDK writes a stack's metadata to a file of its own
      // (`additionalMetadataFile`, `<stack>.metadata.json`) instead of the manifest.
      const extra = typeof artifact.additionalMetadataFile === "string" && basename(artifact.additionalMetadataFile) === artifact.additionalMetadataFile ? readJson(join(dir, artifact.additionalMetadataFile)) : undefined;
      visit(file, { ...environmentOf(artifact.environment), stackName }, stackName, 0, file, [...logicalIdPaths(artifact.metadata), ...logicalIdPaths(extra)]);
    }
    linkStacks(found, nestedOf, out);
  }
  return out;
}

/** Gives a template the construct paths of its logical IDs (a logical ID met twice keeps neither: which one is meant is not known). */
function setConstructPaths(options: StackReadOptions, paths: ReadonlyArray<[string, string]>): void {
  const byId = new Map<string, string | null>();
  for (const [path, id] of paths) byId.set(id, byId.has(id) && byId.get(id) !== path ? null : path);
  const known = [...byId].filter((e): e is [string, string] => e[1] !== null);
  if (known.length > 0) options.constructPaths = Object.fromEntries(known);
}

/**
 * The values the stacks of one assembly pass each other, which CDK writes as `Fn::ImportValue`
 * of another stack's export (a queue or role of one stack used in another) and as a nested
 * stack's parameters (`referenceto<Parent><Id>Arn`). Without them a function's event source was
 * `${ImportValue:…}` of no known kind (no permission required, LR010 silent, `generate` without
 * it) and a role from another stack was not found. Exports are by account and region, as
 * CloudFormation keeps them; an environment-agnostic stack's stay references.
 */
function linkStacks(found: readonly string[], nestedOf: ReadonlyMap<string, Array<[string, string]>>, out: Map<string, StackTemplateContext>): void {
  const envOf = (o: StackReadOptions) => `${o.accountId ?? "?"}/${o.region ?? "?"}`;
  const text = (file: string): string | undefined => {
    try {
      return readFileSync(file, "utf8");
    } catch {
      return undefined;
    }
  };
  // `needs`: what the template must say for it to be read at all (exports, nested stacks).
  const links = (file: string, options: StackReadOptions, needs: string) => {
    // An environment-agnostic stack's ARNs carry an account made up per stack when it is read
    // (syntheticAccountFor): its values would not match them. Left as references.
    if (options.accountId === undefined || options.region === undefined) return undefined;
    const t = text(file);
    if (t === undefined || !t.includes(needs)) return undefined;
    try {
      return templateLinks(t, file, options);
    } catch {
      return undefined; // not a template: its own reader says what is wrong
    }
  };
  const exports = new Map<string, Record<string, string>>();
  for (const file of found) {
    const ctx = out.get(file);
    const e = ctx ? links(file, ctx.options, '"Export"')?.exports : undefined;
    if (!ctx || !e || Object.keys(e).length === 0) continue;
    const env = envOf(ctx.options);
    exports.set(env, { ...exports.get(env), ...e });
  }
  for (const file of found) {
    const ctx = out.get(file);
    const e = ctx ? exports.get(envOf(ctx.options)) : undefined;
    if (ctx && e) ctx.options.imports = e;
  }
  // Parents before their nested stacks, so a parameter passed down two levels arrives.
  for (const file of found) {
    const children = nestedOf.get(file);
    const ctx = out.get(file);
    if (!children || !ctx) continue;
    const passed = links(file, ctx.options, "AWS::CloudFormation::Stack")?.nestedParameters ?? {};
    for (const [id, child] of children) {
      const c = out.get(child);
      const params = passed[id];
      if (c && params && Object.keys(params).length > 0) c.options.parameters = { ...params, ...c.options.parameters };
    }
  }
}
