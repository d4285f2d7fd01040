/**
 * A reader's defect (an exception that is no input error, caught so the file's other records are
 * read): a `reader-defect` warning of severity error (the CLI says it as an error and exits 3,
 * test/cli/input-warning-labels.test.ts), and with LEASTROLE_DEBUG its stack trace on stderr, for
 * the bug report the error line asks for. Before, the stack was lost: LEASTROLE_DEBUG printed nothing.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { InputError } from "../../src/errors.js";
import { FileContext } from "../../src/sources/record-reader.js";

describe("a reader's defect", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  const defect = () => {
    try {
      (undefined as unknown as { Arn: string }).Arn.toString();
    } catch (e) {
      return e;
    }
    throw new Error("no defect");
  };

  it("is a reader-defect warning, partial; its stack on stderr only with LEASTROLE_DEBUG", () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    vi.stubEnv("LEASTROLE_DEBUG", "");
    const quiet = new FileContext("functions.json");
    quiet.report(defect());
    expect(quiet.warnings.map((w) => [w.code, w.severity, w.file])).toEqual([["reader-defect", "error", "functions.json"]]);
    expect(quiet.warnings[0]?.message).toMatch(/^internal error while reading: Cannot read properties of undefined/);
    expect(quiet.partial).toBe(true);
    expect(written).toEqual([]);
    vi.stubEnv("LEASTROLE_DEBUG", "1");
    new FileContext("functions.json").report(defect());
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^leastrole: debug: functions\.json: TypeError: Cannot read properties of undefined[^]*\n {4}at /);
    // An input error is no defect: no stack, whatever LEASTROLE_DEBUG says.
    const input = new FileContext("functions.json");
    input.report(new InputError("Functions[0].Role: missing", { file: "functions.json" }));
    expect(input.warnings.map((w) => w.code)).toEqual(["invalid-record"]);
    expect(written).toHaveLength(1);
  });
});
