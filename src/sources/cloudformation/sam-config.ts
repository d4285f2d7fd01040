/**
 * What a SAM project's configuration (`samconfig.toml`, or `samconfig.yaml` / `.yml`, beside its
 * template; `sam deploy --guided` writes it) says about the stack its template deploys: the
 * stack's name, its region and the parameter values it is deployed with. Without them a template
 * is read with its parameters' defaults, which are often placeholders (`TableName: ""`), and an
 * unknown region, so its policies' resources are not the deployed ones.
 *
 * The `default` configuration environment is read (what `sam deploy` uses without
 * `--config-env`): its `deploy.parameters`, then `global.parameters`. `parameter_overrides` is a
 * string of `Key=Value` pairs (values quoted when they hold spaces; `ParameterKey=K,ParameterValue=V`
 * too) or a list of them. Unlike a CDK manifest, this is what the user would override on the
 * command line: `--region` and `--parameter` win over it, as they do for `sam deploy`.
 */

import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parse as parseToml } from "smol-toml";
import { yaml } from "../../yaml.js";
import type { StackTemplateContext } from "./cdk-assembly.js";
import { isRegionCode } from "../../iam/index.js";
import { isRecord } from "./lambda-shapes.js";

const CONFIG_FILES = ["samconfig.toml", "samconfig.yaml", "samconfig.yml"];
const TEMPLATE_FILES = ["template.yaml", "template.yml", "template.json"];

function readConfig(file: string): Record<string, unknown> | null {
  try {
    const text = readFileSync(file, "utf8");
    const v: unknown = file.endsWith(".toml") ? parseToml(text) : yaml().parse(text);
    return isRecord(v) ? v : null;
  } catch {
    return null; // a configuration SAM itself could not read: the template is read without it
  }
}

/** `Stage="prod" TableName=orders`, `ParameterKey=Stage,ParameterValue=prod`, or a list of such strings. */
export function parseParameterOverrides(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const texts = typeof value === "string" ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  const pair = /(?:ParameterKey=([A-Za-z0-9]+),ParameterValue=|([A-Za-z0-9]+)=)("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|[^\s]*)/g;
  for (const text of texts) {
    for (const m of text.matchAll(pair)) {
      const key = (m[1] ?? m[2]) as string;
      let v = m[3] as string;
      if ((v.startsWith('"') && v.endsWith('"') && v.length >= 2) || (v.startsWith("'") && v.endsWith("'") && v.length >= 2)) v = v.slice(1, -1).replace(/\\(.)/g, "$1");
      out[key] = v;
    }
  }
  return out;
}

function section(config: Record<string, unknown>, command: string): Record<string, unknown> {
  const env = config.default;
  const cmd = isRecord(env) ? env[command] : undefined;
  const params = isRecord(cmd) ? cmd.parameters : undefined;
  return isRecord(params) ? params : {};
}

/**
 * For the SAM templates among `files` with a samconfig beside them, its stack name, region and
 * parameters, by resolved path; `configFile` names the samconfig (its parameter values are checked
 * against the template's declarations, and an error names the file they came from).
 */
export function samConfigOptions(files: string[]): Map<string, StackTemplateContext & { configFile: string }> {
  const out = new Map<string, StackTemplateContext & { configFile: string }>();
  for (const file of files) {
    const path = resolve(file);
    const dir = dirname(path);
    const configFile = CONFIG_FILES.map((n) => join(dir, n)).find((f) => existsSync(f));
    if (configFile === undefined) continue;
    const config = readConfig(configFile);
    if (config === null) continue;
    const merged = { ...section(config, "global"), ...section(config, "deploy") };
    // The template the configuration deploys: its `template_file` (or `template`), else SAM's default names.
    const named = merged.template_file ?? merged.template;
    const target = typeof named === "string" ? resolve(dir, named) : undefined;
    if (target !== undefined ? target !== path : !TEMPLATE_FILES.some((n) => join(dir, n) === path)) continue;
    const options: StackTemplateContext["options"] = {};
    if (typeof merged.stack_name === "string" && merged.stack_name !== "") options.stackName = merged.stack_name;
    if (typeof merged.region === "string" && isRegionCode(merged.region)) options.region = merged.region;
    const parameters = parseParameterOverrides(merged.parameter_overrides);
    if (Object.keys(parameters).length > 0) options.parameters = parameters;
    out.set(path, { options, stackTemplate: path, flagsWin: true, configFile });
  }
  return out;
}
