/**
 * Public API of the source readers: files and folders of AWS exports → fragments of the canonical
 * document. See docs/canonical-document.md for the accepted inputs.
 */

export { readSources, readSourceBytes, type ReadResult, type ReadOneOptions } from "./read-sources.js";
export { detect, type Detection } from "./detect.js";
export { fragmentFromDocument } from "./canonical-document.js";
export { normalizeTimestamp } from "./timestamps.js";
// parseArn is not re-exported: src/iam has the public one.
export { parseFunctionArn, type ParsedFunctionArn } from "./arns.js";
export { pathContext } from "./path-context.js";
export {
  emptyFragment,
  type FunctionPatch,
  type FunctionRecord,
  type FunctionVersionRecord,
  type PathContext,
  type PrincipalRecord,
  type ReaderInput,
  type RoleRecord,
  type SourceFragment,
} from "./types.js";
