/**
 * A canonical document whose last parts are made as they are needed: the audit evaluates the
 * built-in rules' first slices while the roles' scope suggestions and the usage labels of the
 * later ones are still to be made (buildPendingDocument in src/audit/build-document.ts,
 * pendingRulesSlices in src/evaluate/rules-slices.ts). Why: those were ~1.5 s on one thread at
 * 10,000 functions, with the machine's other cores idle.
 */

import type { CanonicalDocument, Role } from "./document.js";
import type { PermissionLabels } from "./usage.js";

export interface PendingDocument {
  /**
   * The document as it will be but for: `roles[i]` without its analysis' scope suggestions,
   * `usage.labels` and `usage.disagreements` empty, and coverage and `meta.partial` not final.
   * Every list is in its final order.
   */
  readonly partial: CanonicalDocument;
  /**
   * False when nothing is left to make (no usage was read: `partial` is the finished document, and
   * its usage, if any, came with the inputs): the rules' slices are then cut from it as a whole.
   */
  readonly deferred: boolean;
  /** Role `i` finished (made once). */
  role(i: number): Role;
  /** The usage label set of function `i`, or null when it has none: made once, or on each call when the labels are not kept. */
  labels(i: number): PermissionLabels | null;
  /**
   * What the built-in rules read of function `i`'s label set (null when it has none or it does not
   * cover the whole window): digestOfLabels of labels(i), made without building the labels when
   * they are not kept.
   */
  digest(i: number): LabelDigest | null;
  /** The finished document (made once): what buildDocument returns (without `usage.labels` when made not to keep them). */
  finish(): CanonicalDocument;
  /** Milliseconds spent so far in role(), labels(), digest() and finish(): analysis time, wherever it was asked for. */
  finishingMs(): number;
}

/**
 * What the built-in rules read of a function's label set covering the whole window (LR008): its
 * unused actions without a kept exception, those with one, and how many permissions carry each
 * label. Made straight from the labelling when the label set itself is not kept (the audit), so
 * that the ~2 million labels of a 10,000-function account are never built as objects; else from
 * the label set (digestOfLabels in src/usage/labels.ts). Not part of the canonical document.
 */
export interface LabelDigest {
  roleArn: string;
  functionArn: string;
  /** The unused permissions' actions without a kept exception: distinct, in the labels' order. */
  unusedActions: string[];
  /** The unused permissions with a kept exception, in the labels' order. */
  keptExceptions: Array<{ action: string; reason: string }>;
  /** How many permissions carry each label (all of them, the unused ones included), keys in first-seen order. */
  labelCounts: { [label: string]: number };
}
