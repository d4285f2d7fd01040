/** Public API of the analysis stage: derived facts the built-in rules read. See docs/canonical-document-analysis.md. */
export { analyzeDocument, analyzeIdentities, completeAnalysis, startCompletion, type AnalysisCompletion, type AnalysisDraft, type AnalyzeOptions } from "./analyze.js";
export { actionKeyOf } from "./policies.js";
export { requiredPermissions, inVpc, destinationPermission, logGroupArns, VPC_ACTIONS, TRACING_ACTIONS, type RequiredPermission } from "./requirements.js";
export { analyzeTrust, LAMBDA_PRINCIPALS } from "./trust.js";
export { ASSUME_ROLE_METHOD, ESCALATION_METHODS } from "./escalation.js";
export { READ_CONFIGURATION_ACTIONS, MAX_READERS } from "./readers.js";
export { typeWide } from "./scope.js";
