/**
 * Flow collections (`[…]`, `{…}`) that run over several lines of a block and whose continuation
 * lines are indented less than YAML 1.2 asks (at least one column past their block parent).
 * CloudFormation, the SAM CLI and cfn-lint read YAML with parsers that ignore indentation inside
 * flow collections (PyYAML, SnakeYAML), so published templates hold it, for example
 * alexcasalboni/aws-lambda-power-tuning's `template.yml`:
 *
 * ```text
 *     VpcConfig: !If [UseVPCConfig, {
 *       SecurityGroupIds: …,
 *     }, !Ref AWS::NoValue]
 * ```
 *
 * The yaml package refuses it ("Flow map in block collection must be sufficiently indented"),
 * and past that line its tree is not the template's. Indentation means nothing inside a flow
 * collection (a line break and the spaces that follow fold into one separator, in plain and quoted
 * scalars alike: YAML 1.2.2 §7.3 and §7.3.3), so such lines can be indented further without
 * changing what the document says: this returns the text with every line inside a flow collection
 * indented at least one column past the content of the line that opened it. Only spaces are added,
 * at the starts of lines, so line numbers stay the template's.
 */

/** The text with flow-collection continuation lines indented past their opener, or null when no line needed it. */
export function indentFlowContinuations(text: string): string | null {
  const lines = text.split("\n");
  let depth = 0;
  /** The column inside-flow lines need (the opener line's content column + 1). */
  let minIndent = 0;
  /** A quoted scalar open at the end of the previous line (in flow or block context). */
  let quote: "'" | '"' | null = null;
  /** While a block scalar (`|`, `>`) runs: lines indented more than this column are its text. */
  let blockScalarParent: number | null = null;
  let changed = false;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const indent = line.length - line.trimStart().length;
    const blank = line.trim() === "";
    if (blockScalarParent !== null) {
      if (blank || indent > blockScalarParent) continue;
      blockScalarParent = null;
    }
    let at = 0;
    if (depth > 0 || quote !== null) {
      if (depth > 0 && !blank && indent < minIndent) {
        lines[i] = " ".repeat(minIndent - indent) + line;
        changed = true;
      }
    } else {
      if (blank || line.trimStart().startsWith("#")) continue;
      const start = blockValueStart(line);
      if (start === null) continue;
      const ch = line[start.at];
      if (ch === "|" || ch === ">") {
        blockScalarParent = start.content;
        continue;
      }
      if (ch !== "[" && ch !== "{" && ch !== "'" && ch !== '"') continue;
      minIndent = start.content + 1;
      at = start.at;
    }
    // Scan the rest of the line for brackets, quotes and comments.
    const text = lines[i]!;
    let j = at + (text.length - line.length);
    for (; j < text.length; j++) {
      const c = text[j]!;
      if (quote !== null) {
        if (quote === '"' && c === "\\") j++;
        else if (c === quote) {
          if (quote === "'" && text[j + 1] === "'") j++;
          else quote = null;
        }
        continue;
      }
      if (c === "'" || c === '"') quote = c;
      else if (c === "#" && (j === 0 || /\s/.test(text[j - 1]!))) break;
      else if (c === "[" || c === "{") depth++;
      else if ((c === "]" || c === "}") && depth > 0) {
        depth--;
        if (depth === 0) break;
      }
    }
  }
  return changed ? lines.join("\n") : null;
}

/**
 * Where a block line's value starts: past `- ` indicators, past `key: ` when the line is a
 * mapping entry, and past tags (`!If`) and anchors (`&a`). `content` is the column of the line's
 * node (after the `- ` indicators), which the lines of a block scalar or flow collection it opens
 * must be indented past.
 */
function blockValueStart(line: string): { at: number; content: number } | null {
  let at = line.length - line.trimStart().length;
  while (line[at] === "-" && (line[at + 1] === " " || line[at + 1] === undefined)) {
    at++;
    while (line[at] === " ") at++;
  }
  const content = at;
  const key = mappingValueStart(line, at);
  if (key !== null) at = key;
  for (;;) {
    while (line[at] === " " || line[at] === "\t") at++;
    if (line[at] !== "!" && line[at] !== "&") break;
    while (at < line.length && line[at] !== " " && line[at] !== "\t") at++;
  }
  return at < line.length ? { at, content } : null;
}

/** The column after `key:` when the line holds a mapping entry from `from` (a plain or quoted key), else null. */
function mappingValueStart(line: string, from: number): number | null {
  let j = from;
  const q = line[j];
  if (q === '"' || q === "'") {
    j++;
    while (j < line.length && line[j] !== q) j += line[j] === "\\" && q === '"' ? 2 : 1;
    j++;
    while (line[j] === " ") j++;
    return line[j] === ":" && (line[j + 1] === " " || line[j + 1] === undefined) ? j + 1 : null;
  }
  if (q === "[" || q === "{" || q === "!" || q === "&" || q === "|" || q === ">") return null;
  for (; j < line.length; j++) {
    if (line[j] === "#" && /\s/.test(line[j - 1] ?? " ")) return null;
    if (line[j] === ":" && (line[j + 1] === " " || line[j + 1] === "\t" || line[j + 1] === undefined)) return j + 1;
  }
  return null;
}
