/**
 * `Fn::ForEach` of the AWS::LanguageExtensions transform, expanded as CloudFormation does before
 * anything else reads the template (the SAM developer guide's own examples loop over functions):
 *
 *   Fn::ForEach::<LoopName>: [<Identifier>, <Collection>, { <OutputKey>: <OutputValue>, … }]
 *
 * Each item of the collection (a list, or `!Ref` to a CommaDelimitedList / List<…> parameter) gives
 * one copy of every output pair, with `${Identifier}` replaced by the item and `&{Identifier}` by the
 * item without its non-alphanumeric characters (for logical IDs), in keys and in string values, and
 * `{Ref: Identifier}` by the item. Loops nest. Expanded wherever a mapping holds one (Resources,
 * resource properties, Outputs), as the transform allows.
 */

import { own } from "../../collections.js";
import { InputError } from "../../errors.js";
import { childPath } from "./located.js";

const FOR_EACH = "Fn::ForEach::";

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export interface ForEachExpansion {
  template: Record<string, unknown>;
  /** Per expanded resource's logical ID, the template path of the pair it was copied from (for its lines). */
  origins: Map<string, string>;
}

/** Does the template use the transform (a string or one entry of a list)? */
export function usesLanguageExtensions(template: Record<string, unknown>): boolean {
  const t = template.Transform;
  return t === "AWS::LanguageExtensions" || (Array.isArray(t) && t.includes("AWS::LanguageExtensions"));
}

/**
 * The template with every Fn::ForEach expanded. `parameters`: the values parameterValues gives
 * (overrides, else defaults; lists already split).
 * @throws InputError naming the loop when its collection cannot be known before deployment.
 */
export function expandForEach(template: Record<string, unknown>, parameters: Record<string, unknown>, file: string, lineOf: (path: string) => number | null): ForEachExpansion {
  const origins = new Map<string, string>();
  const where = (path: string): string => {
    const line = lineOf(path);
    return line === null ? "" : ` at line ${line}`;
  };

  const collection = (raw: unknown, loopPath: string, bindings: Map<string, string>): string[] => {
    const v = substitute(raw, bindings);
    if (Array.isArray(v) && v.every((x) => typeof x === "string" || typeof x === "number")) return v.map(String);
    if (isRecord(v) && typeof v.Ref === "string" && Object.keys(v).length === 1) {
      const p = own(parameters, v.Ref);
      if (Array.isArray(p)) return p.map(String);
      if (typeof p === "string") return p.split(",").map((s) => s.trim());
      throw new InputError(`${loopPath}${where(loopPath)}: its collection is the parameter ${v.Ref}, which has no default; give it with --parameter ${v.Ref}=a,b`, { file, path: loopPath });
    }
    throw new InputError(`${loopPath}${where(loopPath)}: its collection must be a list or a Ref to a list parameter`, { file, path: loopPath });
  };

  /** A mapping with its loops expanded, recursively; `path` is where it is in the template. */
  const expandMap = (obj: Record<string, unknown>, path: string, bindings: Map<string, string>, depth: number, topLevel: boolean): Record<string, unknown> => {
    if (depth > 32) throw new InputError(`${path}: Fn::ForEach nested too deeply`, { file, path });
    const out: Record<string, unknown> = {};
    const put = (key: string, value: unknown, origin: string): void => {
      if (Object.hasOwn(out, key)) throw new InputError(`${path}: Fn::ForEach makes ${key} twice${where(origin)}`, { file, path: origin });
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      if (topLevel) origins.set(key, origin);
    };
    for (const [key, value] of Object.entries(obj)) {
      const keyPath = childPath(path, key);
      if (!key.startsWith(FOR_EACH)) {
        put(substituteText(key, bindings), walk(value, keyPath, bindings, depth + 1), keyPath);
        continue;
      }
      if (!Array.isArray(value) || value.length !== 3 || typeof value[0] !== "string" || !isRecord(value[2])) {
        throw new InputError(`${key}${where(keyPath)}: expected [Identifier, Collection, {OutputKey: OutputValue}]`, { file, path: keyPath });
      }
      const identifier = value[0];
      const fragmentPath = childPath(keyPath, 2);
      for (const item of collection(value[1], keyPath, bindings)) {
        const inner = new Map(bindings).set(identifier, item);
        // The fragment expanded with the identifier bound: its own loops and pairs, copied out.
        const copy = expandMap(value[2], fragmentPath, inner, depth + 1, false);
        for (const [k, v] of Object.entries(copy)) put(k, v, innerOrigin(value[2], fragmentPath, k, inner));
      }
    }
    return out;
  };

  /** Where a pair the fragment produced came from: its own key's path when it is one of the fragment's keys. */
  const innerOrigin = (fragment: Record<string, unknown>, fragmentPath: string, producedKey: string, bindings: Map<string, string>): string => {
    for (const k of Object.keys(fragment)) if (!k.startsWith(FOR_EACH) && substituteText(k, bindings) === producedKey) return childPath(fragmentPath, k);
    return fragmentPath;
  };

  const walk = (v: unknown, path: string, bindings: Map<string, string>, depth: number): unknown => {
    if (Array.isArray(v)) return v.map((x, i) => walk(x, childPath(path, i), bindings, depth + 1));
    if (!isRecord(v)) return typeof v === "string" ? substituteText(v, bindings) : v;
    if (typeof v.Ref === "string" && Object.keys(v).length === 1 && bindings.has(v.Ref)) return bindings.get(v.Ref);
    return expandMap(v, path, bindings, depth, false);
  };

  const out: Record<string, unknown> = {};
  for (const [section, value] of Object.entries(template)) {
    const v = isRecord(value) && (section === "Resources" || section === "Outputs" || section === "Conditions") ? expandMap(value, section, new Map(), 0, section === "Resources") : value;
    Object.defineProperty(out, section, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return { template: out, origins };
}

function substitute(v: unknown, bindings: Map<string, string>): unknown {
  if (Array.isArray(v)) return v.map((x) => substitute(x, bindings));
  if (typeof v === "string") return substituteText(v, bindings);
  if (isRecord(v) && typeof v.Ref === "string" && Object.keys(v).length === 1 && bindings.has(v.Ref)) return bindings.get(v.Ref);
  return v;
}

/** `${Identifier}` → the item, `&{Identifier}` → the item's letters and digits only. */
function substituteText(s: string, bindings: Map<string, string>): string {
  if (bindings.size === 0 || (!s.includes("${") && !s.includes("&{"))) return s;
  return s.replace(/([$&])\{([^}]*)\}/g, (all, sigil: string, name: string) => {
    const value = bindings.get(name);
    if (value === undefined) return all;
    return sigil === "$" ? value : value.replace(/[^A-Za-z0-9]/g, "");
  });
}
