import { LeastroleError } from "../errors.js";

/**
 * A collection that cannot start or cannot go on at all (bad options, no credentials, no region,
 * an out directory that would mix two collections). Failures of single AWS calls are not errors:
 * they are recorded in the manifest and the rest is collected.
 */
export class CollectError extends LeastroleError {
  constructor(message: string, options: { file?: string; path?: string; cause?: unknown } = {}) {
    super("collect", message, options);
  }
}
