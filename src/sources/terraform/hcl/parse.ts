/**
 * A parser for HCL's native syntax (the `.tf` language): bodies of attributes and blocks, and the
 * whole expression grammar (templates, heredocs, for expressions, splats, operators). It exists
 * because a plan's JSON keeps no trace of an expression like `jsonencode({… aws_sqs_queue.q.arn
 * …})` when a value in it is known only after apply (the policy is then `{}` in `configuration`
 * and unknown in `planned_values`): the configuration's text is the only place the policy is.
 *
 * Why not a library: the npm HCL parsers either wrap hcl2json (3.8 MB of GopherJS, and expressions
 * come back as their source text, still to be parsed) or need tree-sitter (a 4.6 MB runtime plus
 * a native peer dependency). The grammar is small and fully specified (hclsyntax/spec.md).
 */

import { HclSyntaxError, staticText, type Attribute, type Block, type Body, type Expr, type Span, type Step, type TemplatePart } from "./ast.js";

const ID_START = /[A-Za-z_]/;
const ID_CONTINUE = /[A-Za-z0-9_-]/;

/** Parse one `.tf` file. Throws HclSyntaxError with the line of the first problem. */
export function parseHcl(text: string): Body {
  const p = new Parser(text.replace(/^\uFEFF/, ""));
  try {
    const body = p.body(false);
    p.ws(true);
    if (!p.eof()) p.fail(`unexpected ${p.describe()}`);
    return body;
  } catch (error) {
    // Brackets nested thousands deep exhaust the stack: a file error like any other, not a crash.
    if (error instanceof RangeError) throw new HclSyntaxError("expressions nested too deeply", p.line);
    throw error;
  }
}

/**
 * Parse a template file (what `templatefile` reads): the whole text is a template, as a heredoc's
 * body is, with interpolations and directives and no escapes. Throws HclSyntaxError.
 */
export function parseHclTemplate(text: string): Expr & { kind: "template" } {
  const src = text.replace(/^\uFEFF/, "");
  const p = new Parser(src);
  try {
    const parts = p.templateParts(() => false, false);
    return { kind: "template", parts, span: { line: 1, text: src } };
  } catch (error) {
    if (error instanceof RangeError) throw new HclSyntaxError("expressions nested too deeply", p.line);
    throw error;
  }
}

/** Parse a single expression (used for a heredoc's or a test's text). */
export function parseHclExpression(text: string): Expr {
  const p = new Parser(text);
  p.ws(true);
  const e = p.expr(true);
  p.ws(true);
  if (!p.eof()) p.fail(`unexpected ${p.describe()} after the expression`);
  return e;
}

class Parser {
  pos = 0;
  line = 1;

  constructor(
    readonly src: string,
    readonly baseLine = 0,
  ) {}

  eof(): boolean {
    return this.pos >= this.src.length;
  }

  peek(n = 0): string {
    return this.src[this.pos + n] ?? "";
  }

  startsWith(s: string): boolean {
    return this.src.startsWith(s, this.pos);
  }

  advance(n = 1): void {
    for (let i = 0; i < n && this.pos < this.src.length; i++) {
      if (this.src[this.pos] === "\n") this.line++;
      this.pos++;
    }
  }

  fail(message: string): never {
    throw new HclSyntaxError(message, this.line + this.baseLine);
  }

  describe(): string {
    if (this.eof()) return "end of file";
    const c = this.peek();
    return c === "\n" ? "end of line" : `'${c}'`;
  }

  span(start: number, line: number): Span {
    return { line: line + this.baseLine, text: this.src.slice(start, this.pos) };
  }

  /** Skip spaces and comments; newlines too when `nl` (inside brackets, where they do not end anything). */
  ws(nl: boolean): void {
    for (;;) {
      const c = this.peek();
      if (c === " " || c === "\t" || c === "\r") this.advance();
      else if (c === "\n" && nl) this.advance();
      else if (c === "#" || (c === "/" && this.peek(1) === "/")) {
        while (!this.eof() && this.peek() !== "\n") this.advance();
      } else if (c === "/" && this.peek(1) === "*") {
        const end = this.src.indexOf("*/", this.pos + 2);
        if (end < 0) this.fail("unterminated /* comment");
        this.advance(end + 2 - this.pos);
      } else return;
    }
  }

  expect(s: string, nl: boolean): void {
    this.ws(nl);
    if (!this.startsWith(s)) this.fail(`expected '${s}', found ${this.describe()}`);
    this.advance(s.length);
  }

  ident(): string | null {
    if (!ID_START.test(this.peek())) return null;
    const start = this.pos;
    while (ID_CONTINUE.test(this.peek())) this.advance();
    return this.src.slice(start, this.pos);
  }

  /* ------------------------------------------------------------------ structure */

  body(inBlock: boolean): Body {
    const out: Body = { attributes: [], blocks: [] };
    for (;;) {
      this.ws(true);
      if (this.eof() || (inBlock && this.peek() === "}")) return out;
      const start = this.pos;
      const line = this.line;
      const name = this.ident();
      if (name === null) this.fail(`expected an attribute or block name, found ${this.describe()}`);
      this.ws(false);
      if (this.peek() === "=" && this.peek(1) !== "=") {
        this.advance();
        this.ws(false);
        const expr = this.expr(false);
        out.attributes.push({ name, expr, span: this.span(start, line) } satisfies Attribute);
      } else {
        const labels: string[] = [];
        while (this.peek() !== "{") {
          if (this.peek() === '"') {
            const label = staticText(this.quoted());
            if (label === undefined) this.fail("a block label cannot hold an interpolation");
            labels.push(label);
          } else {
            const l = this.ident();
            if (l === null) this.fail(`expected '=' or a block, found ${this.describe()} after ${name}`);
            labels.push(l);
          }
          this.ws(false);
        }
        this.advance();
        const body = this.body(true);
        this.expect("}", true);
        out.blocks.push({ type: name, labels, body, span: this.span(start, line) } satisfies Block);
      }
      this.ws(false);
      const c = this.peek();
      if (c !== "\n" && c !== "" && !(inBlock && c === "}")) this.fail(`expected a new line after ${name}, found ${this.describe()}`);
    }
  }

  /* ---------------------------------------------------------------- expressions */

  expr(nl: boolean): Expr {
    const start = this.pos;
    const line = this.line;
    const condition = this.binary(0, nl);
    const save = { pos: this.pos, line: this.line };
    this.ws(nl);
    if (this.peek() !== "?") {
      this.pos = save.pos;
      this.line = save.line;
      return condition;
    }
    this.advance();
    this.ws(nl);
    const then = this.expr(nl);
    this.expect(":", nl);
    this.ws(nl);
    const otherwise = this.expr(nl);
    return { kind: "conditional", condition, then, else: otherwise, span: this.span(start, line) };
  }

  private static readonly LEVELS: readonly (readonly string[])[] = [["||"], ["&&"], ["==", "!="], ["<=", ">=", "<", ">"], ["+", "-"], ["*", "/", "%"]];

  binary(level: number, nl: boolean): Expr {
    if (level >= Parser.LEVELS.length) return this.unary(nl);
    const start = this.pos;
    const line = this.line;
    let left = this.binary(level + 1, nl);
    for (;;) {
      const save = { pos: this.pos, line: this.line };
      this.ws(nl);
      // `<<` starts a heredoc, not a comparison (`=>`, a for expression's arrow, matches no operator).
      const op = (Parser.LEVELS[level] ?? []).find((o) => this.startsWith(o) && !(o === "<" && this.peek(1) === "<"));
      if (!op) {
        this.pos = save.pos;
        this.line = save.line;
        return left;
      }
      this.advance(op.length);
      this.ws(nl);
      const right = this.binary(level + 1, nl);
      left = { kind: "binary", op, left, right, span: this.span(start, line) };
    }
  }

  unary(nl: boolean): Expr {
    const start = this.pos;
    const line = this.line;
    const c = this.peek();
    if ((c === "!" && this.peek(1) !== "=") || c === "-") {
      this.advance();
      this.ws(nl);
      const operand = this.unary(nl);
      return { kind: "unary", op: c as "!" | "-", operand, span: this.span(start, line) };
    }
    return this.postfix(nl);
  }

  postfix(nl: boolean): Expr {
    const start = this.pos;
    const line = this.line;
    const target = this.primary();
    const steps: Step[] = [];
    for (;;) {
      // Traversals do not cross a new line outside brackets, but spaces before `.` or `[` are allowed.
      const save = { pos: this.pos, line: this.line };
      this.ws(nl);
      if (this.peek() === "." && this.peek(1) !== "." && !/[0-9]/.test(this.peek(1)) && this.peek(1) !== "*") {
        this.advance();
        const name = this.ident();
        if (name === null) this.fail(`expected an attribute name after '.', found ${this.describe()}`);
        steps.push({ kind: "attr", name });
      } else if (this.peek() === "." && /[0-9]/.test(this.peek(1))) {
        // Legacy index syntax: `aws_instance.x.0.id`.
        this.advance();
        const s = this.pos;
        while (/[0-9]/.test(this.peek())) this.advance();
        steps.push({ kind: "index", key: { kind: "literal", value: Number(this.src.slice(s, this.pos)), span: this.span(s, this.line) } });
      } else if (this.startsWith(".*")) {
        this.advance(2);
        steps.push({ kind: "splat", full: false });
      } else if (this.startsWith("[")) {
        this.advance();
        this.ws(true);
        if (this.peek() === "*") {
          this.advance();
          this.expect("]", true);
          steps.push({ kind: "splat", full: true });
        } else {
          const key = this.expr(true);
          this.expect("]", true);
          steps.push({ kind: "index", key });
        }
      } else {
        this.pos = save.pos;
        this.line = save.line;
        break;
      }
    }
    return steps.length === 0 ? target : { kind: "traversal", target, steps, span: this.span(start, line) };
  }

  primary(): Expr {
    const start = this.pos;
    const line = this.line;
    const c = this.peek();
    if (/[0-9]/.test(c)) return this.number();
    if (c === '"') return this.quoted();
    if (c === "<" && this.peek(1) === "<") return this.heredoc();
    if (c === "(") {
      this.advance();
      this.ws(true);
      const expr = this.expr(true);
      this.expect(")", true);
      return { kind: "paren", expr, span: this.span(start, line) };
    }
    if (c === "[") return this.tuple();
    if (c === "{") return this.object();
    let name = this.ident();
    if (name === null) this.fail(`expected an expression, found ${this.describe()}`);
    if (name === "true" || name === "false") return { kind: "literal", value: name === "true", span: this.span(start, line) };
    if (name === "null") return { kind: "literal", value: null, span: this.span(start, line) };
    // Provider-defined functions: `provider::aws::arn_parse(…)`.
    while (this.startsWith("::")) {
      this.advance(2);
      const more = this.ident();
      if (more === null) this.fail("expected a function name after '::'");
      name = `${name}::${more}`;
    }
    const save = { pos: this.pos, line: this.line };
    this.ws(false);
    if (this.peek() === "(") {
      this.advance();
      const args: Expr[] = [];
      let expandFinal = false;
      this.ws(true);
      while (this.peek() !== ")") {
        args.push(this.expr(true));
        this.ws(true);
        if (this.startsWith("...")) {
          this.advance(3);
          expandFinal = true;
          this.ws(true);
        }
        if (this.peek() === ",") {
          this.advance();
          this.ws(true);
        } else if (this.peek() !== ")") this.fail(`expected ',' or ')' in the arguments of ${name}, found ${this.describe()}`);
      }
      this.advance();
      return { kind: "call", name, args, expandFinal, span: this.span(start, line) };
    }
    this.pos = save.pos;
    this.line = save.line;
    return { kind: "variable", name, span: this.span(start, line) };
  }

  number(): Expr {
    const start = this.pos;
    const line = this.line;
    while (/[0-9]/.test(this.peek())) this.advance();
    if (this.peek() === "." && /[0-9]/.test(this.peek(1))) {
      this.advance();
      while (/[0-9]/.test(this.peek())) this.advance();
    }
    if (/[eE]/.test(this.peek()) && /[0-9+-]/.test(this.peek(1))) {
      this.advance(2);
      while (/[0-9]/.test(this.peek())) this.advance();
    }
    return { kind: "literal", value: Number(this.src.slice(start, this.pos)), span: this.span(start, line) };
  }

  tuple(): Expr {
    const start = this.pos;
    const line = this.line;
    this.advance();
    this.ws(true);
    if (this.isKeyword("for")) return this.forExpr(false, start, line);
    const items: Expr[] = [];
    while (this.peek() !== "]") {
      if (this.eof()) this.fail("unterminated list: expected ']'");
      items.push(this.expr(true));
      this.ws(true);
      if (this.peek() === ",") {
        this.advance();
        this.ws(true);
      } else if (this.peek() !== "]") this.fail(`expected ',' or ']' in a list, found ${this.describe()}`);
    }
    this.advance();
    return { kind: "tuple", items, span: this.span(start, line) };
  }

  object(): Expr {
    const start = this.pos;
    const line = this.line;
    this.advance();
    this.ws(true);
    if (this.isKeyword("for")) return this.forExpr(true, start, line);
    const items: { key: Expr; value: Expr }[] = [];
    while (this.peek() !== "}") {
      if (this.eof()) this.fail("unterminated object: expected '}'");
      // A bare identifier key is the key's name, not a variable (HCL's rule); `(expr)` evaluates.
      const ks = this.pos;
      const kl = this.line;
      const bare = ID_START.test(this.peek()) ? this.identKey() : null;
      const key: Expr = bare !== null ? { kind: "literal", value: bare, span: this.span(ks, kl) } : this.binary(0, true);
      this.ws(true);
      if (this.peek() === "=" || this.peek() === ":") this.advance();
      else this.fail(`expected '=' or ':' after an object key, found ${this.describe()}`);
      this.ws(true);
      const value = this.expr(true);
      items.push({ key, value });
      this.ws(false);
      if (this.peek() === ",") this.advance();
      else if (this.peek() !== "\n" && this.peek() !== "}") this.fail(`expected ',', a new line or '}' in an object, found ${this.describe()}`);
      this.ws(true);
    }
    this.advance();
    return { kind: "object", items, span: this.span(start, line) };
  }

  /** An object key that is a bare identifier followed by `=` or `:`, else null (position unchanged). */
  private identKey(): string | null {
    const save = { pos: this.pos, line: this.line };
    const name = this.ident();
    this.ws(true);
    if (name !== null && (this.peek() === ":" || (this.peek() === "=" && this.peek(1) !== "=")) && !this.startsWith("::")) {
      this.pos = save.pos;
      this.line = save.line;
      this.ident();
      return name;
    }
    this.pos = save.pos;
    this.line = save.line;
    return null;
  }

  private isKeyword(word: string): boolean {
    return this.startsWith(word) && !ID_CONTINUE.test(this.src[this.pos + word.length] ?? "");
  }

  forExpr(object: boolean, start: number, line: number): Expr {
    this.advance(3);
    this.ws(true);
    let keyVar: string | null = null;
    let valueVar = this.ident();
    if (valueVar === null) this.fail("expected a variable name after 'for'");
    this.ws(true);
    if (this.peek() === ",") {
      this.advance();
      this.ws(true);
      keyVar = valueVar;
      valueVar = this.ident();
      if (valueVar === null) this.fail("expected a second variable name after ',' in a for expression");
      this.ws(true);
    }
    if (!this.isKeyword("in")) this.fail(`expected 'in' in a for expression, found ${this.describe()}`);
    this.advance(2);
    this.ws(true);
    const collection = this.expr(true);
    this.expect(":", true);
    this.ws(true);
    let key: Expr | null = null;
    let value = this.expr(true);
    this.ws(true);
    if (object) {
      if (!this.startsWith("=>")) this.fail(`expected '=>' in an object for expression, found ${this.describe()}`);
      this.advance(2);
      this.ws(true);
      key = value;
      value = this.expr(true);
      this.ws(true);
    }
    let group = false;
    if (object && this.startsWith("...")) {
      this.advance(3);
      group = true;
      this.ws(true);
    }
    let condition: Expr | null = null;
    if (this.isKeyword("if")) {
      this.advance(2);
      this.ws(true);
      condition = this.expr(true);
      this.ws(true);
    }
    this.expect(object ? "}" : "]", true);
    return { kind: "for", object, keyVar, valueVar, collection, key, value, condition, group, span: this.span(start, line) };
  }

  /* ------------------------------------------------------------------ templates */

  quoted(): Expr & { kind: "template" } {
    const start = this.pos;
    const line = this.line;
    this.advance();
    const parts = this.templateParts((p) => p.peek() === '"', true);
    if (this.peek() !== '"') this.fail("unterminated string");
    this.advance();
    return { kind: "template", parts, span: this.span(start, line) };
  }

  /**
   * Template text up to `end()`: literal text, `${…}` interpolations and `%{…}` directives, with
   * `~` strip markers applied and `for`/`if` directives nested (templateTree).
   */
  templateParts(end: (p: Parser) => boolean, escapes: boolean): TemplatePart[] {
    const flat: FlatPart[] = [];
    let text = "";
    let textLine = this.line;
    const flush = (): void => {
      if (text !== "") flat.push({ kind: "text", text, line: textLine + this.baseLine });
      text = "";
    };
    while (!this.eof() && !end(this)) {
      const c = this.peek();
      if (text === "") textLine = this.line;
      if (escapes && c === "\n") this.fail("a quoted string cannot span lines (use a heredoc)");
      if (this.startsWith("$${") || this.startsWith("%%{")) {
        text += `${c}{`;
        this.advance(3);
      } else if (this.startsWith("${")) {
        flush();
        this.advance(2);
        const stripBefore = this.strip();
        this.ws(true);
        const expr = this.expr(true);
        this.ws(true);
        const stripAfter = this.strip();
        if (this.peek() !== "}") this.fail(`expected '}' to close an interpolation, found ${this.describe()}`);
        this.advance();
        flat.push({ kind: "interp", expr, stripBefore, stripAfter });
      } else if (this.startsWith("%{")) {
        flush();
        flat.push(this.directive());
      } else if (escapes && c === "\\") {
        text += this.escape();
      } else {
        text += c;
        this.advance();
      }
    }
    flush();
    return templateTree(flat, this.baseLine, !escapes);
  }

  /** A `~` strip marker at the cursor, consumed. */
  strip(): boolean {
    if (this.peek() !== "~") return false;
    this.advance();
    return true;
  }

  /** One `%{ … }` directive: `for k, v in coll`, `if cond`, `else`, `endif` or `endfor`. */
  directive(): FlatPart {
    const line = this.line;
    this.advance(2);
    const stripBefore = this.strip();
    this.ws(true);
    const word = this.ident();
    let head: Partial<Extract<FlatPart, { kind: "directive" }>> = {};
    if (word === "for") {
      this.ws(true);
      const first = this.ident();
      if (first === null) this.fail("expected a variable name after %{ for");
      this.ws(true);
      let second: string | null = null;
      if (this.peek() === ",") {
        this.advance();
        this.ws(true);
        second = this.ident();
        if (second === null) this.fail("expected a second variable name after ','");
        this.ws(true);
      }
      if (this.ident() !== "in") this.fail("expected 'in' in a %{ for } directive");
      this.ws(true);
      head = second === null ? { keyVar: null, valueVar: first } : { keyVar: first, valueVar: second };
      head.expr = this.expr(true);
    } else if (word === "if") {
      this.ws(true);
      head.expr = this.expr(true);
    } else if (word !== "else" && word !== "endif" && word !== "endfor") {
      this.fail(`expected for, if, else, endif or endfor after '%{', found ${word === null ? this.describe() : `'${word}'`}`);
    }
    this.ws(true);
    const stripAfter = this.strip();
    if (this.peek() !== "}") this.fail(`expected '}' to close a template directive, found ${this.describe()}`);
    this.advance();
    return { kind: "directive", word, ...head, stripBefore, stripAfter, line };
  }

  escape(): string {
    const n = this.peek(1);
    const simple: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };
    const s = simple[n];
    if (s !== undefined) {
      this.advance(2);
      return s;
    }
    if (n === "u" || n === "U") {
      const len = n === "u" ? 4 : 8;
      const hex = this.src.slice(this.pos + 2, this.pos + 2 + len);
      if (!new RegExp(`^[0-9A-Fa-f]{${len}}$`).test(hex)) this.fail(`invalid \\${n} escape`);
      this.advance(2 + len);
      return String.fromCodePoint(parseInt(hex, 16));
    }
    this.fail(`invalid escape \\${n}`);
  }

  heredoc(): Expr {
    const start = this.pos;
    const line = this.line;
    this.advance(2);
    const strip = this.peek() === "-";
    if (strip) this.advance();
    const marker = this.ident();
    if (marker === null) this.fail("expected a heredoc marker after '<<'");
    this.ws(false);
    if (this.peek() !== "\n") this.fail(`expected a new line after <<${marker}`);
    this.advance();
    const bodyLine = this.line;
    const lines: string[] = [];
    for (;;) {
      if (this.eof()) this.fail(`unterminated heredoc: no line '${marker}'`);
      const nl = this.src.indexOf("\n", this.pos);
      const end = nl < 0 ? this.src.length : nl;
      const text = this.src.slice(this.pos, end).replace(/\r$/, "");
      if (text.trim() === marker) {
        this.pos = end;
        break;
      }
      lines.push(text);
      this.pos = nl < 0 ? this.src.length : nl + 1;
      this.line++;
    }
    let content = lines;
    if (strip) {
      const indents = lines.filter((l) => l.trim() !== "").map((l) => /^[ \t]*/.exec(l)?.[0].length ?? 0);
      // A loop, not Math.min(...indents): a spread past ~120,000 lines overflows V8's call stack.
      let cut = indents.length > 0 ? Infinity : 0;
      for (const n of indents) if (n < cut) cut = n;
      content = lines.map((l) => l.slice(cut));
    }
    // The body is a template; parse it on its own, numbered from the body's first line.
    const inner = new Parser(content.map((l) => `${l}\n`).join(""), bodyLine - 1 + this.baseLine);
    const parts = inner.templateParts(() => false, false);
    return { kind: "template", parts, span: this.span(start, line) };
  }
}

/** A template part as read, before strip markers are applied and directives nested. */
type FlatPart =
  | { kind: "text"; text: string; line: number }
  | { kind: "interp"; expr: Expr; stripBefore: boolean; stripAfter: boolean }
  | {
      kind: "directive";
      word: "for" | "if" | "else" | "endif" | "endfor";
      keyVar?: string | null;
      valueVar?: string;
      expr?: Expr;
      stripBefore: boolean;
      stripAfter: boolean;
      line: number;
    };

/**
 * Apply strip markers and nest `for`/`if` directives. A directive out of place is a syntax error
 * at its own line, as Terraform reports it.
 *
 * What a `~` strips is what Terraform strips, checked against `terraform console` (1.11): its
 * scanner cuts the text of a heredoc or template file after each newline, and the marker trims
 * the whitespace of the one piece beside it. So `${~ x}` after "a\n  " leaves "a\n"; after
 * "a\n" it leaves "a". A quoted string (`lines` false) is one piece, whatever its escapes.
 */
function templateTree(flat: FlatPart[], baseLine: number, lines: boolean): TemplatePart[] {
  const texts = flat.map((p) => (p.kind === "text" ? p.text : ""));
  // Newlines a strip marker removed from the start of a text: it now starts that many lines later.
  const linesStripped = flat.map(() => 0);
  flat.forEach((p, i) => {
    if (p.kind === "text") return;
    if (p.stripBefore && flat[i - 1]?.kind === "text") texts[i - 1] = stripEnd(texts[i - 1] as string, lines);
    if (p.stripAfter && flat[i + 1]?.kind === "text") {
      const before = texts[i + 1] as string;
      texts[i + 1] = stripStart(before, lines);
      linesStripped[i + 1] = before.slice(0, before.length - (texts[i + 1] as string).length).split("\n").length - 1;
    }
  });
  const root: TemplatePart[] = [];
  type Open = { part: Extract<TemplatePart, { kind: "for" | "if" }>; outer: TemplatePart[]; inElse: boolean };
  const open: Open[] = [];
  let out = root;
  const wrong = (line: number, message: string): never => {
    throw new HclSyntaxError(message, line + baseLine);
  };
  flat.forEach((p, i) => {
    if (p.kind === "text") {
      const text = texts[i] as string;
      if (text !== "") out.push({ kind: "text", text, line: p.line + (linesStripped[i] ?? 0) });
    } else if (p.kind === "interp") out.push({ kind: "interp", expr: p.expr });
    else if (p.word === "for" || p.word === "if") {
      const part: Open["part"] =
        p.word === "for"
          ? { kind: "for", keyVar: p.keyVar ?? null, valueVar: p.valueVar as string, collection: p.expr as Expr, body: [], line: p.line + baseLine }
          : { kind: "if", condition: p.expr as Expr, then: [], else: [], line: p.line + baseLine };
      out.push(part);
      open.push({ part, outer: out, inElse: false });
      out = part.kind === "for" ? part.body : part.then;
    } else {
      const top = open[open.length - 1];
      const want = p.word === "endfor" ? "for" : "if";
      if (!top || top.part.kind !== want || (p.word === "else" && top.inElse)) wrong(p.line, `%{ ${p.word} } without a matching %{ ${want} }`);
      const t = top as Open;
      if (p.word === "else") {
        t.inElse = true;
        out = (t.part as Extract<TemplatePart, { kind: "if" }>).else;
      } else {
        open.pop();
        out = t.outer;
      }
    }
  });
  const unclosed = open[open.length - 1];
  if (unclosed) wrong(unclosed.part.line - baseLine, `%{ ${unclosed.part.kind} } without its %{ end${unclosed.part.kind} }`);
  return root;
}

/** The text with the whitespace of its last piece removed (the piece after its last-but-final newline). */
function stripEnd(text: string, lines: boolean): string {
  let cut = 0;
  if (lines) {
    const from = text.endsWith("\n") ? text.length - 2 : text.length - 1;
    cut = from < 0 ? 0 : text.lastIndexOf("\n", from) + 1;
  }
  return text.slice(0, cut) + text.slice(cut).replace(/\s+$/u, "");
}

/** The text with the leading whitespace of its first piece (up to and including its first newline) removed. */
function stripStart(text: string, lines: boolean): string {
  const nl = lines ? text.indexOf("\n") : -1;
  const end = nl < 0 ? text.length : nl + 1;
  return text.slice(0, end).replace(/^\s+/u, "") + text.slice(end);
}
