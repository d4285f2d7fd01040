/**
 * Evaluating HCL expressions (src/sources/terraform/hcl/evaluate.ts): Terraform's results for the
 * forms policies are written in, unknown values written as placeholders only where a string is
 * made, and a law: any JSON value written as HCL comes back from `jsonencode` unchanged.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { packageRoot } from "../../src/evaluate/locate.js";
import { globToRegExp } from "../../src/sources/terraform/config-expressions.js";
import { describe, expect, it } from "vitest";
import { applyPath, evaluate, Unknown, type EvalContext, type HclValue, type PathStep } from "../../src/sources/terraform/hcl/evaluate.js";
import { parseHclExpression } from "../../src/sources/terraform/hcl/parse.js";

/** A resolver over a fixed set of references (`var.x`, `aws_sqs_queue.q.arn`…); the rest is unknown. */
function ctxOf(refs: Record<string, HclValue>): EvalContext {
  return {
    placeholders: [],
    // The longest prefix of the reference that is in `refs`, the rest applied to its value.
    resolve: (root: string, path: PathStep[], text: string) => {
      for (let n = path.length; n >= 0; n--) {
        const key = [root, ...path.slice(0, n).map((p) => ("attr" in p ? p.attr : `[${JSON.stringify(p.index)}]`))].join(".");
        if (Object.hasOwn(refs, key)) return applyPath(refs[key] as HclValue, path.slice(n), text);
      }
      return undefined;
    },
  };
}

const run = (src: string, refs: Record<string, HclValue> = {}): { value: HclValue; placeholders: string[] } => {
  const ctx = ctxOf(refs);
  return { value: evaluate(parseHclExpression(src), ctx), placeholders: ctx.placeholders };
};
const v = (src: string, refs: Record<string, HclValue> = {}): HclValue => run(src, refs).value;

describe("evaluating HCL", () => {
  it("jsonencode writes keys in lexical order, as Terraform does", () => {
    expect(v('jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })')).toBe(
      '{"Statement":[{"Action":"s3:GetObject","Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}',
    );
  });

  it("references, templates, and a template that is one interpolation keeps its value's type", () => {
    const refs = { "var.env": "prod", "var.tables": ["a", "b"], "aws_sqs_queue.q.arn": "arn:aws:sqs:eu-west-1:111122223333:q" };
    expect(v('"orders-${var.env}"', refs)).toBe("orders-prod");
    expect(v('"${var.tables}"', refs)).toEqual(["a", "b"]);
    expect(v("aws_sqs_queue.q.arn", refs)).toBe("arn:aws:sqs:eu-west-1:111122223333:q");
    expect(v("var.tables[1]", refs)).toBe("b");
  });

  it("an unknown value is a placeholder where a string is made, and Unknown elsewhere", () => {
    const r = run('jsonencode({ Resource = ["${aws_dynamodb_table.t.arn}/index/*", aws_sqs_queue.q.arn] })');
    expect(r.value).toBe('{"Resource":["${aws_dynamodb_table.t.arn}/index/*","${aws_sqs_queue.q.arn}"]}');
    expect(r.placeholders).toEqual(["${aws_dynamodb_table.t.arn}", "${aws_sqs_queue.q.arn}"]);
    expect(v("upper(var.unknown)")).toBeInstanceOf(Unknown);
    expect((v("var.a == 1 ? 2 : 3") as Unknown).text).toBe("var.a == 1 ? 2 : 3");
  });

  it("for expressions, conditionals, splats and the functions policies use", () => {
    const refs = { "var.tables": ["orders", "customers"], "var.on": true, "var.m": { b: 2, a: 1 }, "aws_sqs_queue.q": [{ arn: "q1" }, { arn: "q2" }] };
    expect(v('[for t in var.tables : "table/${t}" if t != "customers"]', refs)).toEqual(["table/orders"]);
    expect(v("{for k, n in var.m : n => k}", refs)).toEqual({ "1": "a", "2": "b" });
    expect(v('{for t in ["a", "b", "a"] : t => t...}')).toEqual({ a: ["a", "a"], b: ["b"] });
    expect(v('var.on ? ["x"] : []', refs)).toEqual(["x"]);
    expect(v("aws_sqs_queue.q[*].arn", refs)).toEqual(["q1", "q2"]);
    expect(v('concat(["a"], ["b"], [])')).toEqual(["a", "b"]);
    expect(v('flatten([["a"], [["b"]]])')).toEqual(["a", "b"]);
    expect(v('merge({ a = 1 }, { a = 2, b = 3 })')).toEqual({ a: 2, b: 3 });
    expect(v('distinct(["a", "b", "a"])')).toEqual(["a", "b"]);
    expect(v('toset(["b", "a", "b"])')).toEqual(["a", "b"]);
    expect(v('join(",", ["a", "b"])')).toBe("a,b");
    expect(v('format("arn:aws:s3:::%s/%s", "b", "*")')).toBe("arn:aws:s3:::b/*");
    expect(v('format("%08.3f", 1)')).toBeInstanceOf(Unknown);
    expect(v('replace("a-b-c", "-", "_")')).toBe("a_b_c");
    expect(v('replace("a-b", "/-/", "_")')).toBeInstanceOf(Unknown); // RE2 patterns are not reproduced
    expect(v('lookup({ a = "x" }, "b", "d")')).toBe("d");
    expect(v('jsondecode("{\\"a\\": [1]}")')).toEqual({ a: [1] });
    // try: the first argument that is not an error; an unknown one is returned as it is (Terraform
    // returns unknown: the value it will have), never passed over for the fallback.
    expect(v("try(var.missing, \"fallback\")")).toBeInstanceOf(Unknown);
    expect(v('try({ a = 1 }.b, "d")')).toBe("d");
    expect(v('try(["a"][3], "d")')).toBe("d");
    expect(v('try("${{ a = 1 }.b}-x", "d")')).toBe("d");
    expect(v('try(upper({ a = 1 }.b), "d")')).toBe("d");
    expect(v('try([{ a = 1 }.b], "d")')).toBe("d");
    expect(v('try(x.arn, "d")', { x: { arn: new Unknown("aws_sqs_queue.q.arn") } })).toBeInstanceOf(Unknown);
    expect(v('try([x.arn, "b"], "d")', { x: { arn: new Unknown("aws_sqs_queue.q.arn") } })).toEqual([new Unknown("aws_sqs_queue.q.arn"), "b"]);
    expect(v("try({ a = 1 }.b, null)")).toBeNull();
    expect(v('try(x.missing, x.arn, "d")', { x: { arn: "arn:aws:sqs:eu-west-1:1:q" } })).toBe("arn:aws:sqs:eu-west-1:1:q");
    expect(v('concat(["a"], list...)', { list: [["b"]] })).toEqual(["a", "b"]);
    expect(v("1 + 2 * 3 - 4 % 3")).toBe(6);
    // Without a way to read files, file and templatefile are unknown.
    expect(v("templatefile(\"p.tpl\", {})")).toBeInstanceOf(Unknown);
  });

  it("templates as Terraform renders them: directives and strip markers (recorded with `terraform console`)", () => {
    const recorded = JSON.parse(readFileSync(join(packageRoot(), "test", "iac", "fixtures", "hcl-templates", "rendered.json"), "utf8")) as {
      vars: Record<string, HclValue>;
      cases: Array<{ template: string; rendered: string }>;
    };
    expect(recorded.cases.length).toBeGreaterThanOrEqual(200);
    for (const c of recorded.cases) {
      const ctx: EvalContext = { ...ctxOf({}), readFile: (path) => (path === "t.tftpl" ? c.template : undefined) };
      const vars = Object.entries(recorded.vars).map(([k, x]) => `${k} = jsondecode(${JSON.stringify(JSON.stringify(x))})`);
      expect({ template: c.template, rendered: evaluate(parseHclExpression(`templatefile("t.tftpl", { ${vars.join(", ")} })`), ctx) }).toEqual(c);
    }
  });

  it("functions as Terraform computes them (recorded with `terraform console`): the same value, or unknown, never another", () => {
    const recorded = JSON.parse(readFileSync(join(packageRoot(), "test", "iac", "fixtures", "hcl-templates", "rendered.json"), "utf8")) as {
      functions: Array<{ expression: string; value?: unknown; error?: true }>;
    };
    const written = (JSON.parse(readFileSync(join(packageRoot(), "test", "iac", "fixtures", "hcl-templates", "templates.json"), "utf8")) as { expressions: string[] }).expressions;
    expect(recorded.functions.length).toBeGreaterThanOrEqual(300);
    let same = 0;
    for (const f of recorded.functions) {
      const ours = v(f.expression);
      // The written ones are the forms policies use: each must be reproduced exactly, an error
      // as an error (what `try` and `can` pass over).
      if (written.includes(f.expression)) {
        if (f.error) expect({ expression: f.expression, error: ours instanceof Unknown && ours.error }).toEqual(f);
        else expect({ expression: f.expression, value: ours }).toEqual(f);
      }
      // Where Terraform rejects the call, unknown; else its value, or unknown.
      else if (f.error) expect({ expression: f.expression, unknown: ours instanceof Unknown }).toEqual({ expression: f.expression, unknown: true });
      else if (!(ours instanceof Unknown)) expect({ expression: f.expression, value: ours }).toEqual(f);
      if (!f.error && !(ours instanceof Unknown)) same++;
    }
    // Unknown is the safe answer for Terraform's own edge cases, not the usual one.
    expect(same / recorded.functions.filter((f) => !f.error).length).toBeGreaterThan(0.85);
    // What Terraform rejects is unknown here, never a guess.
    for (const bad of ['formatlist("%s", ["a"], ["b", "c"])', 'one(["a", "b"])', 'slice(["a"], 1, 3)', 'index(["a"], "z")', 'zipmap(["a"], [])', 'element(["a", "b"], -1)']) expect(v(bad)).toBeInstanceOf(Unknown);
    // A function named like an Object method is no function (Terraform: "Call to unknown function").
    for (const bad of ['constructor("x")', "toString()", "valueOf(1)"]) expect(v(bad)).toBeInstanceOf(Unknown);
    expect(v("var.m.constructor", { "var.m": { a: "1" } })).toBeInstanceOf(Unknown);
    // A key named like Object's own is a key like any other: `__proto__` was dropped (and set the
    // object's prototype), `constructor` found Object's.
    expect(v('jsonencode({ "__proto__" = "x", a = 1 })')).toBe('{"__proto__":"x","a":1}');
    expect(v('jsonencode(merge({ a = 1 }, { "__proto__" = { b = 2 } }))')).toBe('{"__proto__":{"b":2},"a":1}');
    expect(v('jsonencode({ for k in ["__proto__", "a"] : k => 1 })')).toBe('{"__proto__":1,"a":1}');
    expect(v('jsonencode(zipmap(["__proto__"], [1]))')).toBe('{"__proto__":1}');
    expect(v('keys({ "__proto__" = 1 })')).toEqual(["__proto__"]);
    expect(v('lookup({ a = 1 }, "constructor", "d")')).toBe("d");
    expect(v('lookup(jsondecode("{}"), "hasOwnProperty", "d")')).toBe("d");
  });

  it("fileset globs as Terraform matches them (recorded with `terraform console` on the same files)", () => {
    const files = [".hidden.json", "a.json", "b.json", "d.txt", "f-1.json", "sub/c.json", "sub/deeper/e.json"];
    const cases: Record<string, string[] | null> = {
      "*.json": [".hidden.json", "a.json", "b.json", "f-1.json"],
      "**/*.json": [".hidden.json", "a.json", "b.json", "f-1.json", "sub/c.json", "sub/deeper/e.json"],
      "**": files,
      "{a,d}.*": ["a.json", "d.txt"],
      "[ab].json": ["a.json", "b.json"],
      "[^ab].json": [],
      "?.json": ["a.json", "b.json"],
      "sub/**": ["sub/c.json", "sub/deeper/e.json"],
      "sub/*/*.json": ["sub/deeper/e.json"],
      "*-?.json": ["f-1.json"],
      "[a-b].json": ["a.json", "b.json"],
      "{*.txt,sub/*.json}": null, // Terraform: "syntax error in pattern"
    };
    for (const [pattern, expected] of Object.entries(cases)) {
      const re = globToRegExp(pattern);
      expect({ pattern, matched: re ? files.filter((f) => re.test(f)) : null }).toEqual({ pattern, matched: expected });
    }
    // Any pattern gives a matcher or undefined (a pattern Terraform would reject), never an exception.
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."*?[]{},^!-/\\a.b".split("")), maxLength: 16 }), (pattern) => {
        const re = globToRegExp(pattern);
        expect(re === undefined || re instanceof RegExp).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("file and templatefile read through the context; a value known only after apply becomes its placeholder", () => {
    const files: Record<string, string> = {
      "modules/fn/policy.json.tftpl": '{"Statement":[{"Effect":"Allow","Action":"sqs:ReceiveMessage","Resource":[%{ for i, q in queues }%{ if i > 0 },%{ endif }"${q}"%{ endfor }]}]}',
      "policy.json": '{"Statement":[]}',
      "uses-var.tftpl": "${var.region}",
    };
    const ctx: EvalContext = { ...ctxOf({ "path.module": "modules/fn", "aws_sqs_queue.dlq.arn": "arn:aws:sqs:eu-west-1:111122223333:dlq" }), readFile: (path) => files[path] };
    const value = evaluate(parseHclExpression('templatefile("${path.module}/policy.json.tftpl", { queues = [aws_sqs_queue.jobs.arn, aws_sqs_queue.dlq.arn] })'), ctx);
    expect(JSON.parse(value as string)).toEqual({ Statement: [{ Effect: "Allow", Action: "sqs:ReceiveMessage", Resource: ["${aws_sqs_queue.jobs.arn}", "arn:aws:sqs:eu-west-1:111122223333:dlq"] }] });
    expect(ctx.placeholders).toEqual(["${aws_sqs_queue.jobs.arn}"]);
    expect(evaluate(parseHclExpression('file("policy.json")'), ctx)).toBe('{"Statement":[]}');
    // In a template file only its variables are in scope (Terraform: "Invalid reference").
    expect(evaluate(parseHclExpression('templatefile("uses-var.tftpl", {})'), ctx)).toBeInstanceOf(Unknown);
    // A file that cannot be read, vars that are not an object, a directive over an unknown list: unknown, never a guess.
    expect(evaluate(parseHclExpression('file("missing.json")'), ctx)).toBeInstanceOf(Unknown);
    expect(evaluate(parseHclExpression('templatefile("policy.json", "x")'), ctx)).toBeInstanceOf(Unknown);
    expect(evaluate(parseHclExpression('templatefile("${path.module}/policy.json.tftpl", { queues = aws_sqs_queue.all[*].arn })'), ctx)).toBeInstanceOf(Unknown);
  });

  it("a directive over a value known only after apply leaves the template unknown", () => {
    expect(v('"%{ if true }a%{ endif }"')).toBe("a");
    expect(v('"%{ if var.on }a%{ endif }"')).toBeInstanceOf(Unknown);
    expect(v('"%{ for x in var.l }${x}%{ endfor }"', { "var.l": ["a", "b"] })).toBe("ab");
    expect(v('"%{ for x in var.l }${x}%{ endfor }"')).toBeInstanceOf(Unknown);
  });

  it("numbers and operators as Terraform's arbitrary-precision numbers give them, else unknown (checked with terraform console)", () => {
    expect(v("0.1 + 0.2")).toBe(0.3);
    expect(v("7 / 2")).toBe(3.5);
    expect(v('"x${3 * 1.5}"')).toBe("x4.5");
    expect(v('-"9"')).toBe(-9);
    expect(v('"10" + 1')).toBe(11);
    // A conditional's branches share a type: a number against a quoted string is a string.
    expect(v('true ? 10 : "x"')).toBe("10");
    expect(v("true ? 10 : 20")).toBe(10);
    // Terraform writes 1/3 with 155 digits, 1e21 and 2e-7 with every digit: not reproduced, unknown.
    for (const x of ["1 / 3", "tostring(1e21)", "jsonencode([0.5, 2e-7])", "9007199254740993 * 2", "1.5 % 1"]) expect(v(x)).toBeInstanceOf(Unknown);
    // Only strings, numbers and bools can be interpolated: a known list makes the template unknown.
    expect(v('"a${["x"]}b"')).toBeInstanceOf(Unknown);
    expect(v('"a${null}b"')).toBeInstanceOf(Unknown);
  });

  it("a placeholder written into JSON text keeps it JSON: no quote, backslash or line break of the expression", () => {
    const src = 'x = <<-EOT\n  {"Resource": ["${aws_sqs_queue.q["a"].url}", "${join("\\\\n", [\n  aws_sqs_queue.q["b"].url])}"]}\n  EOT\n';
    const ctx = ctxOf({});
    const value = evaluate(parseHclExpression(src.slice(src.indexOf("<<"))), ctx) as string;
    expect(JSON.parse(value)).toEqual({ Resource: ["${aws_sqs_queue.q['a'].url}", "${join('//n', [ aws_sqs_queue.q['b'].url])}"] });
    expect(ctx.placeholders).toEqual(["${aws_sqs_queue.q['a'].url}", "${join('//n', [ aws_sqs_queue.q['b'].url])}"]);
  });

  it("heredoc JSON with interpolations", () => {
    const src = 'x = <<-EOT\n  {"Resource": "arn:aws:logs:${var.region}:${var.account}:log-group:/aws/lambda/${var.name}:*"}\n  EOT\n';
    const expr = parseHclExpression(src.slice(src.indexOf("<<")));
    const ctx = ctxOf({ "var.region": "eu-west-1", "var.account": "111122223333", "var.name": "fn" });
    expect(JSON.parse(evaluate(expr, ctx) as string)).toEqual({ Resource: "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/fn:*" });
  });
});

/** A JSON value written as an HCL expression, with the spellings Terraform users mix. */
function toHcl(value: unknown, style: number): string {
  if (value === null) return "null";
  if (typeof value === "string") return hclString(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map((x) => toHcl(x, style)).join(style % 2 === 0 ? ", " : ",\n")}${style % 3 === 0 && value.length > 0 ? "," : ""}]`;
  const entries = Object.entries(value as Record<string, unknown>).map(([k, x], i) => {
    const key = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) && !["true", "false", "null", "for"].includes(k) && i % 2 === 0 ? k : hclString(k);
    return `${key} ${style % 2 === 0 ? "=" : ":"} ${toHcl(x, style)}`;
  });
  return `{${entries.join(style % 2 === 0 ? ", " : "\n")}}`;
}

function hclString(s: string): string {
  const escaped = JSON.stringify(s)
    // A function, not a string: in a replacement string `$$` means one `$`.
    .replace(/\$\{/g, () => "$${")
    .replace(/%\{/g, () => "%%{");
  return escaped;
}

describe("a law", () => {
  it("jsonencode of any JSON value written as HCL gives back that value", () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: "small" }, fc.string(), fc.constantFrom("${aws_x.y.arn}", "%{ if a }", "$${", "\\\"\n"), fc.integer(), fc.boolean(), fc.constant(null), tie("array"), tie("object")),
      array: fc.array(tie("value"), { maxLength: 4 }),
      object: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), tie("value"), { maxKeys: 4 }),
    })).value;
    fc.assert(
      fc.property(json, fc.nat(5), (value, style) => {
        const out = evaluate(parseHclExpression(`jsonencode(${toHcl(value, style)})`), ctxOf({}));
        expect(typeof out).toBe("string");
        expect(JSON.parse(out as string)).toEqual(value);
      }),
      { numRuns: 300 },
    );
  });
});
