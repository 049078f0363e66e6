import type { CliIo } from './io.js';

/** What a long command prints: lines that stay, and (on a terminal) one live line that is redrawn. */
export interface Progress {
  /** A line that stays in the output. */
  line(text: string): void;
  /** The live line: shown on a terminal, left out of logs and pipes. */
  status(text: string): void;
  /** Clears the live line. */
  done(): void;
}

const CLEAR_LINE = '\r\x1b[2K';

/**
 * On a terminal the live line sits under the printed lines and is rewritten in place (cut to the
 * terminal's width so it stays one line); elsewhere only the lines are printed, plain.
 */
export function progressFor(io: CliIo): Progress {
  if (!io.isTTY) return { line: (text) => io.stdout(`${text}\n`), status: () => undefined, done: () => undefined };
  let live = '';
  const width = io.columns ?? 80;
  const draw = () => (live ? io.stdout(live.length >= width ? live.slice(0, width - 1) : live) : undefined);
  return {
    line(text) {
      io.stdout(`${live ? CLEAR_LINE : ''}${text}\n`);
      draw();
    },
    status(text) {
      io.stdout(live ? CLEAR_LINE : '');
      live = text;
      draw();
    },
    done() {
      if (live) io.stdout(CLEAR_LINE);
      live = '';
    },
  };
}
