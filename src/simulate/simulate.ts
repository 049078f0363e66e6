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
  const run = new SimulationRun(input);
  await run.start();
  try {
    await run.createWorld();
    return await run.rollOut();
  } finally {
    await run.stop();
  }
}

/** One simulation: the in-memory stack on its simulated clock, what it saw of the Canary, and when the revision came. */
class SimulationRun {
  private readonly intervalMs: number;
  private readonly limitMs: number;
  private readonly namespace: string;
  private readonly clock = new SimulatedClock(Math.floor(Date.now() / 86_400_000) * 86_400_000);
  private readonly errors: string[] = [];
  private readonly recorder: TimelineRecorder;
  private readonly stack: InMemoryStack;
  private revisionAt: number | undefined;
  private latest: KubeObject | undefined;
  private stopWatching: () => void = () => undefined;

  constructor(private readonly input: SimulateInput) {
    this.intervalMs = parseDuration(input.canary.spec.analysis.interval ?? '1m') ?? 60_000;
    this.limitMs = (input.story.maxIntervals ?? DEFAULT_MAX_INTERVALS) * this.intervalMs;
    this.namespace = input.canary.metadata.namespace ?? 'default';
    this.recorder = new TimelineRecorder(() => ({ seconds: this.seconds(), interval: this.interval() }), input.onEntry);
    const player = new StoryPlayer(input.story);
    const moment = (): Moment => ({ interval: Math.max(1, this.interval()), weight: (this.latest?.status as { canaryWeight?: number } | undefined)?.canaryWeight ?? 0 });
    this.stack = new InMemoryStack({
      config: { provider: input.provider, workers: 1 },
      logger: pino({ level: 'error' }, { write: (line: string) => void this.errors.push(reconcileError(line)) }),
      clock: this.clock,
      callHook: storyHooks(player, moment),
      answerQuery: storyPrometheus(input.canary, player, moment),
    });
  }

  async start(): Promise<void> {
    await this.stack.start();
    const informer = this.stack.kube.informer(CANARY, { namespace: this.namespace });
    await informer.start();
    const unsubscribe = informer.onChange((_type, obj) => {
      this.latest = obj;
      if (this.revisionAt !== undefined) this.recorder.observe(obj);
    });
    this.stopWatching = () => {
      unsubscribe();
      informer.stop();
    };
  }

  /** The Canary's target and what it refers to, then the Canary, until it is initialised. */
  async createWorld(): Promise<void> {
    const { kube } = this.stack;
    for (const template of standInTemplates(this.input.canary, this.stack.prometheusUrl)) await kube.create(template);
    await kube.create(podinfoDeployment(this.namespace, { image: RUNNING_IMAGE }, this.input.canary.spec.targetRef.name));
    for (const object of referencedObjects(this.input.canary)) await kube.create(object);
    await kube.create(this.input.manifest);
    if (!(await drive(this.stack, this.clock, () => this.phase() === 'Initialized', this.clock.now() + this.limitMs))) {
      throw new SimulationError(await initialisationProblem(this.stack, this.phase(), this.latest, this.errors));
    }
  }

  /** A new revision, then the analysis until promotion, rollback or the story's last interval. */
  async rollOut(): Promise<Simulation> {
    this.revisionAt = this.clock.now();
    await newRevision(this.stack, this.namespace, this.input.canary.spec.targetRef.name);
    const finished = () => this.recorder.entries.some((e) => e.phase === 'Progressing') && ['Succeeded', 'Failed'].includes(this.phase());
    const done = await drive(this.stack, this.clock, finished, this.revisionAt + this.limitMs);
    const outcome: Outcome = done ? (this.phase() as Outcome) : 'Unfinished';
    return { outcome, seconds: this.seconds(), intervals: this.interval(), intervalSeconds: this.intervalMs / 1000, timeline: this.recorder.entries };
  }

  async stop(): Promise<void> {
    this.stopWatching();
    await this.stack.stop();
  }

  private phase(): string {
    return (this.latest?.status as { phase?: string } | undefined)?.phase ?? '';
  }

  private interval(): number {
    return this.revisionAt === undefined ? 0 : Math.floor((this.clock.now() - this.revisionAt) / this.intervalMs);
  }

  private seconds(): number {
    return (this.clock.now() - (this.revisionAt ?? this.clock.now())) / 1000;
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
