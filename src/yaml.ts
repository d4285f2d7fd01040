/**
 * The `yaml` package, loaded when first needed instead of when leastrole is: it took ~20 ms of
 * every command's start and of each rule evaluation worker's, while an audit of account exports,
 * a Terraform plan or CloudTrail reads no YAML (bench/results/scale.md, "Session 56"). Types come
 * from `import type`, which costs nothing at run time.
 */
import { createRequire } from "node:module";

export type YamlModule = typeof import("yaml");

let loaded: YamlModule | undefined;

export function yaml(): YamlModule {
  return (loaded ??= createRequire(import.meta.url)("yaml") as YamlModule);
}
