export { audit, evaluationOptionsOf, type AuditPathsOptions, type AuditResult } from "./audit.js";
export { auditDocument, auditDocumentAsync, auditPendingAsync, type AuditOptions } from "./audit-document.js";
export { buildDocument, buildPendingDocument, usageExceptions, type BuildOptions, type BuildProgress } from "./build-document.js";
export { routeInputs, classifyHead, type RoutedInputs } from "./route-inputs.js";
export { AUDIT_STAGES, formatStageTimings, type AuditStage, type StageTimings, type TimingTotals } from "./timings.js";
export { normalize } from "./normalize-paths.js";
