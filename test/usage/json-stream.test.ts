/**
 * jsonValues: the values of a file holding several (JSON Lines, `}{` back to back as Firehose
 * writes them, pretty-printed documents one after another), and where each one is; a value that
 * breaks costs itself only.
 */
import { describe, expect, it } from "vitest";
import { jsonValues } from "../../src/usage/json-stream.js";

const spans = (text: string, origin?: { line: number; column: number }) => [...jsonValues(text, origin)].map((v) => (v.error !== undefined ? { at: `${v.line}:${v.column}`, error: v.error } : { at: `${v.line}:${v.column}`, value: v.value }));

describe("jsonValues", () => {
  const cases: Array<[string, string, Array<{ at: string; value?: unknown; error?: string }>]> = [
    ["JSON Lines", '{"a":1}\n{"b":2}\n\n{"c":3}\n', [{ at: "1:1", value: { a: 1 } }, { at: "2:1", value: { b: 2 } }, { at: "4:1", value: { c: 3 } }]],
    ["objects back to back, no separator (Firehose)", '{"a":1}{"b":[2]}{"c":{}}', [{ at: "1:1", value: { a: 1 } }, { at: "1:8", value: { b: [2] } }, { at: "1:17", value: { c: {} } }]],
    ["strings holding }{, brackets, escaped quotes and backslashes", '{"m":"}{\\"]["}{"n":"x\\\\"}{"o":"\\\\\\"}{"}', [{ at: "1:1", value: { m: '}{"][' } }, { at: "1:15", value: { n: "x\\" } }, { at: "1:26", value: { o: '\\"}{' } }]],
    ["pretty-printed documents one after another", '{\n  "a": [\n    1\n  ]\n}\n{\n  "b": 2\n}', [{ at: "1:1", value: { a: [1] } }, { at: "6:1", value: { b: 2 } }]],
    ["values separated by commas, CRLF line ends", '{"a":1},\r\n{"b":2}\r\n', [{ at: "1:1", value: { a: 1 } }, { at: "2:1", value: { b: 2 } }]],
    ["arrays and objects mixed", '[{"a":1}]{"b":2}', [{ at: "1:1", value: [{ a: 1 }] }, { at: "1:10", value: { b: 2 } }]],
    ["a JSON Lines line cut short (no closing brace) costs that line only", '{"a":1}\n{"b":{"c":2}\n{"d":3}\n', [{ at: "1:1", value: { a: 1 } }, { at: "2:1", error: "the text ends inside this value (truncated?)" }, { at: "3:1", value: { d: 3 } }]],
    ["a line cut inside a string costs that line only", '{"a":"xy\n{"b":2}\n', [{ at: "1:1", error: "a string is not closed on its line" }, { at: "2:1", value: { b: 2 } }]],
    ["a value JSON.parse rejects", '{"a":1,}\n{"b":2}', [{ at: "1:1", error: expect.stringMatching(/^not JSON: /) as unknown as string }, { at: "2:1", value: { b: 2 } }]],
    ["text that is not a value: the rest of its line", 'garbage here\n{"a":1}', [{ at: "1:1", error: 'not JSON: "garbage here"' }, { at: "2:1", value: { a: 1 } }]],
    ["the text ends inside the last value", '{"a":1}{"b":"x', [{ at: "1:1", value: { a: 1 } }, { at: "1:8", error: "the text ends inside a string (truncated?)" }]],
  ];
  it.each(cases)("%s", (_what, text, expected) => {
    expect(spans(text)).toEqual(expected);
  });

  it("positions count from the origin given (the rest of a file after its first value)", () => {
    expect(spans('{"a":1}\n{"b":2}', { line: 3, column: 40 })).toEqual([
      { at: "3:40", value: { a: 1 } },
      { at: "4:1", value: { b: 2 } },
    ]);
  });

  it("a long line of values back to back is read in linear time", () => {
    const one = JSON.stringify({ eventVersion: "1.08", eventSource: "s3.amazonaws.com", eventName: "GetObject", requestParameters: { key: "a}{b" } });
    const text = one.repeat(50_000); // ~6 MB on one line, ~250,000 strings
    const t = performance.now();
    let n = 0;
    for (const v of jsonValues(text)) if (v.value !== undefined) n++;
    expect(n).toBe(50_000);
    // Quadratic (a newline search per string to the end of the line) took minutes here.
    expect(performance.now() - t).toBeLessThan(5_000);
  });
});
