/**
 * Progress on stderr for long work (reading CloudTrail, collecting). One line rewritten in place
 * when stderr is a terminal; nothing at all when it is not (a pipe, a CI log), under `--quiet`, or
 * with CI set, so that JSON and SARIF on stdout stay clean and logs stay small.
 */

import { stripControl } from "../report/view.js";

export interface Progress {
  /** Report progress: `done` of `total` (total may be unknown), with a short label. */
  update(label: string, done: number, total?: number): void;
  /** A note worth keeping (one line, kept on screen); none under `--quiet`. */
  note(message: string): void;
  /**
   * A warning: printed under `--quiet` too, which keeps logs short but must not hide that an
   * input was misread or an accepted risk came back (an expired suppression). Optional for other
   * implementations, which then print it as a note.
   */
  warn?(message: string): void;
  done(): void;
}

export function createProgress(options: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const live = !options.quiet && stream.isTTY === true && !process.env.CI;
  let last = 0;
  let shown = false;
  const clear = () => {
    if (shown) stream.write("\r\u001b[2K");
    shown = false;
  };
  return {
    update(label, done, total) {
      if (!live) return;
      const now = Date.now();
      if (now - last < 100 && done !== total) return; // at most 10 redraws a second
      last = now;
      const pct = total ? ` ${Math.floor((100 * done) / total)}%` : "";
      const text = `${label} ${done.toLocaleString("en")}${total ? `/${total.toLocaleString("en")}` : ""}${pct}`;
      stream.write(`\r\u001b[2K${text.slice(0, (stream.columns ?? 80) - 1)}`);
      shown = true;
    },
    note(message) {
      if (options.quiet) return;
      clear();
      // Notes quote input text (warnings name files, roles, keys): its control characters would
      // reach the terminal, and a newline in it would forge a line of its own.
      stream.write(`${stripControl(message).replace(/[\r\n]+/g, " ")}\n`);
    },
    warn(message) {
      clear();
      stream.write(`${stripControl(message).replace(/[\r\n]+/g, " ")}\n`);
    },
    done() {
      clear();
    },
  };
}
