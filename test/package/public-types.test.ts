/**
 * The SDK's surface is closed: every named type an exported function takes or returns (through
 * its options' fields, its result's fields, unions, arrays, promises …) is itself exported from
 * src/index.ts, and so is every error class the SDK throws (a LeastroleError subclass), so that an
 * embedder can name the type and `instanceof` the error. `generatePolicy(options: GenerateOptions):
 * PolicyBuild` and its FunctionNotFoundError were each reachable only from a src/ path that is not
 * a public import. Read with the TypeScript compiler, from the sources.
 */
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const root = packageRoot();
const src = join(root, "src");

function program(): { checker: ts.TypeChecker; index: ts.Symbol; sources: readonly ts.SourceFile[] } {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!config) throw new Error("cannot read tsconfig.json");
  const p = ts.createProgram([join(src, "index.ts")], { ...config.options, noEmit: true });
  const checker = p.getTypeChecker();
  const file = p.getSourceFile(join(src, "index.ts"))!;
  return { checker, index: checker.getSymbolAtLocation(file)!, sources: p.getSourceFiles() };
}

const { checker, index, sources } = program();

function resolved(s: ts.Symbol): ts.Symbol {
  return s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
}

/** What an embedder can name: the index's exports, and those of the namespaces it exports (`iam`). */
function reachable(): Set<ts.Symbol> {
  const out = new Set<ts.Symbol>();
  const visit = (module: ts.Symbol): void => {
    for (const e of checker.getExportsOfModule(module)) {
      const s = resolved(e);
      if (out.has(s)) continue;
      out.add(s);
      if (s.flags & ts.SymbolFlags.ValueModule) visit(s);
    }
  };
  visit(index);
  return out;
}

const public_ = reachable();

function declaredInSrc(s: ts.Symbol | undefined): ts.Declaration | undefined {
  return s?.declarations?.find((d) => d.getSourceFile().fileName.startsWith(src));
}

function where(d: ts.Declaration): string {
  return relative(root, d.getSourceFile().fileName);
}

/** Named types of src/ an exported function's signature refers to, directly or through fields. */
function unexportedInSignatures(): string[] {
  const missing = new Set<string>();
  const seen = new Set<ts.Type>();
  const visitType = (type: ts.Type, via: string): void => {
    if (seen.has(type)) return;
    seen.add(type);
    for (const named of [type.aliasSymbol, type.getSymbol()]) {
      const decl = declaredInSrc(named);
      if (!decl || !named) continue;
      const kind = decl.kind;
      const isNamedType =
        kind === ts.SyntaxKind.InterfaceDeclaration || kind === ts.SyntaxKind.TypeAliasDeclaration || kind === ts.SyntaxKind.ClassDeclaration || kind === ts.SyntaxKind.EnumDeclaration;
      if (isNamedType && !public_.has(named)) missing.add(`${named.getName()} (${where(decl)}), in ${via}`);
    }
    for (const t of type.aliasTypeArguments ?? []) visitType(t, via);
    if (type.isUnionOrIntersection()) for (const t of type.types) visitType(t, via);
    if (type.flags & ts.TypeFlags.Object) {
      const obj = type as ts.ObjectType;
      if (obj.objectFlags & ts.ObjectFlags.Reference) for (const t of checker.getTypeArguments(obj as ts.TypeReference)) visitType(t, via);
      // Fields and methods of src/'s own types and of anonymous ones; not of Node's or the AWS SDK's.
      const sym = type.getSymbol();
      const own = sym === undefined || declaredInSrc(sym) !== undefined || (sym.flags & ts.SymbolFlags.TypeLiteral) !== 0;
      if (own) {
        for (const prop of checker.getPropertiesOfType(type)) {
          const decl = prop.valueDeclaration ?? prop.declarations?.[0];
          if (!decl || !decl.getSourceFile().fileName.startsWith(src)) continue;
          visitType(checker.getTypeOfSymbolAtLocation(prop, decl), `${via} → ${prop.getName()}`);
        }
        for (const sig of [...type.getCallSignatures(), ...type.getConstructSignatures()]) visitSignature(sig, via);
      }
    }
  };
  const visitSignature = (sig: ts.Signature, via: string): void => {
    for (const p of sig.getParameters()) {
      const decl = p.valueDeclaration ?? p.declarations?.[0];
      if (decl) visitType(checker.getTypeOfSymbolAtLocation(p, decl), `${via}(${p.getName()})`);
    }
    visitType(sig.getReturnType(), `${via}() result`);
  };
  for (const s of public_) {
    const decl = declaredInSrc(s);
    if (!decl) continue;
    if (s.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class)) {
      const type = checker.getTypeOfSymbolAtLocation(s, decl);
      for (const sig of [...type.getCallSignatures(), ...type.getConstructSignatures()]) visitSignature(sig, s.getName());
    }
  }
  return [...missing].sort();
}

/** Classes of src/ that extend LeastroleError (what the SDK throws) and are not exported. */
function unexportedErrors(): string[] {
  const base = [...public_].find((s) => s.getName() === "LeastroleError")!;
  const missing: string[] = [];
  for (const file of sources) {
    if (!file.fileName.startsWith(src)) continue;
    file.forEachChild(function visit(node) {
      if (ts.isClassDeclaration(node) && node.name) {
        const sym = checker.getSymbolAtLocation(node.name)!;
        let t: ts.Type | undefined = checker.getDeclaredTypeOfSymbol(sym);
        let extendsBase = false;
        while (t && !extendsBase) {
          const bases: ts.BaseType[] = t.isClassOrInterface() ? checker.getBaseTypes(t) : [];
          t = bases[0];
          extendsBase = t?.getSymbol() === base;
        }
        if (extendsBase && !public_.has(sym)) missing.push(`${sym.getName()} (${where(node)})`);
      }
      node.forEachChild(visit);
    });
  }
  return missing.sort();
}

describe("the SDK's public types", () => {
  it("finds what it looks for (the walk reaches fields, unions, arrays and promises)", () => {
    // A sanity check of the walk itself: these are exported, and reached only through fields.
    expect(public_.size).toBeGreaterThan(100);
    expect(checker.getExportsOfModule(index).map((s) => s.getName())).toEqual(expect.arrayContaining(["audit", "AuditResult", "iam"]));
  });

  it("every named type in an exported function's parameters or result is exported", () => {
    expect(unexportedInSignatures()).toEqual([]);
  });

  it("every error class the SDK throws is exported, for instanceof", () => {
    expect(unexportedErrors()).toEqual([]);
  });
});
