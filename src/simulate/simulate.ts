import { pino } from 'pino';
import type { Canary, Provider } from '../api/index.js';
import { InMemoryStack } from '../demo/in-memory-stack.js';
import { podinfoDeployment } from '../demo/manifests.js';
import { parseDuration } from '../engine/duration.js';
import type { KubeObject } from '../kube/types.js';
import { SimulatedClock } from './clock.js';
import { referencedObjects } from './stand-ins.js';
import { type Moment, StoryPlayer } from './player.js';
import { DEFAULT_MAX_INTERVALS, type Story } from './story.js';
import { standInTemplates, storyHooks, storyPrometheus } from './story-world.js';
import { type TimelineEntry, TimelineRecorder } from './timeline.js';

const CANARY = { apiVersion: 'pennant.dev/v1beta1', kind: 'Canary' };
const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' };
/** The stand-in app: only the image changes between the running and the new revision. */
const RUNNING_IMAGE = 'simulate.pennant.dev/app:running';
const NEW_IMAGE = 'simulate.pennant.dev/app:new';
/** A Canary the controller cannot even start on (its router cannot set up, say): bad input, as a spec error. */
export class SimulationError extends Error {
  override readonly name = 'SimulationError';
}

/** The reason of a `reconcile failed` log line of the controller. */
function reconcileError(line: string): string {
  const { err, msg } = JSON.parse(line) as { err?: unknown; msg?: unknown };
  return String(err ?? msg);
}

/** Real time the controller may take to finish one decision before the simulation gives up on it. */
const SETTLE_LIMIT_MS = 60_000;

export type Outcome = 'Succeeded' | 'Failed' | 'Unfinished';

export interface SimulateInput {
  /** The Canary as written (its namespace defaulted), and parsed. */
  manifest: KubeObject;
  canary: Canary;
  story: Story;
  /** The traffic provider of a Canary that sets none. */
  provider: Provider;
  onEntry?: (entry: TimelineEntry) => void;
}

export interface Simulation {
  outcome: Outcome;
  /** Simulated seconds from the new revision to the outcome (or to giving up). */
  seconds: number;
  intervals: number;
  intervalSeconds: number;
  timeline: TimelineEntry[];
}

/**
 * Plays a story to the real controller, engine and router on an in-memory cluster: the Canary's
 * target is created and initialised, a new revision is applied, and the simulated clock runs until
 * the Canary is promoted or rolled back (or `maxIntervals` of the story have passed).
 */
export async function simulate(input: SimulateInput): Promise<Simulation> {
  const intervalMs = parseDuration(input.canary.spec.analysis.interval ?? '1m') ?? 60_000;
  const clock = new SimulatedClock(Math.floor(Date.now() / 86_400_000) * 86_400_000);
  const player = new StoryPlayer(input.story);
  const errors: string[] = [];
  let revisionAt: number | undefined;
  let latest: KubeObject | undefined;
  const interval = () => (revisionAt === undefined ? 0 : Math.floor((clock.now() - revisionAt) / intervalMs));
  const moment = (): Moment => ({ interval: Math.max(1, interval()), weight: (latest?.status as { canaryWeight?: number } | undefined)?.canaryWeight ?? 0 });
  const recorder = new TimelineRecorder(() => ({ seconds: (clock.now() - (revisionAt ?? clock.now())) / 1000, interval: interval() }), input.onEntry);
  const stack = new InMemoryStack({
    config: { provider: input.provider, workers: 1 },
    logger: pino({ level: 'error' }, { write: (line: string) => void errors.push(reconcileError(line)) }),
    clock,
    callHook: storyHooks(player, moment),
    answerQuery: storyPrometheus(input.canary, player, moment),
  });
  await stack.start();
  const namespace = input.canary.metadata.namespace ?? 'default';
  const informer = stack.kube.informer(CANARY, { namespace });
  await informer.start();
  const unsubscribe = informer.onChange((_type, obj) => {
    latest = obj;
    if (revisionAt !== undefined) recorder.observe(obj);
  });
  const phase = () => (latest?.status as { phase?: string } | undefined)?.phase ?? '';
  try {
    for (const template of standInTemplates(input.canary, stack.prometheusUrl)) await stack.kube.create(template);
    await stack.kube.create(podinfoDeployment(namespace, { image: RUNNING_IMAGE }, input.canary.spec.targetRef.name));
    for (const object of referencedObjects(input.canary)) await stack.kube.create(object);
    await stack.kube.create(input.manifest);
    const limit = (input.story.maxIntervals ?? DEFAULT_MAX_INTERVALS) * intervalMs;
    if (!(await drive(stack, clock, () => phase() === 'Initialized', clock.now() + limit))) throw new SimulationError(await initialisationProblem(stack, phase(), latest, errors));
    revisionAt = clock.now();
    await newRevision(stack, namespace, input.canary.spec.targetRef.name);
    const finished = () => recorder.entries.some((e) => e.phase === 'Progressing') && (phase() === 'Succeeded' || phase() === 'Failed');
    const done = await drive(stack, clock, finished, revisionAt + limit);
    const seconds = (clock.now() - revisionAt) / 1000;
    return { outcome: done ? (phase() as Outcome) : 'Unfinished', seconds, intervals: interval(), intervalSeconds: intervalMs / 1000, timeline: recorder.entries };
  } finally {
    unsubscribe();
    informer.stop();
    await stack.stop();
  }
}

/** Lets the controller finish what it does, then moves the clock to its next timer, until `done` or `deadline`. */
async function drive(stack: InMemoryStack, clock: SimulatedClock, done: () => boolean, deadline: number): Promise<boolean> {
  for (;;) {
    await settle(stack);
    if (done()) return true;
    const next = clock.nextAt;
    if (next === undefined || next > deadline) return false;
    clock.advance();
  }
}

/** Idle for a few turns of the event loop in a row: informer events (microtasks) have all been handled. */
async function settle(stack: InMemoryStack): Promise<void> {
  const giveUp = Date.now() + SETTLE_LIMIT_MS;
  for (let quiet = 0; quiet < 3; ) {
    if (Date.now() > giveUp) throw new Error('the in-memory controller did not finish a decision within 60s of real time');
    await new Promise((resolve) => (stack.idle ? setImmediate(resolve) : setTimeout(resolve, 1)));
    quiet = stack.idle ? quiet + 1 : 0;
  }
}

async function newRevision(stack: InMemoryStack, namespace: string, name: string): Promise<void> {
  const d = await stack.kube.get({ ...DEPLOYMENT, namespace, name });
  if (!d) throw new Error(`the Deployment ${namespace}/${name} disappeared`);
  const spec = d.spec as { template: { spec: { containers: { image: string }[] } } };
  spec.template.spec.containers = spec.template.spec.containers.map((c) => ({ ...c, image: NEW_IMAGE }));
  await stack.kube.update(d);
}

/** The phase, and what the controller's Warning Events said (a router that cannot set up, say). */
async function initialisationProblem(stack: InMemoryStack, phase: string, canary: KubeObject | undefined, errors: readonly string[]): Promise<string> {
  const events = await stack.kube.list({ apiVersion: 'v1', kind: 'Event' }, { namespace: canary?.metadata.namespace ?? 'default' });
  const warnings = events.filter((e) => e.type === 'Warning').map((e) => String(e.message));
  const why = [...new Set([...warnings, ...errors.slice(-1)])].join('; ');
  return `the Canary was not initialised (phase ${phase || 'none'})${why ? `: ${why}` : ''}`;
}
