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
 * account is not in the state: `--account-id` gives it.
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
    if (!existsSync(stateFile)) continue;
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
