import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type Canary, formatPath, type Provider, validateManifest } from '../../../src/api/index.js';
import { readTemplate } from '../../../src/controller/evaluate.js';
import { canaryProblems } from '../../../src/controller/rules.js';
import { parseCanary } from '../../../src/controller/validate-canary.js';
import type { KubeObject, ResourceType } from '../../../src/kube/types.js';
import { createMetricProvider } from '../../../src/metrics/index.js';
import { EVERY_METRIC_CREDENTIAL } from '../metrics/every-credential.js';
import { createNotifier } from '../../../src/notify/factory.js';
import { resolveAlertProvider } from '../../../src/notify/resolve.js';
import { routerFor } from '../../../src/routers/index.js';
import { workloadFor } from '../../../src/workloads/index.js';
import { type ExampleSet, loadExamples, meshProviderOf } from '../api/flagger-examples.js';
import { cluster } from '../workloads/fixtures.js';

const { client, cache } = await cluster([]);
const NS = 'test';

/** What one side says: accepted (with warnings), or rejected with a message. */
type Verdict = { accepted: true; warnings: string[] } | { accepted: false; message: string };

/** A stored object, as the controller reads it from its cache: in a namespace, apiVersion already pennant.dev. */
const stored = (doc: KubeObject): KubeObject => ({ ...doc, metadata: { ...doc.metadata, namespace: doc.metadata?.namespace ?? NS } });
const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
const readerOf = (...objects: KubeObject[]) => ({
  get: (type: ResourceType, namespace: string, name: string) =>
    objects.find((o) => o.kind === type.kind && o.metadata.namespace === namespace && o.metadata.name === name),
});

/** What the controller runs before acting on a Canary: parse and rules, then the workload and the router. */
function controllerOnCanary(raw: KubeObject, provider: Provider): Verdict {
  const parsed = parseCanary(raw, canaryProblems, provider);
  if (!parsed.ok) return { accepted: false, message: parsed.message };
  try {
    workloadFor(parsed.canary, client, cache);
    routerFor(parsed.canary.spec.provider ?? provider, { kube: client, cache });
  } catch (err) {
    return { accepted: false, message: messageOf(err) };
  }
  return { accepted: true, warnings: parsed.warnings };
}

/** What a metric check runs before querying: the template from the cache, then the metric provider. */
function controllerOnTemplate(raw: KubeObject): Verdict {
  try {
    const template = readTemplate(readerOf(raw), raw.metadata.namespace ?? NS, raw.metadata.name ?? '');
    if (template === undefined) return { accepted: false, message: 'not found' };
    // The Secret as Flagger's docs describe it (validate cannot see Secrets): every provider's keys.
    createMetricProvider(template.spec.provider, template.spec.provider.secretRef ? EVERY_METRIC_CREDENTIAL : undefined, { defaultAddress: 'http://prometheus:9090' });
  } catch (err) {
    return { accepted: false, message: messageOf(err) };
  }
  return { accepted: true, warnings: [] };
}

/** What an alert runs before posting: resolve the AlertProvider (and its Secret), then build the notifier. */
function controllerOnAlertProvider(raw: KubeObject): Verdict {
  const namespace = raw.metadata.namespace ?? NS;
  const secretName = String((raw.spec as { secretRef?: { name?: string } }).secretRef?.name);
  const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: secretName, namespace }, data: { address: Buffer.from('https://hooks.example.com/x').toString('base64') } };
  const canary = { metadata: { name: 'podinfo', namespace } } as Canary;
  try {
    const { type, destination } = resolveAlertProvider(readerOf(raw, secret), canary, { name: 'on-call', providerRef: { name: raw.metadata.name ?? '' } });
    createNotifier(type, destination);
  } catch (err) {
    return { accepted: false, message: messageOf(err) };
  }
  return { accepted: true, warnings: [] };
}

function controllerOn(raw: KubeObject, provider: Provider): Verdict {
  if (raw.kind === 'Canary') return controllerOnCanary(raw, provider);
  if (raw.kind === 'MetricTemplate') return controllerOnTemplate(raw);
  return controllerOnAlertProvider(raw);
}

const line = (i: { path: (string | number)[]; message: string; hint: string }) => `${formatPath(i.path)}: ${i.message}${i.hint ? ` (${i.hint})` : ''}`;

const cases = (['complete', 'fragments', 'e2e'] as ExampleSet[]).flatMap((set) =>
  loadExamples(set).map((example) => ({ set, file: example.file, doc: stored(parse(example.text) as KubeObject), provider: meshProviderOf(set, example.file) })));

describe("pennant validate and the controller agree on Flagger's manifests (apiVersion swapped)", () => {
  it('has every fixture set to check', () => {
    for (const set of ['complete', 'fragments', 'e2e']) expect(cases.filter((c) => c.set === set).length).toBeGreaterThan(0);
  });

  it.each(cases)('$set/$file (provider $provider)', ({ doc, provider }) => {
    const issues = validateManifest(doc, { defaultProvider: provider });
    const errors = issues.filter((i) => i.severity === 'error');
    const verdict = controllerOn(doc, provider);
    if (errors.length === 0) {
      expect(verdict, 'validate accepts it, so must the controller').toEqual({
        accepted: true,
        warnings: doc.kind === 'Canary' ? issues.filter((i) => i.severity === 'warning').map(line) : [],
      });
      return;
    }
    expect(verdict.accepted, `validate rejects it (${errors.map(line).join('; ')}), so must the controller`).toBe(false);
    for (const error of errors.slice(0, 5)) expect(verdict.accepted ? '' : verdict.message).toContain(line(error));
  });
});
