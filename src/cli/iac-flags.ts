/**
 * The IaC options shared by `audit`, `diff`, `generate` and `normalize`: what a Terraform plan or a template does not say
 * (account, region, partition, CloudFormation parameters) and where the Terraform code is.
 */

import { statSync } from "node:fs";
import { Option, type Command } from "commander";
import { InputError } from "../errors.js";
import { isRegionCode } from "../iam/index.js";
import type { IacReadOptions } from "../sources/cloudformation/index.js";
import { readTfFiles } from "../sources/terraform/config-files.js";

export interface IacFlags {
  accountId?: string;
  region?: string;
  partition?: string;
  parameter?: string[];
  tfConfig?: string;
  stackName?: string;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function addIacOptions(command: Command): Command {
  return command
    .option("--account-id <id>", "IaC: the 12-digit account the plan or template deploys to (default: unknown; a CDK assembly's manifest says each stack's)")
    .option("--region <region>", "IaC: the region it deploys to, when the plan, template or CDK manifest does not say")
    .addOption(new Option("--partition <partition>", "IaC: the AWS partition").choices(["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"]))
    .option("--stack-name <name>", "CloudFormation/SAM: the stack the template is deployed as (default: a samconfig's stack_name): the names CloudFormation makes start with it, and the logs are matched to that stack's resources")
    .option("--parameter <Key=Value>", "CloudFormation: a parameter value, overriding its default (repeatable); checked as CloudFormation checks it: a name a template given declares, a value within its constraints", collect)
    .option("--tf-config <dir>", "Terraform: the configuration's folder (.tf files): locations point at the code, and policies the plan knows only after apply are read from it (default: the plan's own folder, when it holds the configuration)");
}

/** The `.tf` files of `--tf-config`, with errors that name the flag. */
function readTfConfigFlag(dir: string): Record<string, string> {
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new InputError("no such folder (--tf-config)", { file: dir });
  }
  if (!st.isDirectory()) throw new InputError("--tf-config must be the folder holding the .tf files", { file: dir });
  const out = readTfFiles(dir);
  if (Object.keys(out).length === 0) throw new InputError("no .tf files in this folder (--tf-config)", { file: dir });
  return out;
}

export function iacOptionsOf(flags: IacFlags): IacReadOptions | undefined {
  const o: IacReadOptions = {};
  if (flags.accountId !== undefined) {
    if (!/^\d{12}$/.test(flags.accountId)) throw new InputError(`--account-id must be 12 digits (got ${flags.accountId})`);
    o.accountId = flags.accountId;
  }
  if (flags.region !== undefined) {
    if (!isRegionCode(flags.region)) throw new InputError(`--region must be a region code such as us-east-1 (got ${flags.region})`);
    o.region = flags.region;
  }
  if (flags.partition !== undefined) o.partition = flags.partition;
  if (flags.stackName !== undefined) {
    // CreateStack's StackName: "must start with an alphabetic character and can't be longer than 128
    // characters", letters, digits and hyphens ([a-zA-Z][-a-zA-Z0-9]*):
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html
    if (!/^[A-Za-z][-A-Za-z0-9]{0,127}$/.test(flags.stackName)) throw new InputError(`--stack-name must be a CloudFormation stack name: a letter, then letters, digits and hyphens, at most 128 characters (got ${flags.stackName})`);
    o.stackName = flags.stackName;
  }
  if (flags.parameter && flags.parameter.length > 0) {
    const params: Record<string, string> = {};
    for (const p of flags.parameter) {
      const eq = p.indexOf("=");
      if (eq <= 0) throw new InputError(`--parameter must be Key=Value (got ${p})`);
      params[p.slice(0, eq)] = p.slice(eq + 1);
    }
    o.parameters = params;
  }
  if (flags.tfConfig !== undefined) {
    o.configFiles = readTfConfigFlag(flags.tfConfig);
    o.configRoot = flags.tfConfig.replace(/[\\/]+$/, "");
  }
  return Object.keys(o).length > 0 ? o : undefined;
}
