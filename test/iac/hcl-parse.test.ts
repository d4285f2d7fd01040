/**
 * The HCL parser (src/sources/terraform/hcl/parse.ts) on the constructs of the native syntax spec
 * (hashicorp/hcl hclsyntax/spec.md) and on the configurations in this repository's fixtures, and
 * its errors: a line and what was expected, never a stack trace.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";
import fc from "fast-check";
import { HclSyntaxError, type Expr, type TemplatePart } from "../../src/sources/terraform/hcl/ast.js";
import { evaluate, Unknown } from "../../src/sources/terraform/hcl/evaluate.js";
import { parseHcl, parseHclExpression, parseHclTemplate } from "../../src/sources/terraform/hcl/parse.js";

const kinds = (e: Expr): unknown => {
  switch (e.kind) {
    case "literal":
      return e.value;
    case "template":
      return { t: parts(e.parts) };
    case "tuple":
      return e.items.map(kinds);
    case "object":
      return { o: e.items.map((i) => [kinds(i.key), kinds(i.value)]) };
    case "variable":
      return `$${e.name}`;
    case "traversal":
      return { tr: [kinds(e.target), ...e.steps.map((s) => (s.kind === "attr" ? `.${s.name}` : s.kind === "index" ? ["[]", kinds(s.key)] : s.full ? "[*]" : ".*"))] };
    case "call":
      return { call: e.name, args: e.args.map(kinds), ...(e.expandFinal ? { expand: true } : {}) };
    case "unary":
      return [e.op, kinds(e.operand)];
    case "binary":
      return [kinds(e.left), e.op, kinds(e.right)];
    case "conditional":
      return { if: kinds(e.condition), then: kinds(e.then), else: kinds(e.else) };
    case "for":
      return { for: [e.keyVar, e.valueVar], in: kinds(e.collection), key: e.key ? kinds(e.key) : null, value: kinds(e.value), if: e.condition ? kinds(e.condition) : null, group: e.group };
    case "paren":
      return { p: kinds(e.expr) };
  }
};
const parts = (ps: TemplatePart[]): unknown[] =>
  ps.map((p) => {
    if (p.kind === "text") return p.text;
    if (p.kind === "interp") return kinds(p.expr);
    if (p.kind === "if") return { "%if": kinds(p.condition), then: parts(p.then), else: parts(p.else) };
    return { "%for": [p.keyVar, p.valueVar], in: kinds(p.collection), body: parts(p.body) };
  });
const x = (src: string): unknown => kinds(parseHclExpression(src));
/** A file's parse error as "line: message", or "parsed". */
const err = (src: string): string => {
  try {
    parseHcl(src);
    return "parsed";
  } catch (e) {
    return `${(e as HclSyntaxError).line}: ${(e as Error).message}`;
  }
};

describe("HCL expressions", () => {
  it("literals, numbers and templates with escapes and interpolations", () => {
    expect(x("true")).toBe(true);
    expect(x("null")).toBe(null);
    expect(x("1.5e3")).toBe(1500);
    expect(x(String.raw`"a\"b\\c\n\u00e9"`)).toEqual({ t: ['a"b\\c\né'] });
    expect(x('"arn:${data.aws_partition.p.partition}:s3:::${var.bucket}/*"')).toEqual({ t: ["arn:", { tr: ["$data", ".aws_partition", ".p", ".partition"] }, ":s3:::", { tr: ["$var", ".bucket"] }, "/*"] });
    // `$${` and `%%{` are the literal text `${` and `%{`; `~` strip markers are accepted.
    expect(x('"$${aws:username} %%{x}"')).toEqual({ t: ["${aws:username} %{x}"] });
    expect(x('"${~ var.a ~}"')).toEqual({ t: [{ tr: ["$var", ".a"] }] });
    expect(x('"%{ if var.on }yes%{ endif }"')).toEqual({ t: [{ "%if": { tr: ["$var", ".on"] }, then: ["yes"], else: [] }] });
  });

  it("template directives nest, and strip markers remove the whitespace beside them (spec: Template Directives, Template Interpolation Unwrapping)", () => {
    expect(x('"a %{ for k, v in var.m }[${k}]%{ endfor } b"')).toEqual({
      t: ["a ", { "%for": ["k", "v"], in: { tr: ["$var", ".m"] }, body: ["[", "$k", "]"] }, " b"],
    });
    expect(x('"%{ if a }x%{ else }%{ if b }y%{ endif }%{ endif }"')).toEqual({ t: [{ "%if": "$a", then: ["x"], else: [{ "%if": "$b", then: ["y"], else: [] }] }] });
    // `~` strips the whitespace of the one line's worth of text beside it (Terraform's scanner cuts
    // template text after each newline), so directives on lines of their own leave no blank line.
    const doc = parseHcl('p = <<EOT\n[\n  %{~ for t in var.tables ~}\n  "${t}",\n  %{~ endfor ~}\n  "x"\n]\nEOT\n');
    expect(kinds(doc.attributes[0]?.expr as Expr)).toEqual({ t: ["[\n", { "%for": [null, "t"], in: { tr: ["$var", ".tables"] }, body: ['  "', "$t", '",\n'] }, '  "x"\n]\n'] });
    expect(x('"a  ${~ b ~}  c"')).toEqual({ t: ["a", "$b", "c"] });
    expect(x('"a  ${ b }  c"')).toEqual({ t: ["a  ", "$b", "  c"] });
  });

  it("a directive out of place is an error at its own line", () => {
    expect(err('a = 1\np = <<EOT\nx\n%{ endfor }\nEOT\n')).toBe("4: %{ endfor } without a matching %{ for }");
    expect(err('p = "%{ if a }x%{ else }y%{ else }z%{ endif }"')).toBe("1: %{ else } without a matching %{ if }");
    expect(err('p = <<EOT\n\n%{ for x in y }\nEOT\n')).toBe("3: %{ for } without its %{ endfor }");
    expect(err('p = "%{ while x }"')).toBe("1: expected for, if, else, endif or endfor after '%{', found 'while'");
    expect(err('p = "%{ for x y }"')).toBe("1: expected 'in' in a %{ for } directive");
  });

  it("operators by precedence, unary operators, conditionals and parentheses", () => {
    expect(x("1 + 2 * 3")).toEqual([1, "+", [2, "*", 3]]);
    expect(x("a || b && !c")).toEqual(["$a", "||", ["$b", "&&", ["!", "$c"]]]);
    expect(x("var.n >= 2 ? \"many\" : \"one\"")).toEqual({ if: [{ tr: ["$var", ".n"] }, ">=", 2], then: { t: ["many"] }, else: { t: ["one"] } });
    expect(x("-(1 - 2)")).toEqual(["-", { p: [1, "-", 2] }]);
    expect(x("a != b == c")).toEqual([["$a", "!=", "$b"], "==", "$c"]);
  });

  it("traversals: attributes, indices, legacy .0 indices and both splats", () => {
    expect(x('aws_iam_role.r["a b"].arn')).toEqual({ tr: ["$aws_iam_role", ".r", ["[]", { t: ["a b"] }], ".arn"] });
    expect(x("aws_instance.x.0.id")).toEqual({ tr: ["$aws_instance", ".x", ["[]", 0], ".id"] });
    expect(x("aws_sqs_queue.q[*].arn")).toEqual({ tr: ["$aws_sqs_queue", ".q", "[*]", ".arn"] });
    expect(x("aws_sqs_queue.q.*.arn")).toEqual({ tr: ["$aws_sqs_queue", ".q", ".*", ".arn"] });
    expect(x("func(1)[0]")).toEqual({ tr: [{ call: "func", args: [1] }, ["[]", 0]] });
  });

  it("calls: varargs expansion, provider functions, nested calls over lines", () => {
    expect(x("concat(a, b...)")).toEqual({ call: "concat", args: ["$a", "$b"], expand: true });
    expect(x('provider::aws::arn_parse("arn:aws:s3:::b")')).toEqual({ call: "provider::aws::arn_parse", args: [{ t: ["arn:aws:s3:::b"] }] });
    expect(x("jsonencode({\n  a = [\n    1,\n    2,\n  ]\n})")).toEqual({ call: "jsonencode", args: [{ o: [["a", [1, 2]]] }] });
  });

  it("objects: = and : separators, commas or new lines, bare, quoted and parenthesised keys", () => {
    expect(x('{ a = 1, "b" : 2\n c = 3 }')).toEqual({ o: [["a", 1], [{ t: ["b"] }, 2], ["c", 3]] });
    // A bare identifier key is its name; a parenthesised one is an expression.
    expect(x("{ (var.k) = 1 }")).toEqual({ o: [[{ p: { tr: ["$var", ".k"] } }, 1]] });
  });

  it("for expressions: lists, objects, two variables, conditions and grouping", () => {
    expect(x("[for s in var.list : upper(s) if s != \"\"]")).toEqual({ for: [null, "s"], in: { tr: ["$var", ".list"] }, key: null, value: { call: "upper", args: ["$s"] }, if: ["$s", "!=", { t: [] }], group: false });
    expect(x("{for k, v in var.map : v => k...}")).toEqual({ for: ["k", "v"], in: { tr: ["$var", ".map"] }, key: "$v", value: "$k", if: null, group: true });
  });

  it("heredocs: the body is a template; <<- removes the common indent", () => {
    const doc = parseHcl('p = <<-EOT\n    {\n      "Resource": "${aws_s3_bucket.b.arn}"\n    }\n  EOT\nq = 1\n');
    expect(doc.attributes.map((a) => a.name)).toEqual(["p", "q"]);
    expect(kinds(doc.attributes[0]?.expr as Expr)).toEqual({ t: ['{\n  "Resource": "', { tr: ["$aws_s3_bucket", ".b", ".arn"] }, '"\n}\n'] });
    // The interpolation's line is the file's, not the heredoc's.
    const interp = (doc.attributes[0]?.expr as Expr & { kind: "template" }).parts[1];
    expect(interp?.kind === "interp" && interp.expr.span.line).toBe(3);
    // In a heredoc, a backslash is text (no escapes).
    expect(kinds(parseHcl("p = <<EOT\na\\nb\nEOT\n").attributes[0]?.expr as Expr)).toEqual({ t: ["a\\nb\n"] });
  });

  it("a <<- heredoc of 200,000 lines is parsed (its common indent was a Math.min spread, past V8's argument limit)", () => {
    const body = Array.from({ length: 200_000 }, (_, i) => (i === 0 ? "  a" : "    b")).join("\n");
    const doc = parseHcl(`p = <<-EOT\n${body}\n  EOT\n`);
    const text = kinds(doc.attributes[0]?.expr as Expr) as { t: string[] };
    expect(text.t.join("").split("\n").slice(0, 2)).toEqual(["a", "  b"]);
  });
});

describe("HCL bodies", () => {
  it("attributes and blocks with quoted and bare labels, one-line blocks, comments of three kinds", () => {
    const body = parseHcl(
      [
        "# a comment",
        'resource "aws_iam_role" "r" { # trailing',
        "  name = \"x\" // another",
        "  /* a block",
        "     comment */",
        "  inline_policy {",
        '    name = "p"',
        "  }",
        "}",
        'data aws_iam_policy_document "d" { version = "2012-10-17" }',
        "locals {}",
      ].join("\r\n"),
    );
    expect(body.blocks.map((b) => [b.type, b.labels, b.span.line])).toEqual([
      ["resource", ["aws_iam_role", "r"], 2],
      ["data", ["aws_iam_policy_document", "d"], 10],
      ["locals", [], 11],
    ]);
    expect(body.blocks[0]?.body.blocks[0]?.body.attributes[0]?.span.line).toBe(7);
    expect(body.blocks[1]?.body.attributes.map((a) => a.name)).toEqual(["version"]);
  });

  it("a byte order mark and a file without a final new line", () => {
    expect(parseHcl('\uFEFFa = "b"').attributes[0]?.name).toBe("a");
  });

  it("every .tf file of the repository's fixtures parses", () => {
    const root = join(packageRoot(), "test");
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const n of readdirSync(d)) {
        const p = join(d, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (n.endsWith(".tf")) files.push(p);
      }
    };
    walk(root);
    expect(files.length).toBeGreaterThanOrEqual(12);
    const failures = files.flatMap((f) => {
      try {
        parseHcl(readFileSync(f, "utf8"));
        return [];
      } catch (e) {
        return [`${relative(root, f)}: ${(e as Error).message}`];
      }
    });
    expect(failures).toEqual([]);
  });

  it("errors name the line and what was expected", () => {
    expect(err('a = 1\nb = "open\n')).toBe("2: a quoted string cannot span lines (use a heredoc)");
    expect(err("resource \"x\" \"y\" {\n  a = 1\n")).toBe("3: expected '}', found end of file");
    expect(err("a = 1 b = 2")).toBe("1: expected a new line after a, found 'b'");
    expect(err("p = <<EOT\nno end\n")).toBe("3: unterminated heredoc: no line 'EOT'");
    expect(err("a = [1, 2\n")).toBe("2: expected ',' or ']' in a list, found end of file");
    expect(err("= 1")).toBe("1: expected an attribute or block name, found '='");
    expect(err(`a = ${"[".repeat(100_000)}`)).toMatch(/^1: expressions nested too deeply$/);
  });
});

describe("laws of the parser and the evaluator on any input", () => {
  const sample = readFileSync(join(packageRoot(), "test", "iac", "fixtures", "terraform-config-policies", "main.tf"), "utf8");
  const alphabet = fc.constantFrom(..."{}[]()\"'$%~<>=!?:,.*/#\\-+\n\t abc_0123EOT".split(""));

  it("a file either parses or fails with HclSyntaxError and a line inside it, never another error", () => {
    const mutated = fc.tuple(fc.nat(sample.length), fc.nat(40), fc.string({ unit: alphabet, maxLength: 12 })).map(([at, cut, insert]) => sample.slice(0, at) + insert + sample.slice(at + cut));
    fc.assert(
      fc.property(fc.oneof(mutated, fc.string({ unit: alphabet, maxLength: 200 })), (text) => {
        try {
          parseHcl(text);
        } catch (e) {
          expect(e).toBeInstanceOf(HclSyntaxError);
          expect((e as HclSyntaxError).line).toBeGreaterThanOrEqual(1);
          expect((e as HclSyntaxError).line).toBeLessThanOrEqual(text.split("\n").length + 1);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("evaluating whatever parses never throws: a value, or Unknown", () => {
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 80 }), (text) => {
        let expr: Expr;
        try {
          expr = parseHclExpression(text);
        } catch {
          return;
        }
        const v = evaluate(expr, { placeholders: [], resolve: () => undefined });
        expect(v === undefined).toBe(false);
      }),
      { numRuns: 600 },
    );
  });

  it("a template file of any mix of text, interpolations, directives and strip markers parses or fails with a line in it; rendering never throws", () => {
    const fragment = fc.constantFrom("%{ if a }", "%{~ if b ~}", "%{ else }", "%{ endif ~}", "%{ for x in l }", "%{~ for k, v in m }", "%{ endfor }", "${x}", "${~ v ~}", "${", "%{", "}", "~", " ", "\n", "\t", "text", "$${", "%%{", '"');
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 24 }), (pieces) => {
        const text = pieces.join("");
        const files = { "t.tftpl": text };
        const ctx = { placeholders: [], resolve: () => undefined, readFile: (p: string) => files[p as "t.tftpl"] };
        try {
          parseHclTemplate(text);
        } catch (e) {
          expect(e).toBeInstanceOf(HclSyntaxError);
          expect((e as HclSyntaxError).line).toBeGreaterThanOrEqual(1);
          expect((e as HclSyntaxError).line).toBeLessThanOrEqual(text.split("\n").length + 1);
          return;
        }
        const v = evaluate(parseHclExpression('templatefile("t.tftpl", { a = true, b = false, l = ["p", "q"], m = { k = "w" }, x = "X", v = "V" })'), ctx);
        expect(typeof v === "string" || v instanceof Unknown).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });
});
