import type { Canary, CanaryWebhook } from '../api/index.js';
import type { Series as PromSeries, QueryAnswerer } from '../demo/metric-stand-in.js';
import type { HookResult } from '../engine/types.js';
import type { KubeObject } from '../kube/types.js';
import { boundsOf, type Bounds, metricSource, type MetricSource } from '../metrics/index.js';
import { hookType, type HookCaller } from '../webhooks/index.js';
import { measure, type Moment, type StoryPlayer } from './player.js';

/** A metric check of the Canary, as the story and the stand-in Prometheus know it. */
export interface StoryCheck {
  name: string;
  bounds: Bounds;
  source: MetricSource;
}

export const checksOf = (canary: Canary): StoryCheck[] =>
  (canary.spec.analysis.metrics ?? []).map((metric) => ({ name: metric.name, bounds: boundsOf(metric), source: metricSource(metric) }));

const templateKey = (namespace: string, name: string): string => `${namespace}/${name}`;
const templateQuery = (key: string): string => `pennant_simulate_check{template="${key}"}`;

/**
 * The MetricTemplates the Canary refers to, each standing in for the real one (whatever its
 * provider) with a query the stand-in Prometheus recognises: the story gives the values.
 */
export function standInTemplates(canary: Canary, prometheus: string): KubeObject[] {
  const namespace = canary.metadata.namespace ?? 'default';
  const refs = new Map<string, { name: string; namespace: string }>();
  for (const { source } of checksOf(canary)) {
    if (source.kind === 'template') refs.set(templateKey(source.namespace ?? namespace, source.name), { name: source.name, namespace: source.namespace ?? namespace });
  }
  return [...refs.entries()].map(([key, ref]) => ({
    apiVersion: 'pennant.dev/v1beta1',
    kind: 'MetricTemplate',
    metadata: ref,
    spec: { provider: { type: 'prometheus', address: prometheus }, query: templateQuery(key) },
  }));
}

/** Which check a query is for: a stand-in template's, an inline query's (its literal parts, in order), or a builtin's. */
export function checkOfQuery(query: string, checks: readonly StoryCheck[], namespace: string): StoryCheck | undefined {
  const template = /pennant_simulate_check\{template="([^"]+)"\}/.exec(query)?.[1];
  if (template) return checks.find((c) => c.source.kind === 'template' && templateKey(c.source.namespace ?? namespace, c.source.name) === template);
  const inline = checks.find((c) => c.source.kind === 'inline' && containsInOrder(query, c.source.query.split(/\{\{[^}]*\}\}/)));
  if (inline) return inline;
  const builtin = query.includes('histogram_quantile') ? 'request-duration' : 'request-success-rate';
  return checks.find((c) => c.source.kind === 'builtin' && c.source.metric === builtin);
}

function containsInOrder(text: string, parts: readonly string[]): boolean {
  let at = 0;
  for (const part of parts.map((p) => p.trim()).filter(Boolean)) {
    const found = text.indexOf(part, at);
    if (found < 0) return false;
    at = found + part.length;
  }
  return true;
}

/**
 * The stand-in Prometheus's answers. A series carries the labels of every grouped (batched) query
 * form, so the one canary finds its value whichever provider's form asked.
 */
export function storyPrometheus(canary: Canary, player: StoryPlayer, moment: () => Moment): QueryAnswerer {
  const namespace = canary.metadata.namespace ?? 'default';
  const target = canary.spec.targetRef.name;
  const labels = { kubernetes_namespace: namespace, pennant_workload: target, destination_workload_namespace: namespace, destination_workload: target };
  const checks = checksOf(canary);
  return async (query: string): Promise<PromSeries[]> => {
    if (query.trim() === 'vector(1)') return [{ labels: {}, value: 1 }];
    const check = checkOfQuery(query, checks, namespace);
    const word = check ? player.checkValue(check.name, moment()) : undefined;
    const value = check && word !== undefined ? measure(word, check.bounds) : null;
    if (value === 'error') throw new Error(`the story makes ${check?.name ?? 'this'} query fail`);
    return value === null ? [] : [{ labels, value }];
  };
}

/** Webhooks answer as the story says; one it does not name passes, except a rollback hook (no rollback asked). */
export function storyHooks(player: StoryPlayer, moment: () => Moment): HookCaller {
  return async (hook: CanaryWebhook): Promise<HookResult> => {
    const type = hookType(hook);
    const answer = player.hookAnswer(hook.name, moment()) ?? (type === 'rollback' ? 'fail' : 'pass');
    return answer === 'pass'
      ? { name: hook.name, type, ok: true, status: 200 }
      : { name: hook.name, type, ok: false, status: type === 'rollback' || type.startsWith('confirm-') ? 403 : 500, message: `the story answers ${hook.name}: fail` };
  };
}
