import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SUPPORTED_PROVIDERS } from '../../../src/api/capabilities.js';
import { LOG_LEVELS } from '../../../src/controller/config.js';
import { chartFiles } from '../../../scripts/chart-files.js';
import { deployDir, only, repoRoot } from './manifests.js';

const chartDir = path.join(repoRoot, 'charts', 'pennant');
const read = (file: string): string => readFileSync(path.join(chartDir, file), 'utf8');
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
const values = parse(read('values.yaml')) as Record<string, unknown> & { image: { repository: string; tag: string } };
const schema = JSON.parse(read('values.schema.json')) as { properties: Record<string, { enum?: string[] }> };

describe('charts/pennant', () => {
  it('carries the generated CRDs and RBAC as `npm run gen:chart` writes them', () => {
    for (const file of chartFiles()) expect(read(file.path), `${file.path} is stale: npm run gen:chart`).toBe(file.content);
    const ours = readdirSync(path.join(repoRoot, 'crds')).filter((f) => f.endsWith('.pennant.dev.yaml'));
    expect(readdirSync(path.join(chartDir, 'crds')).sort()).toEqual(ours.sort());
    for (const file of ours) expect(read(`crds/${file}`)).toBe(readFileSync(path.join(repoRoot, 'crds', file), 'utf8'));
  });

  it('is versioned with the package, and names the same image as deploy/', () => {
    const chart = parse(read('Chart.yaml')) as { version: string; appVersion: string };
    expect(chart.version).toBe(pkg.version);
    expect(chart.appVersion).toBe(pkg.version);
    const kustomization = parse(readFileSync(path.join(deployDir, 'kustomization.yaml'), 'utf8')) as { images: { name: string; newTag: string }[] };
    expect(kustomization.images).toEqual([{ name: values.image.repository, newTag: pkg.version }]);
    const deployment = only('Deployment') as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } };
    expect(deployment.spec.template.spec.containers[0]?.image).toBe(`${values.image.repository}:${pkg.version}`);
  });

  it('types every value in values.schema.json, and nothing else', () => {
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(values).sort());
  });

  it('offers the providers and log levels the controller accepts', () => {
    expect(schema.properties.provider?.enum).toEqual(['', ...SUPPORTED_PROVIDERS]);
    expect(schema.properties.logLevel?.enum).toEqual([...LOG_LEVELS]);
  });
});
