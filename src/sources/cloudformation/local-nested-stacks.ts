/**
 * Nested stacks whose template is a local file: `AWS::Serverless::Application` with `Location:
 * ./child/template.yaml`, `AWS::CloudFormation::Stack` with `TemplateURL: ./child.yaml`, as written
 * for `sam build`, `sam deploy` and `aws cloudformation package` (which upload the file and write
 * its S3 URL in its place), and as `sam build` leaves them in `.aws-sam/build/template.yaml`
 * (`TemplateURL: LambdaStack/template.yaml`, the built child beside it; `LambdaStack\template.yaml`
 * when built on Windows). A relative path is relative to the folder of the template that names it,
 * as those tools resolve it. Before, each was only said to be unread (`cloudformation-nested-stack`)
 * and the functions and roles of the child were missing from the audit.
 *
 * This finds them among the inputs (and in the children found, to any depth): which child each
 * nested-stack resource reads, and the child files that are not inputs themselves (read too). A
 * child is read once per nested-stack resource that names it, as CloudFormation deploys one stack
 * per resource: one generic template (a service, a function module) instantiated twice with other
 * `Parameters` is two stacks, with their own names, parameter values and outputs (an instance),
 * and so are the nested stacks of each (a tree, not a graph: a grandchild under two instances is
 * two instances). Before, a template two resources named was read once, as the first's, and the
 * second's functions and roles were missing. Given on the command line or met in a folder too, a
 * child is the nested stack(s) CloudFormation deploys, not a stack of its own. What each instance
 * is read with (its name, its parameters) is decided at reading time (local-nested-options.ts):
 * its parent's values depend on the parent's options.
 *
 * Each file is parsed here once, however many instances are made of it (nestedLocations is kept
 * per path): the finding costs one more read of each template, as before.
 */

import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { isRecord } from "./lambda-shapes.js";
import { decodeText, parseJsonLocated, parseYamlLocated } from "./located.js";

/** One instance of a local template: a nested-stack resource of one instance of its parent, read. */
export interface LocalNestedStack {
  /** The instance's key: its parent's key, then a NUL and the nested-stack resource's logical ID (the chain of logical IDs from the top template). */
  key: string;
  /** The parent instance's key (a top template's is its resolved path, instanceRoot). */
  parentKey: string;
  /** The parent template, as the caller named it (or as found from its own parent). */
  parent: string;
  /** The nested-stack resource's logical ID in the parent. */
  id: string;
  /** The child template: the parent's folder joined with the location (relative when the parent's path is). */
  file: string;
}

export interface LocalNesting {
  /** By instance key: each nested stack read, one per nested-stack resource of each instance of its parent, in the order found. */
  instances: Map<string, LocalNestedStack>;
  /**
   * By the parent instance's key (a top template's: instanceRoot): its nested stacks read (logical
   * ID and the child instance's key), why each other local one found is not, and, by logical ID,
   * the other nested stacks whose outputs its `Parameters` property uses (`LayerArn: !GetAtt
   * Layer.Outputs.LayerArn`).
   */
  parents: Map<string, { read: Array<[id: string, child: string]>; skipped: Record<string, string>; needs: Record<string, string[]> }>;
  /** The templates among the inputs, by instanceRoot (sorted), as the caller named them: the top of each tree. */
  roots: Map<string, string>;
}

/** The key of a template read as a stack of its own: the root of its tree of nested-stack instances. */
export function instanceRoot(file: string): string {
  return resolve(file);
}

/**
 * CloudFormation templates are at most 1 MB (a template in S3; 51,200 bytes inline), so a larger
 * file is no template that names a nested stack (an account export, a CloudTrail digest): not read here.
 */
const MAX_TEMPLATE_BYTES = 2 * 1024 * 1024;

/** How deep a chain of local nested stacks is followed (a cycle is cut wherever it is). */
export const MAX_LOCAL_NESTING = 8;

/**
 * A local template path, as `sam build` / `aws cloudformation package` take it: a string that is no
 * URL (`https://…`, `s3://…`). Undefined for anything else: an intrinsic, a SAR `ApplicationId`.
 */
export function localTemplateLocation(type: string, properties: unknown): string | undefined {
  const v = isRecord(properties) ? (type === "AWS::CloudFormation::Stack" ? properties.TemplateURL : type === "AWS::Serverless::Application" ? properties.Location : undefined) : undefined;
  if (typeof v !== "string" || v.trim() === "" || /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(v)) return undefined;
  return v;
}

/** The child's path: relative to the parent's folder; a Windows build's `\` is a separator. */
export function childPathOf(parent: string, location: string): string {
  const l = location.replace(/\\/g, "/");
  return l.startsWith("/") ? l : join(dirname(parent), l);
}

export function isFile(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The nested stacks whose outputs a value uses (`!GetAtt X.Outputs.Y`, `${X.Outputs.Y}`), by logical ID. */
function outputsUsed(v: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(v)) for (const x of v) outputsUsed(x, out);
  else if (isRecord(v)) {
    const at = v["Fn::GetAtt"];
    const parts = Array.isArray(at) ? at : typeof at === "string" ? at.split(".") : [];
    if (typeof parts[0] === "string" && typeof parts[1] === "string" && parts[1].startsWith("Outputs")) out.add(parts[0]);
    for (const x of Object.values(v)) outputsUsed(x, out);
  } else if (typeof v === "string") for (const m of v.matchAll(/\$\{([A-Za-z0-9]+)\.Outputs\./g)) out.add(m[1] as string);
  return out;
}

/** The local nested stacks a template names, by logical ID, sorted, with the nested stacks whose outputs each is passed; none when it is not a template. */
function nestedLocations(file: string): Array<[id: string, location: string, needs: string[]]> {
  let text: string;
  try {
    if (statSync(file).size > MAX_TEMPLATE_BYTES) return [];
    text = decodeText(readFileSync(file), file);
  } catch {
    return []; // the source readers say what is wrong with the file
  }
  if (!text.includes("AWS::CloudFormation::Stack") && !text.includes("AWS::Serverless::Application")) return [];
  let parsed: unknown;
  try {
    const trimmed = text.trimStart();
    parsed = (trimmed.startsWith("{") ? parseJsonLocated(text, file) : parseYamlLocated(text, file)).value;
  } catch {
    return [];
  }
  const resources = isRecord(parsed) && isRecord(parsed.Resources) ? parsed.Resources : {};
  const out: Array<[string, string, string[]]> = [];
  for (const [id, r] of Object.entries(resources)) {
    if (!isRecord(r) || typeof r.Type !== "string") continue;
    const location = localTemplateLocation(r.Type, r.Properties);
    const needs = [...outputsUsed(isRecord(r.Properties) ? r.Properties.Parameters : undefined)].filter((x) => x !== id).sort();
    if (location !== undefined) out.push([id, location, needs]);
  }
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The local nested stacks of the templates among `files`, followed to their own: a tree of
 * instances under each input (an input that is also another's nested stack has a tree of its
 * own too; which one is read is decided with the conditions, local-nested-options.ts).
 */
export function localNestedStacks(files: readonly string[]): LocalNesting {
  const nesting: LocalNesting = { instances: new Map(), parents: new Map(), roots: new Map() };
  // Parsed once per file, however many instances it has.
  const located = new Map<string, Array<[string, string, string[]]>>();
  const locationsOf = (file: string): Array<[string, string, string[]]> => {
    const path = resolve(file);
    let found = located.get(path);
    if (found === undefined) located.set(path, (found = nestedLocations(file)));
    return found;
  };
  const templates = [...new Map(files.filter((f) => /\.(ya?ml|json|template)$/i.test(f)).map((f) => [instanceRoot(f), f] as const))].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // The resolved paths of an instance's chain of parents (its own first), to cut cycles and bound depth.
  const chain = (key: string, path: string): string[] => {
    const out = [path];
    for (let i = nesting.instances.get(key); i !== undefined && out.length <= MAX_LOCAL_NESTING + 1; i = nesting.instances.get(i.parentKey)) out.push(resolve(i.parent));
    return out;
  };
  for (const [root, file] of templates) {
    nesting.roots.set(root, file);
    const queue: Array<[key: string, file: string]> = [[root, file]];
    while (queue.length > 0) {
      const [parentKey, parent] = queue.shift() as [string, string];
      const found = locationsOf(parent);
      if (found.length === 0) continue;
      const entry = { read: [] as Array<[string, string]>, skipped: {} as Record<string, string>, needs: {} as Record<string, string[]> };
      const above = chain(parentKey, resolve(parent));
      for (const [id, location, needs] of found) {
        if (needs.length > 0) entry.needs[id] = needs;
        const child = childPathOf(parent, location);
        const path = resolve(child);
        if (!isFile(path)) continue; // the parent's reader says it is not found
        if (above.includes(path)) {
          entry.skipped[id] = `its template ${location} is this template or one that nests it: a cycle, which CloudFormation cannot create`;
        } else if (above.length > MAX_LOCAL_NESTING) {
          entry.skipped[id] = `its template ${location} is nested more than ${MAX_LOCAL_NESTING} deep: not followed`;
        } else {
          const key = `${parentKey}\u0000${id}`;
          nesting.instances.set(key, { key, parentKey, parent, id, file: child });
          entry.read.push([id, key]);
          queue.push([key, child]);
        }
      }
      nesting.parents.set(parentKey, entry);
    }
  }
  return nesting;
}
