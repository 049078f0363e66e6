import { stringify } from 'yaml';
import { CANARY_TYPE } from './cluster.js';
import { type CliIo, EXIT } from './io.js';
import type { Scope } from './status.js';
import { type CanaryView, formatLine, lineContent, nothingFound, render, type StatusFormat, viewsOf } from './status-view.js';

/** The time in phase on a redrawn table moves on by itself; nothing is asked of the API server for it. */
const REDRAW_MS = 1000;
const CURSOR_UP = (lines: number): string => `\x1b[${lines}A\r\x1b[J`;

/**
 * `status --watch`: one list, then the watch (an informer), never polling. On a terminal the table
 * is redrawn in place; elsewhere (a log, a pipe) a line is printed for each Canary that changed, or
 * with -o json|yaml the changed Canary's view. Runs until the signal (Ctrl-C).
 */
export async function watchCanaries(io: CliIo, scope: Scope, format: StatusFormat): Promise<number> {
  const now = io.now ?? (() => new Date());
  const informer = scope.kube.informer(CANARY_TYPE, scope.namespace ? { namespace: scope.namespace } : {});
  await informer.start();
  const { signal, release } = stopSignal(io);
  const show = io.isTTY && format === 'table' ? redrawer(io, scope) : printer(io, format);
  const update = () => show(viewsOf(informer.list(), scope, now()), now());
  try {
    if (viewsOf(informer.list(), scope, now()).length === 0) io.stderr(`pennant status: ${nothingFound(scope)} yet; watching\n`);
    update();
    const unsubscribe = informer.onChange(update);
    const timer = io.isTTY && format === 'table' ? setInterval(update, REDRAW_MS) : undefined;
    await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
    unsubscribe();
    if (timer) clearInterval(timer);
  } finally {
    informer.stop();
    release();
  }
  return EXIT.ok;
}

type Show = (views: CanaryView[], now: Date) => void;

/** Rewrites the previous table: the cursor goes up as many lines as were written, and the rest is cleared. */
function redrawer(io: CliIo, scope: Scope): Show {
  let written = 0;
  return (views, now) => {
    const width = io.columns ?? Number.POSITIVE_INFINITY;
    const lines = render(views, scope, 'table', now).trimEnd().split('\n').map((line) => (line.length > width ? line.slice(0, width - 1) : line));
    io.stdout(`${written ? CURSOR_UP(written) : ''}${lines.join('\n')}\n`);
    written = lines.length;
  };
}

/** What changed, once: a line per Canary (or its JSON / YAML view), and a line when one is deleted. */
function printer(io: CliIo, format: StatusFormat): Show {
  const last = new Map<string, string>();
  return (views, now) => {
    const seen = new Set<string>();
    for (const view of views) {
      const key = `${view.namespace}/${view.name}`;
      seen.add(key);
      const content = format === 'table' ? lineContent(view, now) : JSON.stringify({ ...view, inPhaseSeconds: undefined });
      if (last.get(key) === content) continue;
      last.set(key, content);
      if (format === 'table') io.stdout(formatLine(view, now));
      else io.stdout(format === 'json' ? `${JSON.stringify(view)}\n` : `---\n${stringify(view)}`);
    }
    for (const key of [...last.keys()].filter((k) => !seen.has(k))) {
      last.delete(key);
      if (format === 'table') io.stdout(`${now.toISOString()} ${key} deleted\n`);
    }
  };
}

/** The command's own signal, or Ctrl-C: only a watch takes SIGINT, so every other command keeps Node's default. */
function stopSignal(io: CliIo): { signal: AbortSignal; release: () => void } {
  if (io.signal) return { signal: io.signal, release: () => undefined };
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  return { signal: controller.signal, release: () => process.off('SIGINT', stop) };
}
