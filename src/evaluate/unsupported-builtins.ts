/**
 * The one wording of "these rules call built-ins the SDK cannot run", for the two ways a pack meets
 * it: a prebuilt module that imports them (pack.ts, at load) and a folder of .rego that opa build
 * refuses, since leastrole's capabilities file leaves them out (compile-rego.ts). The second used
 * to surface as opa's own "rego_type_error: undefined function http.send", which reads like a typo.
 */
export function unsupportedBuiltinsMessage(names: readonly string[], where?: readonly string[]): string {
  return (
    `the rules call built-in functions that do not run in WebAssembly under Node: ${names.join(", ")}` +
    (where && where.length > 0 ? ` (${where.join(", ")})` : "") +
    ". Rewrite them without these built-ins (leastrole precomputes times and IAM facts in the document)"
  );
}

/** `file.rego:10: rego_type_error: undefined function http.send` lines of opa's output. */
export function undefinedFunctions(opaOutput: string): Array<{ name: string; where: string }> {
  return [...opaOutput.matchAll(/(\S+\.rego:\d+): rego_type_error: undefined function ([\w.]+)/g)].map((m) => ({ where: m[1]!, name: m[2]! }));
}
