/**
 * Escaping for the HTML report. Everything from the inputs (ARNs, names, tags, messages,
 * evidence) is attacker-controllable and goes through `esc` (text and quoted attribute values
 * alike): the five HTML-significant characters become character references and control
 * characters are dropped.
 */

import { stripControl } from "./view.js";

const ENTITY: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function esc(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  return stripControl(String(value)).replace(/[&<>"']/g, (ch) => ENTITY[ch]!);
}

/** Shorten a label for a fixed-width column, keeping the end (the distinctive part of names). */
export function ellipsize(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.ceil((max - 1) * 0.6);
  const tail = max - 1 - head;
  return `${text.slice(0, head)}…${text.slice(text.length - tail)}`;
}

/** Thousands separators, fixed locale so output does not depend on the machine. */
export function num(n: number): string {
  return n.toLocaleString("en-US");
}
