import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Provider } from '../../../src/api/index.js';

export const repoRoot = path.resolve(fileURLToPath(new URL('../../..', import.meta.url)));
/** Flagger's manifests vendored into the repository (test/fixtures/flagger/README.md says where from). */
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures', 'flagger');

export type ExampleSet = 'complete' | 'fragments' | 'e2e';

export const exampleDir = (set: ExampleSet): string =>
  set === 'e2e' ? path.join(fixturesDir, 'e2e') : path.join(fixturesDir, 'docs', set);

export const MISSING_EXAMPLES =
  `Flagger's manifests are missing: expected ${fixturesDir}/{docs/complete,docs/fragments,e2e}/ ` +
  '(vendored test data, see its README.md). They are what real users write; restore them to run these tests.';

export interface Example {
  file: string;
  /** As published, with apiVersion flagger.app/… */
  original: string;
  /** With the apiVersion swapped to pennant.dev/v1beta1, as a user migrating from Flagger does. */
  text: string;
}

/** flagger.app/v1beta1 and flagger.app/v1alpha1 both become pennant.dev/v1beta1. */
export const swapApiVersion = (text: string): string => text.replace(/flagger\.app\/v1\w+/g, 'pennant.dev/v1beta1');

/**
 * The examples of one set, or [] when the directory is missing: the caller's "examples exist" test
 * then fails with MISSING_EXAMPLES, so a missing checkout can never pass as "nothing to check".
 */
export function loadExamples(set: ExampleSet): Example[] {
  const dir = exampleDir(set);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const original = readFileSync(path.join(dir, file), 'utf8');
      return { file, original, text: swapApiVersion(original) };
    });
}

/**
 * The `-mesh-provider` Flagger ran with where these manifests come from: what a Canary without
 * spec.provider is routed by. The e2e suite installs Flagger per router (`test/<router>/install.sh`;
 * Linkerd through the Gateway API since Flagger 1.37); the docs' tutorials say which provider they
 * install; everything else assumes Flagger's default, istio.
 */
const MESH_PROVIDER: Readonly<Record<string, Provider>> = {
  apisix: 'apisix', contour: 'contour', gatewayapi: 'gatewayapi:v1', gloo: 'gloo', gloomesh: 'gloo', istio: 'istio',
  keda: 'kubernetes', knative: 'knative', kubernetes: 'kubernetes', kuma: 'kuma', linkerd: 'gatewayapi:v1beta1',
  nginx: 'nginx', osm: 'osm', skipper: 'skipper', traefik: 'traefik',
};

export function meshProviderOf(set: ExampleSet, file: string): Provider {
  const router = set === 'e2e' ? file.split('-')[0] : /^docs_gitbook_tutorials_([a-z]+)-progressive-delivery_/.exec(file)?.[1];
  return MESH_PROVIDER[router ?? ''] ?? 'istio';
}
