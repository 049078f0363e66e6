import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { z } from 'zod';
import { canaryStatus, type Verb } from '../api/index.js';
import { parseDuration } from '../engine/duration.js';
import type { KubeClient, KubeObject, ObjectRef } from '../kube/types.js';
import { type OperatorRequest, requestPatch } from '../operate/requests.js';
import { duration, onOff } from '../util/setting-values.js';
import { parseSettings, type Setting, settingsShape } from '../util/settings.js';
import { CANARY_TYPE, CLUSTER_SETTINGS, explainForUser, requester, targetOf } from './cluster.js';
import { type CliIo, EXIT } from './io.js';
import { addSettings } from './options.js';

export const VERB_SETTINGS = {
  ...CLUSTER_SETTINGS,
  wait: { value: 'duration', help: 'how long to wait for the controller\'s answer; 0s: do not wait (default 60s)', schema: duration({ minMs: 0, maxMs: 3_600_000 }).default('60s') },
} satisfies Record<string, Setting>;

export const PROMOTE_SETTINGS = {
  ...VERB_SETTINGS,
  full: { help: 'also skip stepWeightPromotion: traffic goes back to the primary in one step', schema: onOff().optional() },
} satisfies Record<string, Setting>;

interface VerbCommand {
  name: Exclude<Verb, 'promote-full'>;
  description: string;
  example: string;
}

const COMMANDS: readonly VerbCommand[] = [
  { name: 'promote', description: 'skip the remaining analysis steps and promote the canary now (the confirm-promotion gate is still asked)', example: 'pennant promote podinfo -n test --full' },
  { name: 'abort', description: 'roll back now, as a failed analysis would ("aborted by <you>")', example: 'pennant abort podinfo -n test' },
  { name: 'pause', description: 'hold the analysis at its current weight: no checks, no steps, until resume', example: 'pennant pause podinfo -n test' },
  { name: 'resume', description: 'go on with a paused analysis', example: 'pennant resume podinfo -n test' },
  { name: 'retry', description: 'analyse a Failed revision again, unchanged', example: 'pennant retry podinfo -n test' },
];

const AFTER_HELP = `
The request is one annotation of the Canary (pennant.dev/request), never its spec: a GitOps sync does
not undo it and Git is not changed. The controller answers it at its next reconcile, in
status.lastRequest and an Event; this command waits for that answer (--wait). Exit status: 0 done,
1 refused (the phase does not allow it), no answer in time, or the Canary not found; 2 usage.`;

export function registerVerbs(program: Command, io: CliIo): void {
  for (const verb of COMMANDS) {
    const settings = verb.name === 'promote' ? PROMOTE_SETTINGS : VERB_SETTINGS;
    const schema = z.object(settingsShape(settings));
    const command = program.command(verb.name).description(verb.description).argument('<name>', 'the Canary');
    addSettings(command, settings)
      .addHelpText('after', `\nExample:\n  $ ${verb.example}\n  $ kubectl ${verb.example}\n${AFTER_HELP}`)
      .action(async (name: string, flags: Record<string, unknown>) => {
        const options = parseSettings(settings, schema, flags, process.env) as z.infer<typeof schema> & { full?: boolean };
        const target = targetOf(io, options);
        const ref: ObjectRef = { ...CANARY_TYPE, namespace: target.namespace, name };
        const asked: Verb = verb.name === 'promote' && options.full ? 'promote-full' : verb.name;
        io.setExitCode(await ask(io, target.cluster.kube, ref, asked, parseDuration(options.wait) ?? 0));
      });
  }
}

/** Writes one request and, unless told not to wait, waits for the controller's answer to it. */
export async function ask(io: CliIo, kube: KubeClient, ref: ObjectRef, verb: Verb, waitMs: number): Promise<number> {
  const label = `${verb === 'promote-full' ? 'promote --full' : verb} ${ref.namespace}/${ref.name}`;
  const request: OperatorRequest = { verb, id: randomUUID(), at: (io.now ?? (() => new Date()))().toISOString(), by: requester(io) };
  try {
    if (!(await kube.get(ref))) {
      io.stderr(`pennant ${verb.replace('-full', '')}: canary ${ref.namespace}/${ref.name} not found\n`);
      return EXIT.failed;
    }
    // Watching first: an answer that comes quickly is not missed.
    const answer = waitMs > 0 ? answerTo(kube, ref, request.id, waitMs) : undefined;
    answer?.catch(() => undefined); // awaited below; a failed patch must not leave it unhandled
    await kube.patch(ref, requestPatch(request), 'merge');
    if (!answer) {
      io.stdout(`${label}: requested (id ${request.id}); the controller answers in status.lastRequest\n`);
      return EXIT.ok;
    }
    const outcome = await answer;
    if (!outcome) {
      io.stderr(`${label}: no answer from the controller within ${waitMs / 1000}s (is pennant run running?); the request stays on the Canary and is answered at its next reconcile\n`);
      return EXIT.failed;
    }
    if (outcome.outcome === 'done') io.stdout(`${label}: ${outcome.message}\n`);
    else io.stderr(`${label}: refused: ${outcome.message}\n`);
    return outcome.outcome === 'done' ? EXIT.ok : EXIT.failed;
  } catch (err) {
    io.stderr(`pennant ${verb.replace('-full', '')}: ${explainForUser(err)}\n`);
    return EXIT.failed;
  }
}

type Answer = NonNullable<z.infer<typeof canaryStatus>['lastRequest']>;

/** The controller's answer to request `id`, seen through a watch of the Canary; undefined past the wait. */
async function answerTo(kube: KubeClient, ref: ObjectRef, id: string, waitMs: number): Promise<Answer | undefined> {
  const informer = kube.informer(CANARY_TYPE, { namespace: ref.namespace ?? 'default' });
  const answered = (obj: KubeObject | undefined): Answer | undefined => {
    if (obj?.metadata.name !== ref.name) return undefined;
    const status = canaryStatus.safeParse(obj.status ?? {});
    return status.success && status.data.lastRequest?.id === id ? status.data.lastRequest : undefined;
  };
  await informer.start();
  try {
    return await new Promise<Answer | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), waitMs);
      const done = (answer: Answer) => {
        clearTimeout(timer);
        resolve(answer);
      };
      const unsubscribe = informer.onChange((_type, obj) => {
        const answer = answered(obj);
        if (answer) {
          unsubscribe();
          done(answer);
        }
      });
      const already = answered(informer.get(ref.namespace, ref.name));
      if (already) done(already);
    });
  } finally {
    informer.stop();
  }
}
