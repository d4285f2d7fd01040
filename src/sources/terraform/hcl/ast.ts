/**
 * The syntax tree of HCL's native syntax (the `.tf` language), as far as leastrole reads it: every
 * construct of the grammar is parsed, so that a real configuration never fails to parse on a
 * feature we do not evaluate; evaluation (evaluate.ts) then gives "unknown" for what it does not
 * support. Spec: github.com/hashicorp/hcl, hclsyntax/spec.md.
 */

/** Where a node starts (1-based line) and what it says. */
export interface Span {
  line: number;
  /** The node's source text (for messages and placeholders: `${aws_sqs_queue.q.arn}`). */
  text: string;
}

export interface Body {
  attributes: Attribute[];
  blocks: Block[];
}

export interface Attribute {
  name: string;
  expr: Expr;
  span: Span;
}

export interface Block {
  type: string;
  labels: string[];
  body: Body;
  span: Span;
}

/** One step of a traversal after its root: `.name`, `[expr]`, or a splat (`.*` attribute-only, `[*]` full). */
export type Step = { kind: "attr"; name: string } | { kind: "index"; key: Expr } | { kind: "splat"; full: boolean };

/**
 * A template's parts, with `~` strip markers already applied to the text beside them. `%{ for }`
 * and `%{ if }` directives are nested: their bodies are the parts up to the matching
 * `%{ endfor }` / `%{ else }` / `%{ endif }`.
 */
export type TemplatePart =
  | { kind: "text"; text: string; /** The line its first character is on. */ line: number }
  | { kind: "interp"; expr: Expr }
  | { kind: "for"; keyVar: string | null; valueVar: string; collection: Expr; body: TemplatePart[]; line: number }
  | { kind: "if"; condition: Expr; then: TemplatePart[]; else: TemplatePart[]; line: number };

export type Expr =
  | { kind: "literal"; value: string | number | boolean | null; span: Span }
  | { kind: "template"; parts: TemplatePart[]; span: Span }
  | { kind: "tuple"; items: Expr[]; span: Span }
  | { kind: "object"; items: { key: Expr; value: Expr }[]; span: Span }
  | { kind: "variable"; name: string; span: Span }
  | { kind: "traversal"; target: Expr; steps: Step[]; span: Span }
  | { kind: "call"; name: string; args: Expr[]; expandFinal: boolean; span: Span }
  | { kind: "unary"; op: "!" | "-"; operand: Expr; span: Span }
  | { kind: "binary"; op: string; left: Expr; right: Expr; span: Span }
  | { kind: "conditional"; condition: Expr; then: Expr; else: Expr; span: Span }
  | {
      kind: "for";
      object: boolean;
      keyVar: string | null;
      valueVar: string;
      collection: Expr;
      key: Expr | null;
      value: Expr;
      condition: Expr | null;
      group: boolean;
      span: Span;
    }
  | { kind: "paren"; expr: Expr; span: Span };

/** A template's text when it is only text (`"orders"`, not `"orders-${var.env}"`), else undefined. */
export function staticText(e: Expr): string | undefined {
  if (e.kind !== "template" || e.parts.some((p) => p.kind !== "text")) return undefined;
  return e.parts.map((p) => (p.kind === "text" ? p.text : "")).join("");
}

export class HclSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}
