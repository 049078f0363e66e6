import type { Server } from 'node:http';
import type { Command } from 'commander';
import { Registry } from 'prom-client';
import { z } from 'zod';
import type { KubeClient } from '../kube/types.js';
import { createHttpServer, listen } from '../server/http.js';
import { CANARY, requestWriter, webView, type WebView } from '../ui/index.js';
import { namespaceName, onOff, port, text } from '../util/setting-values.js';
import { parseSettings, type Setting, settingsShape } from '../util/settings.js';
import { CLUSTER_SETTINGS, explainForUser, requester, targetOf } from './cluster.js';
import { type CliIo, EXIT } from './io.js';
import { addSettings } from './options.js';

export const UI_SETTINGS = {
  kubeconfig: CLUSTER_SETTINGS.kubeconfig,
  context: CLUSTER_SETTINGS.context,
  namespace: { value: 'name', short: '-n', help: 'only the Canaries of this namespace (default: every namespace)', schema: namespaceName().optional() },
  port: { value: 'port', help: 'port of the web view (default 7070; 0: any free port)', schema: port().default(7070) },
  address: { value: 'address', help: 'address to listen on (default 127.0.0.1: this machine only)', schema: text().default('127.0.0.1') },
  allowActions: { help: 'show promote and abort buttons, which write the pennant.dev/request annotation as `pennant promote|abort` do (default: read-only)', schema: onOff().optional() },
} satisfies Record<string, Setting>;

const uiConfig = z.object(settingsShape(UI_SETTINGS));

const EXAMPLES = `
Examples:
  $ pennant ui --kubeconfig ~/.kube/config          # read-only, at http://127.0.0.1:7070/ui/
  $ pennant ui -n test --port 8080 --allow-actions  # one namespace, with promote and abort buttons
  $ kubectl pennant ui

The controller serves the same view, read-only, at /ui on its --port (next to /metrics). Pages
update live (server-sent events from one watch of the Canaries and one of their Events); no page
asks the API server by itself. Ctrl-C stops.`;

export function registerUi(program: Command, io: CliIo): void {
  const command = program.command('ui').description('serve the web view of the Canaries (table, weight over time, checks, Events) on this machine');
  addSettings(command, UI_SETTINGS)
    .addHelpText('after', EXAMPLES)
    .action(async (flags: Record<string, unknown>) => {
      const options = parseSettings(UI_SETTINGS, uiConfig, flags, process.env);
      const { cluster } = targetOf(io, options);
      try {
        const running = await serveUi(cluster.kube, { ...options, by: `${requester(io)} (web view)` });
        io.stdout(`pennant ui: the web view of ${options.namespace ? `namespace ${options.namespace}` : 'every namespace'} at http://${hostForUrl(options.address)}:${running.port}/ui/ (${options.allowActions ? 'promote and abort allowed' : 'read-only'}); Ctrl-C stops\n`);
        await untilStopped(io);
        await running.stop();
        io.setExitCode(EXIT.ok);
      } catch (err) {
        io.stderr(`pennant ui: ${explainForUser(err)}\n`);
        io.setExitCode(EXIT.failed);
      }
    });
}

export interface UiServer {
  port: number;
  view: WebView;
  stop(): Promise<void>;
}

/** `pennant ui` without the command line: one informer of the Canaries, the hub, the HTTP server. */
export async function serveUi(kube: KubeClient, options: { namespace?: string | undefined; port: number; address: string; allowActions?: boolean | undefined; by: string }): Promise<UiServer> {
  const informer = kube.informer(CANARY, options.namespace ? { namespace: options.namespace } : {});
  await informer.start();
  const view = webView({
    canaries: informer,
    kube,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    ...(options.allowActions ? { write: requestWriter(kube, options.by) } : {}),
  });
  view.hub.start();
  const server: Server = createHttpServer({ registry: new Registry(), ready: () => true }, view.routes);
  const bound = await listen(server, options.port, options.address);
  return {
    port: bound,
    view,
    stop: async () => {
      view.hub.stop();
      informer.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const hostForUrl = (address: string): string => (address.includes(':') ? `[${address}]` : address === '0.0.0.0' ? '127.0.0.1' : address);

function untilStopped(io: CliIo): Promise<void> {
  if (io.signal) return new Promise((resolve) => (io.signal?.aborted ? resolve() : io.signal?.addEventListener('abort', () => resolve(), { once: true })));
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
