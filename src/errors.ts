/**
 * Typed errors. Every error a user can cause (bad file, bad policy, bad rule pack, bad config)
 * is a LeastroleError with a stable `code`, and names the file and JSON path when there is one,
 * so the CLI can print one line instead of a stack trace.
 */

/**
 * The brand `instanceof` reads across copies of these classes. The package ships an ESM build and a
 * CommonJS build, each with its own LeastroleError class; a program that has both loaded (its own
 * code `import`s leastrole, a dependency `require`s it: the dual package hazard) got errors of one
 * build that were not `instanceof` the other's class, and took an InputError for a bug. The symbol
 * is from the global registry (Symbol.for), the same in both builds, and keys a non-enumerable
 * property holding the names of the error's classes, from its own up to LeastroleError: not in
 * JSON.stringify, Object.keys or the types, so the error's public shape is unchanged.
 */
const CLASSES: unique symbol = Symbol.for("leastrole.error.classes") as never;

export class LeastroleError extends Error {
  readonly code: string;
  readonly file: string | undefined;
  /** JSON path inside the file, e.g. `Statement[2].Effect`. */
  readonly path: string | undefined;

  constructor(code: string, message: string, options: { file?: string; path?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.file = options.file;
    this.path = options.path;
    const classes: string[] = [];
    for (let c: unknown = new.target; typeof c === "function" && c !== Error; c = Object.getPrototypeOf(c)) classes.push((c as { name: string }).name);
    Object.defineProperty(this, CLASSES, { value: Object.freeze(classes), enumerable: false });
  }

  /**
   * `err instanceof LeastroleError` (or InputError, ConfigError…): true for an error of this class
   * or a subclass, made by this copy of leastrole or by another (the ESM and CommonJS builds, two
   * installed versions): by the prototype chain, else by the brand naming the class (CLASSES).
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (typeof value !== "object" || value === null) return false;
    const classes = (value as { [CLASSES]?: unknown })[CLASSES];
    return Array.isArray(classes) && classes.includes(this.name);
  }

  /**
   * One line for a terminal: `file: path: message`. The file is not repeated when the message
   * starts with it already: a message an SDK user prints without the error's fields (a path not
   * found) names it, and the line reads as before.
   */
  override toString(): string {
    const file = this.file !== undefined && this.message.startsWith(`${this.file}: `) ? undefined : this.file;
    const where = [file, this.path].filter((p) => p !== undefined && p !== "").join(": ");
    return where ? `${where}: ${this.message}` : this.message;
  }
}

/** A policy document that does not follow the IAM grammar. */
export class PolicyParseError extends LeastroleError {
  constructor(message: string, options: { file?: string; path?: string; cause?: unknown } = {}) {
    super("policy-parse", message, options);
  }
}

/** An input file that is unreadable, not JSON, truncated or of an unknown shape. */
export class InputError extends LeastroleError {
  constructor(message: string, options: { file?: string; path?: string; cause?: unknown } = {}) {
    super("input", message, options);
  }
}

/** A rule pack that cannot be loaded (bad wasm, wrong ABI, missing built-ins, opa absent). */
export class RulePackError extends LeastroleError {
  constructor(message: string, options: { file?: string; path?: string; cause?: unknown } = {}) {
    super("rule-pack", message, options);
  }
}

/** Evaluation of a rule pack failed (the wasm aborted, ran out of memory, returned a bad shape). */
export class EvaluationError extends LeastroleError {
  constructor(message: string, options: { file?: string; path?: string; cause?: unknown } = {}) {
    super("evaluation", message, options);
  }
}

/** A configuration file that does not match schemas/config.schema.json. */
export class ConfigError extends LeastroleError {
  constructor(message: string, options: { file?: string; path?: string; cause?: unknown } = {}) {
    super("config", message, options);
  }
}

/** Turn anything thrown (opa-wasm throws strings and plain objects) into an Error with a message. */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  if (typeof thrown === "string") return new Error(thrown);
  if (thrown && typeof thrown === "object" && "message" in thrown && typeof (thrown as { message: unknown }).message === "string") {
    return new Error((thrown as { message: string }).message);
  }
  return new Error(String(thrown));
}
