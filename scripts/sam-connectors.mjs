#!/usr/bin/env node
/**
 * The SAM connector data, refreshed from the SAM translator itself (the aws-sam-translator Python
 * package, Apache-2.0, installed with pip):
 *
 *   pip install aws-sam-translator==<version>
 *   node scripts/sam-connectors.mjs profiles   copies samtranslator/model/connector_profiles/profiles.json
 *                                              to src/sources/cloudformation/sam-connector-profiles.json,
 *                                              unmodified (then update DATA-NOTICE.md with the version printed)
 *   node scripts/sam-connectors.mjs fixtures   translates test/iac/fixtures/sam-connectors/input/*.yaml
 *                                              with that translator into output/<name>.json, the
 *                                              expected outputs test/iac/sam-connectors.test.ts compares with
 *
 * Why the installed package: it is what `sam build` / `sam deploy` run, and pip is the ordinary way
 * to get a given version of it. The translator needs a region for its pseudo parameters only
 * (AWS_DEFAULT_REGION, set here); no AWS call is made.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const python = process.env.PYTHON ?? "python3";
const what = process.argv[2];

function py(code, args = []) {
  return execFileSync(python, ["-c", code, ...args], { encoding: "utf8", env: { ...process.env, AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION ?? "us-east-1" }, maxBuffer: 1 << 26 });
}

let version;
try {
  version = py("import samtranslator; print(samtranslator.__version__)").trim();
} catch {
  console.error(`sam-connectors: ${python} cannot import samtranslator; install it first: pip install aws-sam-translator`);
  process.exit(1);
}

if (what === "profiles") {
  const from = join(py("import os, samtranslator; print(os.path.dirname(samtranslator.__file__))").trim(), "model", "connector_profiles", "profiles.json");
  copyFileSync(from, join(root, "src/sources/cloudformation/sam-connector-profiles.json"));
  console.log(`copied ${from} (aws-sam-translator ${version})`);
} else if (what === "fixtures") {
  // Managed policy names the fixtures use, as the translator's own tests give them (no AWS call).
  const translate = `
import json, sys
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse
class Loader:
    def load(self):
        return {"AWSLambdaBasicExecutionRole": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}
print(json.dumps(transform(yaml_parse(open(sys.argv[1]).read()), {}, Loader()), indent=2, sort_keys=True))
`;
  const dir = join(root, "test/iac/fixtures/sam-connectors");
  for (const file of readdirSync(join(dir, "input")).filter((f) => f.endsWith(".yaml")).sort()) {
    const out = join(dir, "output", file.replace(/\.yaml$/, ".json"));
    writeFileSync(out, py(translate, [join(dir, "input", file)]));
    console.log(`${file} → output/${file.replace(/\.yaml$/, ".json")} (aws-sam-translator ${version})`);
  }
} else {
  console.error("usage: node scripts/sam-connectors.mjs profiles|fixtures");
  process.exit(2);
}
