/**
 * What every source reader returns: a fragment of the canonical document. The normaliser
 * (src/normalize/) merges fragments from many files, joins functions to roles by ARN, resolves
 * managed policies and computes the IAM facts. Readers never compute facts and never see other
 * files: that is what makes normalising independent of file order.
 */

import type {
  LambdaFunction,
  ManagedPolicy,
  Principal,
  Role,
  SourceInfo,
  Warning,
} from "../model/document.js";

/** A role as a reader sees it: everything but the derived fields the normaliser fills in. */
export type RoleRecord = Omit<Role, "facts" | "functions" | "trustsLambda">;
export type PrincipalRecord = Omit<Principal, "facts">;

/**
 * A function as a reader sees it. Readers of per-function files (get-policy, event source
 * mappings, URL configs, tags) emit partial records keyed by ARN that the normaliser merges.
 */
export type FunctionRecord = LambdaFunction;

export interface FunctionPatch {
  /** Function ARN, qualified or not; the normaliser strips the qualifier to join. */
  functionArn: string;
  /** The qualifier (alias or version) when the patch came from a qualified ARN. */
  qualifier: string | null;
  patch: Partial<Pick<LambdaFunction, "resourcePolicy" | "functionUrl" | "tags" | "destinations" | "aliases">> & {
    triggers?: LambdaFunction["triggers"];
  };
}

export interface SourceFragment {
  source: SourceInfo;
  roles: RoleRecord[];
  principals: PrincipalRecord[];
  policies: ManagedPolicy[];
  functions: FunctionRecord[];
  functionPatches: FunctionPatch[];
  warnings: Warning[];
}

export function emptyFragment(source: SourceInfo): SourceFragment {
  return { source, roles: [], principals: [], policies: [], functions: [], functionPatches: [], warnings: [] };
}
