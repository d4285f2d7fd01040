/**
 * Public API of the IAM semantics engine: policy grammar, action catalog, ARN matching,
 * request evaluation, effective permissions and the shipped AWS managed policies.
 * See docs/iam-engine.md.
 */

export { parsePolicyDocument, tryParsePolicyDocument, POLICY_VERSIONS, type ParseOptions, type TryParseResult } from "./parse-policy.js";
export {
  parseConditionOperator,
  canonicalConditionOperator,
  BASE_OPERATORS,
  type ParsedOperator,
  type OperatorFamily,
  type SetQualifier,
} from "./condition-operators.js";
