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
 * child is read once, as the nested stack of the first parent (by path, then logical ID) that names
 * it: given on the command line or met in a folder too, it is the nested stack CloudFormation
 * deploys, not a stack of its own. What the child is read with (its name, its parameters) is
 * decided at reading time (build-document.ts): its parent's values depend on the parent's options.
 */

import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { isRecord } from "./lambda-shapes.js";
import { decodeText, parseJsonLocated, parseYamlLocated } from "./located.js";

/** One nested-stack resource whose template is a local file that is read. */
export interface LocalNestedStack {
  /** The parent template, as the caller named it (or as found from its own parent). */
  parent: string;
  /** The nested-stack resource's logical ID in the parent. */
  id: string;
  /** The child template: the parent's folder joined with the location (relative when the parent's path is). */
  file: string;
}

export interface LocalNesting {
  /** By the child's resolved path: the resource that reads it. */
  children: Map<string, LocalNestedStack>;
  /**
   * By the parent's resolved path: its nested stacks read (logical ID and the child's resolved
   * path), why each other local one found is not, and, by logical ID, the other nested stacks
   * whose outputs its `Parameters` property uses (`LayerArn: !GetAtt Layer.Outputs.LayerArn`).
   */
  parents: Map<string, { read: Array<[id: string, child: string]>; skipped: Record<string, string>; needs: Record<string, string[]> }>;
  /** Child templates that are not among the inputs, in the order found (read as inputs found in a folder). */
  extra: string[];
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

/** The local nested stacks of the templates among `files`, followed to their own. */
export function localNestedStacks(files: readonly string[]): LocalNesting {
  const nesting: LocalNesting = { children: new Map(), parents: new Map(), extra: [] };
  const inputs = new Set(files.map((f) => resolve(f)));
  const seen = new Set<string>();
  const queue = [...files].filter((f) => /\.(ya?ml|json|template)$/i.test(f)).sort((a, b) => (resolve(a) < resolve(b) ? -1 : 1));
  // The chain of parents above a template (its own resolved path first), to cut cycles and bound depth.
  const chain = (path: string): string[] => {
    const out = [path];
    for (let p = nesting.children.get(path); p !== undefined && out.length <= MAX_LOCAL_NESTING + 1; p = nesting.children.get(resolve(p.parent))) out.push(resolve(p.parent));
    return out;
  };
  while (queue.length > 0) {
    const parent = queue.shift() as string;
    const parentPath = resolve(parent);
    if (seen.has(parentPath)) continue;
    seen.add(parentPath);
    const found = nestedLocations(parent);
    if (found.length === 0) continue;
    const entry = { read: [] as Array<[string, string]>, skipped: {} as Record<string, string>, needs: {} as Record<string, string[]> };
    for (const [id, location, needs] of found) {
      if (needs.length > 0) entry.needs[id] = needs;
      const file = childPathOf(parent, location);
      const path = resolve(file);
      if (!isFile(path)) continue; // the parent's reader says it is not found
      const above = chain(parentPath);
      const owner = nesting.children.get(path);
      if (above.includes(path)) {
        entry.skipped[id] = `its template ${location} is this template or one that nests it: a cycle, which CloudFormation cannot create`;
      } else if (above.length > MAX_LOCAL_NESTING) {
        entry.skipped[id] = `its template ${location} is nested more than ${MAX_LOCAL_NESTING} deep: not followed`;
      } else if (owner !== undefined) {
        entry.skipped[id] = `its template ${location} is read once, as nested stack ${owner.id} of ${owner.parent}: the functions and roles this second stack makes of it are not in this audit`;
      } else {
        nesting.children.set(path, { parent, id, file });
        entry.read.push([id, path]);
        if (!inputs.has(path)) nesting.extra.push(file);
        queue.push(file);
      }
    }
    nesting.parents.set(parentPath, entry);
  }
  return nesting;
}
