/**
 * A bare IAM policy document in a file (e.g. the versions of a policy kept in a repository, as in
 * cloudgoat's iam_privesc_by_rollback). It is checked against the policy grammar, but it is
 * attached to nothing, so it adds nothing to the document: the reader says so with an info warning.
 */

import { parsePolicyDocument } from "../iam/index.js";
import { isObject } from "./record-reader.js";
import type { Warning } from "../model/document.js";

export function isBarePolicyDocument(v: unknown): boolean {
  return isObject(v) && "Statement" in v && Object.keys(v).every((k) => k === "Version" || k === "Id" || k === "Statement");
}

/** @throws PolicyParseError when the document does not follow the grammar. */
export function checkBarePolicyDocument(value: unknown, file: string): Warning {
  const doc = parsePolicyDocument(value, { file });
  return {
    code: "standalone-policy-document",
    severity: "info",
    file,
    message: `an IAM policy document (${doc.Statement.length} statement${doc.Statement.length === 1 ? "" : "s"}) attached to nothing: it is not part of the account's permissions and was not added (leastrole audits roles: give the account export or the template that attaches it to a role)`,
  };
}
