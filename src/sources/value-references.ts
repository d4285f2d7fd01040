/**
 * Where the names and ARNs an IaC reader resolved came from, kept beside the canonical document
 * (not in it: the document is the resolved picture, validated by its schema). The readers resolve
 * `!Sub '${Env}-orders'` with Env's Default to `dev-orders`, and a plan's `planned_values` holds
 * `var.env`'s value; generate writes a policy back into the same template or configuration, where
 * the value must stay the expression it was made from, or the output is the dev stack's wherever
 * it is deployed. Without this table (a document read back from `leastrole normalize`) generate
 * writes the values, and says so (parameter-defaults).
 */

/** One template's or plan's resolved values that came from expressions. */
export interface ValueReferences {
  /** The file, as the document's `meta.sources` names it. */
  file: string;
  /**
   * The files its records say they are from, when other than `file`: a plan's roles and
   * functions point at the `.tf` file that declares them.
   */
  sourceFiles?: string[];
  /** The language of `values`' expressions: a template's Fn::Sub text, or a Terraform string template. */
  language: "cloudformation" | "terraform";
  /**
   * Resolved value → the same value with its references (`${Env}-orders-dlq`,
   * `${var.env}-orders`, a lookup keyed by parameters `${Fn::FindInMap:EnvMap:(Env):Table}`), in the reader's
   * placeholder form; null when the value came from a
   * parameter's default but cannot be written so (through Fn::FindInMap of a key no !Ref gives, Fn::Split, a list
   * parameter's member, or two parameters of the same default resolving alike).
   */
  values: Map<string, string | null>;
  /**
   * Values that are a reference alone (`!Ref Env`: `dev` ← `${Env}`): written back only where the
   * whole output string is the value, never where the text merely occurs (`parameter/dev/*`).
   */
  whole: Set<string>;
  /** Parameters read with their Default that decide a condition of the template (CloudFormation). */
  conditionParameters: string[];
  /**
   * The template's parameters read with their Default that a value may hold, by name: the default,
   * and the longest value the template lets the parameter take (its longest AllowedValues entry,
   * else its MaxLength); and each Fn::FindInMap keyed by them, by its placeholder's name
   * (`Fn::FindInMap:EnvMap:(Env):Table`): the entry read, and the longest the lookup can give. Generate measures a policy written with `${Env}` as if deployed with
   * such a value: IAM counts the deployed text against its size limits. CloudFormation only.
   */
  parameters?: { [name: string]: ParameterLength };
  /**
   * A plan's root variables with a text value (`env` → `dev`), sorted by name: generate warns of
   * the output's names and ARNs that still hold one (terraform-variable-values). Terraform only.
   */
  variables?: { [name: string]: string };
}

/** A parameter's value as read, and the longest its declaration allows, when it says. */
export interface ParameterLength {
  value: string;
  /** Characters: the longest AllowedValues entry, else MaxLength. */
  longest?: number;
  basis?: "AllowedValues" | "MaxLength" | "Mappings";
}

const tables = new WeakMap<object, ValueReferences[]>();

/**
 * Attach the readers' tables to a document. Keyed by its `meta` object, which the analysis' and
 * the pending document's copies (`{ ...document }`) share with the document read.
 */
export function attachValueReferences(document: { meta: object }, references: readonly ValueReferences[]): void {
  if (references.length > 0) tables.set(document.meta, [...references]);
}

/** The table of `file`, when its reader made one for this document. */
export function valueReferencesOf(document: { meta: object }, file: string): ValueReferences | undefined {
  const all = tables.get(document.meta) ?? [];
  return all.find((r) => r.file === file) ?? all.find((r) => r.sourceFiles?.includes(file) === true);
}

/**
 * Record `value` ← `expression`; a value reached by two different expressions (two parameters
 * of the same default) is ambiguous: null.
 */
export function addValueReference(values: Map<string, string | null>, value: string, expression: string | null): void {
  if (!values.has(value)) values.set(value, expression);
  else if (values.get(value) !== expression) values.set(value, null);
}
