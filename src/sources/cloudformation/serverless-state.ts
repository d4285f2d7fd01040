/**
 * What a Serverless Framework build (`serverless package`, the `.serverless/` folder) says about its
 * compiled templates that they do not say themselves: the region and the stack's name. The
 * framework writes `cloudformation-template-update-stack.json` (the service's stack: functions,
 * their shared role `IamRoleLambdaExecution`, events) and `cloudformation-template-create-stack.json`
 * (the same stack's first version, its deployment bucket only) beside `serverless-state.json`,
 * whose `service.provider` holds the region and stage the package was made for. The templates
 * name the region only as `AWS::Region`, so without it the role's name
 * (`Fn::Join [-, [<service>, <stage>, !Ref AWS::Region, lambdaRole]]`) stayed unresolved.
 *
 * The stack is named `provider.stackName`, else `<service>-<stage>` (the framework's default). The
 * account is not in the state: `--account-id` gives it. Without the state file, what the template
 * itself writes as text (templateSays).
 */

import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { StackTemplateContext } from "./cdk-assembly.js";
import { isRegionCode } from "../../iam/index.js";
import { isRecord } from "./lambda-shapes.js";

const TEMPLATES = ["cloudformation-template-update-stack.json", "cloudformation-template-create-stack.json"];

function stringOf(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" && !v.includes("${") ? v : undefined;
}

/** For the Serverless Framework templates among `files`, the region and stack name of their state file, by resolved path. */
export function serverlessStateOptions(files: string[]): Map<string, StackTemplateContext> {
  const out = new Map<string, StackTemplateContext>();
  const dirs = new Set(files.filter((f) => TEMPLATES.some((t) => f.endsWith(t))).map((f) => dirname(resolve(f))));
  for (const dir of [...dirs].sort()) {
    const stateFile = join(dir, "serverless-state.json");
    if (!existsSync(stateFile)) {
      const said = templateSays(join(dir, TEMPLATES[0] as string));
      if (said !== null) for (const t of TEMPLATES) out.set(join(dir, t), { options: said, stackTemplate: join(dir, TEMPLATES[0] as string) });
      continue;
    }
    let state: unknown;
    try {
      state = JSON.parse(readFileSync(stateFile, "utf8"));
    } catch {
      continue; // the file is read (and its error said) by the source readers
    }
    const service = isRecord(state) && isRecord(state.service) ? state.service : null;
    const provider = service && isRecord(service.provider) ? service.provider : null;
    if (!service || !provider || provider.name !== "aws") continue;
    const name = stringOf(service.service) ?? (isRecord(service.serviceObject) ? stringOf(service.serviceObject.name) : undefined);
    const stage = stringOf(provider.stage);
    const region = stringOf(provider.region);
    const stackName = stringOf(provider.stackName) ?? (name !== undefined && stage !== undefined ? `${name}-${stage}` : undefined);
    const options: StackTemplateContext["options"] = {};
    if (region !== undefined && isRegionCode(region)) options.region = region;
    if (stackName !== undefined) options.stackName = stackName;
    // Both templates are versions of one stack: one key, so they share an unknown account.
    const update = join(dir, TEMPLATES[0] as string);
    for (const t of TEMPLATES) out.set(join(dir, t), { options, stackTemplate: update });
  }
  return out;
}

/**
 * A template without its state file (committed alone, as in 15Dkatz/official_joke_api): what the
 * framework wrote into it literally. Serverless Framework 1.x named the role
 * `Fn::Join [-, [<service>, <stage>, <region>, lambdaRole]]` with the region as text (later
 * versions write `!Ref AWS::Region` there), and the REST API's `ServiceEndpoint` output
 * `https://<api>.execute-api.<region>.amazonaws.com/<stage>`. The stack's name is not taken:
 * `<service>-<stage>` is only the default (`provider.stackName` changes it), which the state says
 * and the template does not. Null when the template says no region (it stays unknown, as before).
 */
function templateSays(file: string): StackTemplateContext["options"] | null {
  let template: unknown;
  try {
    template = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null; // a missing or damaged template is said by the reader
  }
  if (!isRecord(template)) return null;
  const options: StackTemplateContext["options"] = {};
  const role = isRecord(template.Resources) && isRecord(template.Resources.IamRoleLambdaExecution) ? template.Resources.IamRoleLambdaExecution : null;
  const roleName = role && isRecord(role.Properties) && isRecord(role.Properties.RoleName) ? role.Properties.RoleName["Fn::Join"] : undefined;
  const parts = Array.isArray(roleName) && roleName[0] === "-" && Array.isArray(roleName[1]) ? (roleName[1] as unknown[]) : [];
  if (parts.length === 4 && parts[3] === "lambdaRole") {
    const region = stringOf(parts[2]);
    if (region !== undefined && isRegionCode(region)) options.region = region;
  }
  const endpoint = isRecord(template.Outputs) && isRecord(template.Outputs.ServiceEndpoint) ? JSON.stringify(template.Outputs.ServiceEndpoint.Value) : "";
  const m = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com/.exec(endpoint);
  if (options.region === undefined && m !== null && isRegionCode(m[1] as string)) options.region = m[1] as string;
  return Object.keys(options).length > 0 ? options : null;
}
