/**
 * A minimal reader for the gzipped tar bundles that `opa build` writes (ustar, with the PAX and
 * GNU long-name extensions). Only regular files are returned; names are normalised without a
 * leading "/" or "./". Enough for OPA bundles; not a general-purpose tar implementation.
 */

import { gunzipSync } from "node:zlib";

const BLOCK = 512;

function field(buf: Buffer, start: number, length: number): string {
  const raw = buf.subarray(start, start + length);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul === -1 ? raw.length : nul).toString("utf8");
}

function octal(buf: Buffer, start: number, length: number): number {
  const text = field(buf, start, length).trim();
  if (text === "") return 0;
  const n = Number.parseInt(text, 8);
  if (!Number.isFinite(n) || n < 0) throw new Error(`bad size field ${JSON.stringify(text)} in tar header`);
  return n;
}

function normaliseName(name: string): string {
  return name.replace(/^\.?\/+/, "");
}

function paxPath(body: Buffer): string | undefined {
  // Records are "<len> <key>=<value>\n".
  let offset = 0;
  while (offset < body.length) {
    const space = body.indexOf(0x20, offset);
    if (space === -1) break;
    const len = Number.parseInt(body.subarray(offset, space).toString("ascii"), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const record = body.subarray(space + 1, offset + len - 1).toString("utf8");
    const eq = record.indexOf("=");
    if (eq !== -1 && record.slice(0, eq) === "path") return record.slice(eq + 1);
    offset += len;
  }
  return undefined;
}

/** Files of a gzipped (or plain) tar archive, by normalised path. Throws Error on a corrupt archive. */
export function readTarGz(archive: Buffer): Map<string, Buffer> {
  const tar = archive[0] === 0x1f && archive[1] === 0x8b ? gunzipSync(archive) : archive;
  const files = new Map<string, Buffer>();
  let offset = 0;
  let longName: string | undefined;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break; // end-of-archive marker
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] ?? 0x30);
    const prefix = field(header, 345, 155);
    const baseName = field(header, 0, 100);
    const bodyStart = offset + BLOCK;
    const bodyEnd = bodyStart + size;
    if (bodyEnd > tar.length) throw new Error("tar archive is truncated");
    const body = tar.subarray(bodyStart, bodyEnd);
    offset = bodyStart + Math.ceil(size / BLOCK) * BLOCK;

    if (type === "x") {
      longName = paxPath(body);
      continue;
    }
    if (type === "L") {
      longName = body.toString("utf8").replace(/\0+$/, "");
      continue;
    }
    const name = normaliseName(longName ?? (prefix ? `${prefix}/${baseName}` : baseName));
    longName = undefined;
    if (type === "0" || type === "\0") files.set(name, Buffer.from(body));
  }
  return files;
}
