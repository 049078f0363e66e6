import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { KubeObject } from '../../src/kube/types.js';
import { REPO, yamlObjects } from './cluster.js';
import { kubectl } from './service-account.js';

interface Deployment {
  spec: { template: { metadata: { annotations?: Record<string, string> }; spec: { containers: { image: string }[] } } };
}

/** deploy/ and its overlays through kubectl's own kustomize. */
describe('kustomize: deploy/ and overlays/', () => {
  const kubeconfig = inject('kubeconfig');
  const render = (dir: string): KubeObject[] => yamlObjects(kubectl(kubeconfig, ['kustomize', dir]));
  const work = mkdtempSync(join(tmpdir(), 'pennant-kustomize-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('the base has no ServiceMonitor, and its pods carry the scrape annotations', () => {
    const objects = render(join(REPO, 'deploy'));
    expect(objects.filter((o) => o.kind === 'ServiceMonitor')).toEqual([]);
    const [deployment] = objects.filter((o) => o.kind === 'Deployment') as unknown as Deployment[];
    expect(deployment?.spec.template.metadata.annotations?.['prometheus.io/scrape']).toBe('true');
  });

  it('the servicemonitor overlay adds a ServiceMonitor on the metrics Service and drops the annotations', () => {
    expect(readdirSync(join(REPO, 'overlays'))).toEqual(['servicemonitor']);
    const objects = render(join(REPO, 'overlays', 'servicemonitor'));
    const [monitor] = objects.filter((o) => o.kind === 'ServiceMonitor') as unknown as { metadata: { namespace: string }; spec: { selector: { matchLabels: Record<string, string> }; endpoints: { port: string; honorLabels: boolean }[] } }[];
    expect(monitor?.metadata.namespace).toBe('pennant-system');
    const service = objects.find((o) => o.kind === 'Service');
    expect(service?.metadata.labels).toMatchObject(monitor?.spec.selector.matchLabels ?? { missing: 'selector' });
    expect(monitor?.spec.endpoints).toEqual([expect.objectContaining({ port: 'http-metrics', honorLabels: true })]);
    const [deployment] = objects.filter((o) => o.kind === 'Deployment') as unknown as Deployment[];
    expect(deployment?.spec.template.metadata.annotations).toBeUndefined();
  });

  it('an overlay points the Deployment at another image with one images: entry', () => {
    cpSync(join(REPO, 'deploy'), join(work, 'deploy'), { recursive: true });
    cpSync(join(REPO, 'crds'), join(work, 'crds'), { recursive: true });
    writeFileSync(join(work, 'kustomization.yaml'), 'resources: [deploy]\nimages:\n  - name: ghcr.io/pennant-dev/pennant\n    newName: registry.example/pennant\n    newTag: 1.2.3\n');
    const [deployment] = render(work).filter((o) => o.kind === 'Deployment') as unknown as Deployment[];
    expect(deployment?.spec.template.spec.containers[0]?.image).toBe('registry.example/pennant:1.2.3');
  });
});
