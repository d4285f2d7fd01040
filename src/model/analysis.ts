/**
 * Derived analysis the rules read: facts about functions, roles and principals that need the IAM
 * engine (does the role allow what the function's configuration requires? which principals can
 * read this function's configuration? which escalation paths does this role have?). Computed in
 * src/analysis/ after normalisation. Owned by the rule-pack work (issue 6).
 */

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface FunctionAnalysis {}
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface RoleAnalysis {}
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PrincipalAnalysis {}
