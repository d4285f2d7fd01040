/**
 * What AWS Tools for PowerShell's output looks like once `ConvertTo-Json` has written it: the AWS
 * SDK for .NET's objects, shared by the Access Advisor and Access Analyzer readers.
 */

/**
 * What `ConvertTo-Json` writes for a .NET object below its `-Depth` (2 unless given): the type
 * name (a list's, space-separated), of the service's model namespace (`Amazon.IdentityManagement`,
 * `Amazon.AccessAnalyzer`) or a collection.
 */
export function dotnetTypeName(service: string): RegExp {
  return new RegExp(`^(Amazon\\.${service}\\.Model\\.|System\\.Collections\\.)[\\w.\`[\\],]+( |$)`);
}

/**
 * An SDK enum (a ConstantClass object), which `ConvertTo-Json` writes as `{"Value": "COMPLETED"}`,
 * as its string; any other value as it is.
 */
export function enumValue(v: unknown): unknown {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return v;
  const o = v as Record<string, unknown>;
  return typeof o.Value === "string" && Object.keys(o).length === 1 ? o.Value : v;
}
