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

/**
 * A header's checksum is right: the sum of its bytes with the checksum field read as spaces, as
 * every tar writer stores it (octal). Without this check, any file read as a tar (a JSON file named
 * .tar.gz) failed on whatever its bytes 124–136 held: "bad size field "ction:orders" in tar header".
 */
function checksumMatches(header: Buffer): boolean {
  const stored = Number.parseInt(field(header, 148, 8).trim(), 8);
  if (!Number.isFinite(stored)) return false;
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (header[i] as number);
  return sum === stored;
}

/** The first bytes of a file, printable, to say what it is instead of a tar archive. */
function opening(bytes: Buffer): string {
  return JSON.stringify(bytes.subarray(0, 24).toString("latin1").replace(/[^\x20-\x7e]/g, "."));
}

/**
 * Files of a gzipped (or plain) tar archive, by normalised path. Throws Error on a corrupt archive,
 * saying what the bytes are instead: not gzip data that ends, or no tar archive (inside the gzip).
 */
export function readTarGz(archive: Buffer): Map<string, Buffer> {
  const gzipped = archive[0] === 0x1f && archive[1] === 0x8b;
  let tar: Buffer;
  try {
    tar = gzipped ? gunzipSync(archive) : archive;
  } catch (thrown) {
    throw new Error(`the gzip data is damaged or cut short (${thrown instanceof Error ? thrown.message : String(thrown)})`);
  }
  const where = gzipped ? "the gzip data holds no tar archive" : "it is neither gzip-compressed nor a tar archive";
  if (tar.length < BLOCK || !(tar.subarray(0, BLOCK).every((b) => b === 0) || checksumMatches(tar.subarray(0, BLOCK)))) {
    throw new Error(`${where} (it starts with ${opening(tar)})`);
  }
  const files = new Map<string, Buffer>();
  let offset = 0;
  let longName: string | undefined;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break; // end-of-archive marker
    if (!checksumMatches(header)) throw new Error(`tar archive is damaged (a header at byte ${offset} has a wrong checksum)`);
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
