import type { Command } from 'commander';
import { z } from 'zod';
import type { KubeClient } from '../kube/types.js';
import { oneOf, onOff } from '../util/setting-values.js';
import { ConfigError, parseSettings, type Setting, settingsShape } from '../util/settings.js';
import { CANARY_TYPE, CLUSTER_SETTINGS, explainForUser, targetOf } from './cluster.js';
import { type CliIo, EXIT } from './io.js';
import { addSettings } from './options.js';
import { nothingFound, render, type Selection, STATUS_FORMATS, type StatusFormat, viewsOf } from './status-view.js';
import { watchCanaries } from './status-watch.js';

export const STATUS_SETTINGS = {
  ...CLUSTER_SETTINGS,
  allNamespaces: { short: '-A', help: 'the Canaries of every namespace', schema: onOff().optional() },
  output: { value: 'format', short: '-o', help: 'table, json or yaml (default table)', schema: oneOf(STATUS_FORMATS).default('table') },
  watch: { short: '-w', help: 'keep watching: redrawn in place on a terminal, one line per change otherwise (Ctrl-C stops)', schema: onOff().optional() },
} satisfies Record<string, Setting>;

const statusConfig = z.object(settingsShape(STATUS_SETTINGS));

const EXAMPLES = `
Examples:
  $ pennant status -n test                 # every Canary of the namespace
  $ pennant status podinfo -n test         # one Canary, with each check against its threshold
  $ pennant status -A --watch              # all namespaces, live
  $ kubectl pennant status podinfo -o yaml # as a kubectl plugin, for scripts
`;

export function registerStatus(program: Command, io: CliIo): void {
  const command = program
    .command('status')
    .description('show Canaries: phase, weight, failed checks, each check against its threshold, gate, time in phase')
    .argument('[name]', 'one Canary (default: every Canary of the namespace)');
  addSettings(command, STATUS_SETTINGS)
    .addHelpText('after', EXAMPLES)
    .action(async (name: string | undefined, flags: Record<string, unknown>) => {
      const options = parseSettings(STATUS_SETTINGS, statusConfig, flags, process.env);
      if (options.allNamespaces && options.namespace) throw new ConfigError(['--all-namespaces and --namespace: give one of them']);
      if (options.allNamespaces && name) throw new ConfigError([`--all-namespaces: a name (${name}) needs one namespace: use --namespace`]);
      const target = targetOf(io, options);
      const scope: Scope = { kube: target.cluster.kube, ...(options.allNamespaces ? {} : { namespace: target.namespace }), ...(name ? { name } : {}) };
      try {
        io.setExitCode(options.watch ? await watchCanaries(io, scope, options.output) : await showOnce(io, scope, options.output));
      } catch (err) {
        io.stderr(`pennant status: ${explainForUser(err)}\n`);
        io.setExitCode(EXIT.failed);
      }
    });
}

/** Which Canaries a command shows, and where. */
export interface Scope extends Selection {
  kube: KubeClient;
}

async function showOnce(io: CliIo, scope: Scope, format: StatusFormat): Promise<number> {
  const now = (io.now ?? (() => new Date()))();
  const objects = await scope.kube.list(CANARY_TYPE, scope.namespace ? { namespace: scope.namespace } : {});
  const views = viewsOf(objects, scope, now);
  if (views.length === 0) {
    io.stderr(`pennant status: ${nothingFound(scope)}\n`);
    return scope.name ? EXIT.failed : EXIT.ok;
  }
  io.stdout(render(views, scope, format, now));
  return EXIT.ok;
}
