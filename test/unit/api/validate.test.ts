import { describe, expect, it } from 'vitest';
import { formatPath, type ValidationIssue } from '../../../src/api/issues.js';
import { closest, editDistance } from '../../../src/api/suggest.js';
import { pruneNulls, validateManifest } from '../../../src/api/validate.js';

const canary = (spec: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'pennant.dev/v1beta1',
  kind: 'Canary',
  metadata: { name: 'podinfo', namespace: 'test' },
  spec: {
    provider: 'istio',
    targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
    service: { port: 9898 },
    analysis: { interval: '1m', threshold: 5, stepWeight: 10, maxWeight: 50 },
    ...spec,
  },
  ...extra,
});

const analysis = (fields: Record<string, unknown>) => ({
  analysis: { interval: '1m', threshold: 5, stepWeight: 10, ...fields },
});

const render = (issues: ValidationIssue[]): string[] =>
  issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);

const only = (doc: unknown): ValidationIssue => {
  const issues = validateManifest(doc);
  expect(issues, JSON.stringify(issues)).toHaveLength(1);
  return issues[0] as ValidationIssue;
};

describe('validateManifest: documents and kinds', () => {
  it('accepts a valid Canary', () => {
    expect(validateManifest(canary())).toEqual([]);
  });

  it.each([
    [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } }, 'Deployment is not a Pennant kind'],
    [{ foo: 'bar' }, 'not a Kubernetes object (no kind)'],
  ])('skips %j', (doc, message) => {
    expect(only(doc)).toMatchObject({ severity: 'skip', message });
  });

  it('names the kind a misspelt Pennant kind was meant to be', () => {
    const issue = only({ apiVersion: 'pennant.dev/v1beta1', kind: 'canary', metadata: { name: 'x' } });
    expect(issue).toMatchObject({ severity: 'error', path: ['kind'], hint: 'did you mean "Canary"?' });
  });

  it('rejects a document that is not a map', () => {
    expect(only(['a', 'b']).message).toMatch(/^expected a Kubernetes object .*, got a list$/);
  });

  it.each([
    ['flagger.app/v1beta1', 'must be pennant.dev/v1beta1, got "flagger.app/v1beta1"', /^change apiVersion to pennant\.dev\/v1beta1: Pennant is field-compatible/],
    ['pennant.dev/v1', 'must be pennant.dev/v1beta1, got "pennant.dev/v1"', /^set apiVersion: pennant\.dev\/v1beta1$/],
    [undefined, 'required', /^set apiVersion/],
  ])('checks apiVersion %s', (apiVersion, message, hint) => {
    const issue = only(canary({}, { apiVersion }));
    expect(issue).toMatchObject({ path: ['apiVersion'], message });
    expect(issue.hint).toMatch(hint);
  });

  const template = { kind: 'MetricTemplate', metadata: { name: 'latency' }, spec: { provider: { type: 'prometheus' }, query: 'up' } };
  const alerts = { kind: 'AlertProvider', metadata: { name: 'on-call' }, spec: { type: 'slack', secretRef: { name: 'slack' } } };
  it.each<[string, string, Record<string, unknown>]>([
    ['flagger.app/v1alpha1', 'MetricTemplate', template], ['flagger.app/v1beta1', 'MetricTemplate', template],
    ['flagger.app/v1alpha1', 'AlertProvider', alerts], ['flagger.app/v1beta1', 'AlertProvider', alerts],
    ['flagger.app/v1alpha3', 'Canary', canary()], ['flagger.app/v1alpha1', 'Canary', canary()],
  ])('tells a %s %s to change its apiVersion, and finds nothing else wrong', (apiVersion, _kind, doc) => {
    const issue = only({ ...doc, apiVersion });
    expect(issue).toMatchObject({ path: ['apiVersion'], message: `must be pennant.dev/v1beta1, got "${apiVersion}"` });
    expect(issue.hint).toMatch(/^change apiVersion to pennant\.dev\/v1beta1: Pennant is field-compatible with Flagger's API/);
  });

  it.each([
    [{ namespace: 'test' }, 'metadata.name: required'],
    [{ name: 'Pod_Info' }, 'metadata.name: must be a DNS-1123 subdomain (lowercase letters, digits, "-" and "."; at most 253), got "Pod_Info"'],
    [{ name: 'podinfo', namespace: 'My.NS' }, 'metadata.namespace: must be a DNS-1123 label (lowercase letters, digits and "-"; at most 63), got "My.NS"'],
  ])('checks metadata %j', (metadata, expected) => {
    expect(render(validateManifest(canary({}, { metadata })))).toEqual([expected]);
  });

  it('suggests a DNS name', () => {
    expect(only(canary({}, { metadata: { name: 'Pod_Info' } })).hint).toBe('try "pod-info"');
  });
});

describe('validateManifest: schema messages', () => {
  it.each<[string, Record<string, unknown>, string, string]>([
    ['a percentage for a number', analysis({ maxWeight: '50%' }),
      'spec.analysis.maxWeight: expected number, got "50%"', 'write the number without "%": 50'],
    ['a quoted integer', { service: { port: '9898' } },
      'spec.service.port: expected integer, got "9898"', 'remove the quotes: 9898'],
    ['a fraction for an integer', analysis({ threshold: 1.5 }),
      'spec.analysis.threshold: expected integer, got 1.5', 'use a whole number'],
    ['a word for a boolean', { skipAnalysis: 'yes' },
      'spec.skipAnalysis: expected boolean, got "yes"', 'write true or false, without quotes'],
    ['a bad duration', analysis({ interval: '1 minute' }),
      'spec.analysis.interval: expected a duration such as "30s", "1m" or "1m30s", got "1 minute"',
      'write a number followed by ms, s, m or h, e.g. 30s or 1m'],
    ['a value out of range', analysis({ maxWeight: 150 }),
      'spec.analysis.maxWeight: must be at most 100, got 150', 'use a value at most 100'],
    ['an empty name', { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: '' } },
      'spec.targetRef.name: must not be empty', 'give it a value, or remove the field'],
    ['a scalar for a list', analysis({ metrics: 'request-success-rate' }),
      'spec.analysis.metrics: expected list, got "request-success-rate"', 'write each item on its own line starting with "- "'],
    ['a float for int-or-string', { service: { port: 80, targetPort: 80.5 } },
      'spec.service.targetPort: expected integer or string, got 80.5', 'write a whole number or a name'],
  ])('explains %s', (_name, spec, message, hint) => {
    const issue = only(canary(spec));
    expect(`${formatPath(issue.path)}: ${issue.message}`).toBe(message);
    expect(issue.hint).toBe(hint);
  });

  it('lists the providers and suggests the closest one', () => {
    const issue = only(canary({ provider: 'istoi' }));
    expect(issue.message).toMatch(/^must be one of apisix, appmesh, .*, istio, .*, traefik; got "istoi"$/);
    expect(issue.hint).toBe('did you mean "istio"?');
  });

  it('says "required" for a missing field, with a hint from its schema', () => {
    const doc = canary({ targetRef: { apiVersion: 'apps/v1', name: 'x' } });
    expect(only(doc)).toMatchObject({ path: ['spec', 'targetRef', 'kind'], message: 'required', hint: 'add kind: one of Deployment, DaemonSet, Service' });
  });

  it('treats an empty value as missing, as the API server does', () => {
    const doc = { apiVersion: 'pennant.dev/v1beta1', kind: 'MetricTemplate', metadata: { name: 'm' }, spec: { provider: { type: 'prometheus', address: null }, query: null } };
    expect(render(validateManifest(doc))).toEqual(['spec.query: required, but the value is empty']);
  });

  it('runs the cross-field rules once the schema passes', () => {
    expect(render(validateManifest(canary(analysis({ iterations: 5 }))))).toEqual([
      'spec.analysis.iterations: stepWeight and iterations are both set; set exactly one of stepWeight, stepWeights or iterations',
    ]);
  });

  it('requires address or secretRef on an AlertProvider, and accepts both', () => {
    const provider = (spec: Record<string, unknown>) => ({ apiVersion: 'pennant.dev/v1beta1', kind: 'AlertProvider', metadata: { name: 'a' }, spec });
    expect(render(validateManifest(provider({ type: 'slack' })))).toEqual(['spec: one of address or secretRef is required']);
    expect(validateManifest(provider({ type: 'slack', address: 'https://x', secretRef: { name: 's' } }))).toEqual([]);
  });
});

describe('validateManifest: unknown fields', () => {
  it.each<[string, Record<string, unknown>, string, string]>([
    ['a case slip', analysis({ stepweight: 10 }), 'spec.analysis.stepweight', 'did you mean "stepWeight"?'],
    ['a typo', analysis({ metrics: [{ name: 'request-success-rate', tresholdRange: { min: 99 } }] }),
      'spec.analysis.metrics[0].tresholdRange', 'did you mean "thresholdRange"?'],
    ['a transposition', { serivce: { port: 80 } }, 'spec.serivce', 'did you mean "service"?'],
    ['a field one level too high', { threshold: 5 }, 'spec.threshold', 'did you mean to put it under "analysis" (spec.analysis.threshold)?'],
  ])('reports %s with a suggestion', (_name, spec, path, suggestion) => {
    const unknown = validateManifest(canary(spec)).filter((i) => i.message.startsWith('unknown field'));
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).toMatchObject({ anchor: 'key' });
    expect(formatPath(unknown[0]?.path ?? [])).toBe(path);
    expect(unknown[0]?.hint).toContain(suggestion);
    expect(unknown[0]?.hint).toContain('Kubernetes drops unknown fields');
  });

  it('lists the allowed fields when nothing is close', () => {
    const issue = only(canary({ targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'x', zzz: 1 } }));
    expect(issue.hint).toBe('remove it or fix its indentation; fields allowed here: apiVersion, kind, name');
  });

  it('allows any key in maps of user data (labels, annotations, template variables)', () => {
    const doc = canary(
      { service: { port: 80, apex: { annotations: { 'a.b/c': 'd' } } }, ...analysis({ metrics: [{ name: 'x', templateRef: { name: 'x' }, templateVariables: { anything: 'y' } }] }) },
      { metadata: { name: 'p', labels: { app: 'p' }, annotations: { note: 'n' }, uid: 'u' } },
    );
    expect(validateManifest(doc)).toEqual([]);
  });
});

describe('suggestions', () => {
  it.each([
    ['stepweight', 'stepWeight', 1],
    ['stepwieght', 'stepweight', 1],
    ['serivce', 'service', 1],
    ['istoi', 'istio', 1],
    ['', 'abc', 3],
  ])('editDistance(%s, %s) = %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });

  it('only suggests plausible typos', () => {
    expect(closest('stepweight', ['stepWeight', 'stepWeights'])).toBe('stepWeight');
    expect(closest('color', ['interval', 'threshold'])).toBeUndefined();
  });

  it('prunes null map values but keeps list items', () => {
    expect(pruneNulls({ a: null, b: { c: null, d: 1 }, e: [null, { f: null }] })).toEqual({ b: { d: 1 }, e: [null, {}] });
  });
});
