import { existsSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Command } from "commander";
import { InputError } from "../../errors.js";
import { CONFIG_FILE_NAMES, findNearestConfig } from "../../config/load.js";
import { configDisplayPath } from "../../config/display.js";

/**
 * Every setting is the default or commented out: writing the starter changes no result. Its
 * `sensitivity_tag_keys` once listed three of LR001's seven default keys, so a role shared by
 * functions tagged `confidentiality: secret` and `confidentiality: public` stopped being reported
 * as mixing classifications the moment a user ran `leastrole init`.
 */
export const STARTER_CONFIG = `# leastrole configuration. Schema: node_modules/leastrole/schemas/config.schema.json
version: 1

# Days of usage (CloudTrail) a function must be covered for before a permission can be called unused.
usage:
  windowDays: 30
  # dataEventsLogged: true   # only if the trail logs data events (S3 objects, DynamoDB items …) for every resource
  # readEventsLogged: false  # the trail logs write management events only (judged from the logs when unset)
  # writeEventsLogged: false # the trail logs read management events only (judged from the logs when unset)
  # kmsEventsLogged: false   # the trail excludes AWS KMS events (judged from the logs when unset)

# Accepted findings. A reason is required; expires (YYYY-MM-DD, inclusive) makes one temporary.
suppressions: []
#  - rule: LR001                      # rule id or name, or "*"
#    resource: "arn:aws:iam::123456789012:role/legacy-*"   # ARN, name, or a glob
#    reason: split into per-function roles, tracked in PLAT-42
#    expires: 2027-03-31

# Permissions a function keeps although unused over the window (error paths, disaster recovery).
exceptions: []
#  - function: orders-*
#    actions: [dynamodb:RestoreTableFromBackup]
#    reason: disaster-recovery runbook DR-7

rules:
  disable: []
  packs: []            # your own Rego rules: folders of .rego, .wasm files or OPA bundles
  options: {}
  #  sensitivity_tag_keys: [classification, data-classification, data_classification, dataclassification, confidentiality, sensitivity, data-sensitivity]   # LR001's tag keys for a data classification (these are its default)

# execution-roles (default) or account: where privilege escalation is checked.
scope: execution-roles
`;

export function registerInit(program: Command): void {
  program
    .command("init")
    .description("write a starter .leastrole.yaml in the current folder")
    .option("--force", "overwrite an existing file")
    .action((opts: { force?: boolean }) => {
      const file = ".leastrole.yaml";
      // A .leastrole.yaml beside a .yml or .json would be read instead of it: its suppressions and
      // exceptions would stop applying without a word. --force overwrites, it does not shadow.
      const other = CONFIG_FILE_NAMES.find((name) => name !== file && existsSync(name));
      if (other !== undefined) throw new InputError(`is the configuration of this folder: a ${file} written beside it would be read instead of it; edit it, or remove it first`, { file: other });
      if (existsSync(file) && !opts.force) throw new InputError("already exists: use --force to overwrite it", { file });
      // The config of a folder above (the repository's, say) applied here until now; the starter,
      // nearer, is read instead of it from here down, and configs do not merge: its suppressions
      // and exceptions would stop applying here without a word.
      const above = findNearestConfig(process.cwd());
      writeFileSync(file, STARTER_CONFIG);
      process.stderr.write(`wrote ${file}\n`);
      if (above !== undefined && dirname(above) !== process.cwd()) {
        process.stderr.write(
          `leastrole: warning: ${configDisplayPath(above)} applied in this folder until now: ${file} is read instead of it here and in the folders below (config files do not merge); copy into ${file} what should still apply here\n`,
        );
      }
    });
}
