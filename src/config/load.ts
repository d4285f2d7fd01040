/**
 * Reading and validating the configuration file. YAML or JSON; validated against
 * schemas/config.schema.json (generated from src/model/config.ts) so that every mistake comes back
 * as one line naming the file, the place in it and what to do.
 */

import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { createRequire } from "node:module";
import { yaml } from "../yaml.js";
import { ConfigError } from "../errors.js";
import { packageRoot } from "../evaluate/locate.js";
import type { LeastroleConfig } from "../model/config.js";
import { isCalendarDate, type SuppressionRule } from "../evaluate/suppressions.js";
import { closestNames, didYouMean } from "../printable.js";
import { configDisplayPath } from "./display.js";
import { WINDOW_DAYS, windowDaysProblem } from "./window-days.js";
import { repositoryRoot } from "../repository.js";

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
  /** The schema holding the failed keyword (ajv's `verbose`): its `properties` are the keys allowed there. */
  parentSchema?: { properties?: Record<string, unknown> };
}
type Validator = ((value: unknown) => boolean) & { errors?: AjvError[] | null };

export const CONFIG_FILE_NAMES = [".leastrole.yaml", ".leastrole.yml", ".leastrole.json"];

// The window's bounds are in window-days.ts, which labelUsage (usage/) reads without the config loader.
export { WINDOW_DAYS, windowDaysProblem };

let validator: Validator | undefined;

function getValidator(): Validator {
  if (validator) return validator;
  // ajv is CommonJS; createRequire keeps this module loadable from both our ESM and CJS builds.
  const require = createRequire(import.meta.url);
  const AjvModule = require("ajv") as { default: new (opts: object) => { compile(schema: unknown): Validator } };
  const schema = JSON.parse(readFileSync(join(packageRoot(), "schemas", "config.schema.json"), "utf8")) as unknown;
  // verbose: an unknown key's error then carries the keys allowed beside it, for "did you mean".
  const ajv = new AjvModule.default({ allErrors: true, strict: false, verbose: true });
  validator = ajv.compile(schema);
  return validator;
}

/** `/suppressions/0/reason` → `suppressions[0].reason` */
function jsonPath(instancePath: string): string {
  if (!instancePath) return "(top level)";
  return instancePath
    .split("/")
    .slice(1)
    .map((seg) => seg.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), "");
}

/** The value at an ajv instancePath (`/usage/windowDays`) in the validated object. */
function valueAt(value: unknown, instancePath: string): unknown {
  let v = value;
  for (const seg of instancePath.split("/").slice(1)) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[seg.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return v;
}

function describe(e: AjvError, value: unknown): string {
  if (e.instancePath === "/usage/windowDays") {
    const days = valueAt(value, e.instancePath);
    return windowDaysProblem(typeof days === "number" ? days : Number.NaN, JSON.stringify(days)) ?? e.message ?? e.keyword;
  }
  if (e.keyword === "additionalProperties") {
    const key = String(e.params.additionalProperty);
    return `unknown key ${JSON.stringify(key)}${didYouMean(closestNames(key, Object.keys(e.parentSchema?.properties ?? {})))}`;
  }
  if (e.keyword === "required") return `"${String(e.params.missingProperty)}" is required`;
  if (e.keyword === "enum") return `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
  if (e.keyword === "minLength" && e.params.limit === 1) return "must not be empty";
  if (e.keyword === "pattern" && String(e.params.pattern).includes("\\d{4}")) return "must be a date YYYY-MM-DD";
  return e.message ?? e.keyword;
}

/** Validate a parsed configuration object. Throws ConfigError with every problem, one per line. */
export function validateConfig(value: unknown, file = "(config)"): LeastroleConfig {
  const validate = getValidator();
  if (!validate(value)) {
    const problems = (validate.errors ?? [])
      // a failed `anyOf`/`if` repeats its branches' errors: keep the specific ones
      .filter((e) => e.keyword !== "if" && e.keyword !== "anyOf")
      .map((e) => `${jsonPath(e.instancePath)}: ${describe(e, value)}`);
    const unique = [...new Set(problems)];
    throw new ConfigError(unique.join("\n  "), { file });
  }
  // The schema's pattern takes 2027-02-30; a suppression would then expire on a day that does not
  // exist (or, parsed by Date, on March 2nd).
  const config = value as LeastroleConfig;
  const badDates = (config.suppressions ?? []).flatMap((s, i) =>
    s.expires !== undefined && !isCalendarDate(s.expires) ? [`suppressions[${i}].expires: ${s.expires} is not a day of the calendar (YYYY-MM-DD)`] : [],
  );
  if (badDates.length > 0) throw new ConfigError(badDates.join("\n  "), { file });
  // The evaluator sets data.leastrole.config.scope from the top-level `scope` over this one, so
  // it would be ignored without a word.
  if (config.rules?.options && Object.hasOwn(config.rules.options, "scope")) {
    throw new ConfigError("rules.options.scope: scope is set at the top level of the file (scope: execution-roles or scope: account), not under rules.options", { file });
  }
  return config;
}

/**
 * Read `.leastrole.yaml`/`.yml`/`.json`. Its relative `rules.packs` come back resolved against the
 * file's folder, as the file means them: the config object is what an SDK user hands to `audit`,
 * which no longer knows where it was read from, and a relative path left as written would be
 * resolved against the current directory and could load another pack of the same name.
 */
export function loadConfig(file: string): LeastroleConfig {
  // Errors name the file as it was given: `-c /abs/path` as that absolute path, `-c ../x.yaml` as
  // `../x.yaml`. Made relative to the current folder, `-c /etc/leastrole/ci.yaml` was named
  // `../../etc/leastrole/ci.yaml`, a path the user never wrote. The CLI gives a config it finds
  // (in the current folder or one above) relative to the current folder (loadConfigFor), so that
  // one is named as its warnings name it, never by a machine's absolute path.
  const shown = file;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(code === "ENOENT" ? "config file not found" : `cannot read the config file (${code})`, { file: shown });
  }
  let value: unknown;
  if (file.endsWith(".json")) {
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new ConfigError(`not valid JSON: ${(e as Error).message}`, { file: shown });
    }
  } else {
    const doc = yaml().parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length > 0) {
      const err = doc.errors[0]!;
      const pos = err.linePos?.[0];
      // prettyErrors ends the message's first line with " at line L, column C:" before a code frame:
      // said once, in front, without the dangling colon.
      const reason = err.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
      throw new ConfigError(`not valid YAML${pos ? ` at line ${pos.line}, column ${pos.col}` : ""}: ${reason}`, { file: shown });
    }
    value = doc.toJS() ?? {};
  }
  return withPacksResolved(validateConfig(value, shown), file);
}

/** The config with its rule-pack paths absolute (packsOf against the file), the rest as read. */
function withPacksResolved(config: LeastroleConfig, file: string): LeastroleConfig {
  if (!config.rules?.packs) return config;
  return { ...config, rules: { ...config.rules, packs: packsOf(config, file) } };
}

/**
 * The config file in `dir` itself when there is one (the first of CONFIG_FILE_NAMES), else
 * undefined. This folder only: the CLI looks further up, to the repository's root
 * (findNearestConfig).
 */
export function findConfig(dir: string): string | undefined {
  return findConfigs(dir)[0];
}

/**
 * The config file that applies in `from` as the CLI finds it: the first of CONFIG_FILE_NAMES in
 * the nearest folder holding one, from `from` upwards, up to the root of the git repository
 * holding `from` (the folder with a `.git` folder or file), or up to the filesystem's root outside
 * a repository. Undefined when there is none. One config kept at the repository's root then
 * applies in every subfolder (`leastrole audit plan.json` run from `infra/prod/`), as eslint's or
 * prettier's does; looking only in the current folder dropped its suppressions and exceptions
 * without a word. Never above the repository's root: a stray `~/.leastrole.yaml` would apply to
 * every checkout under the home folder.
 */
export function findNearestConfig(from: string = process.cwd()): string | undefined {
  return findNearestConfigs(from)[0];
}

/** The config files of the folder findNearestConfig takes, in CONFIG_FILE_NAMES order; [] when none. */
export function findNearestConfigs(from: string): string[] {
  const stop = repositoryRoot(from);
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const found = findConfigs(dir);
    if (found.length > 0 || dir === stop || dirname(dir) === dir) return found;
  }
}

/** Every config file of the folder, in CONFIG_FILE_NAMES order (the first is the one read). */
export function findConfigs(dir: string): string[] {
  return CONFIG_FILE_NAMES.map((name) => join(dir, name)).filter((p) => existsSync(p));
}

/** Suppressions of a config as the evaluator takes them, with their origin. */
export function suppressionsOf(config: LeastroleConfig, file?: string): SuppressionRule[] {
  // Relative to the current folder: the origin is in every report of a suppressed finding and in
  // the warnings about the suppression, which must read the same on every machine.
  return (config.suppressions ?? []).map((s) => ({ ...s, expires: s.expires ?? null, origin: file ? `config:${configDisplayPath(file)}` : "config" }));
}

/**
 * Rule pack paths of a config, resolved against the config file's folder (the current directory
 * when no file is given). A config from loadConfig has them absolute already, so they pass as is.
 */
export function packsOf(config: LeastroleConfig, file?: string): string[] {
  const base = file ? dirname(resolve(file)) : process.cwd();
  return (config.rules?.packs ?? []).map((p) => (isAbsolute(p) ? p : join(base, p)));
}
