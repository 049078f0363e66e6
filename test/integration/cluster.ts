import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { type Impersonation, kubeConfigFrom, RealKube } from '../../src/kube/index.js';
import type { KubeObject } from '../../src/kube/types.js';

export const REPO = resolve(import.meta.dirname, '../..');
export const GATEWAY_API_VERSION = 'v1.4.1';

/** Starts (or reuses) the real control plane of test/cluster and returns its kubeconfig path. */
export function clusterUp(): string {
  const run = spawnSync(join(REPO, 'test/cluster/up'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 50 * 60_000 });
  const last = run.stdout.trim().split('\n').pop() ?? '';
  if (run.status !== 0 || !last.startsWith('KUBECONFIG=')) {
    throw new Error(`test/cluster/up failed (exit ${run.status ?? run.signal}): ${run.stdout.slice(-2000)}`);
  }
  return last.slice('KUBECONFIG='.length);
}

export function realKube(kubeconfig: string, impersonate?: Impersonation): RealKube {
  return new RealKube(kubeConfigFrom({ kubeconfig, ...(impersonate ? { impersonate } : {}) }));
}

export function yamlObjects(text: string): KubeObject[] {
  return parseAllDocuments(text).map((d) => d.toJS() as KubeObject | null).filter((o): o is KubeObject => o !== null && typeof o === 'object' && 'kind' in o);
}

/**
 * CRDs of the traffic providers' APIs, taken from the providers' own Go modules (served by the Go
 * module proxy and cached by go): no download site is reachable, and these are the real definitions.
 * One entry per provider; `kinds` keeps only the CRDs Pennant's routers write or read.
 */
export const THIRD_PARTY_CRDS: { module: string; files: string[]; kinds?: string[] }[] = [
  {
    module: `sigs.k8s.io/gateway-api@${GATEWAY_API_VERSION}`,
    files: ['config/crd/standard/gateway.networking.k8s.io_httproutes.yaml', 'config/crd/standard/gateway.networking.k8s.io_gateways.yaml', 'config/crd/standard/gateway.networking.k8s.io_gatewayclasses.yaml'],
  },
  { module: 'istio.io/api@v1.31.4', files: ['kubernetes/customresourcedefinitions.gen.yaml'], kinds: ['VirtualService', 'DestinationRule'] },
  { module: 'github.com/projectcontour/contour@v1.33.8', files: ['examples/contour/01-crds.yaml'], kinds: ['HTTPProxy'] },
  { module: 'github.com/traefik/traefik/v3@v3.7.13', files: ['docs/content/reference/dynamic-configuration/traefik.io_traefikservices.yaml'], kinds: ['TraefikService'] },
];

/** Providers' CRDs no Go module ships in a form today's API server takes: each file says where it comes from. */
export const FIXTURE_CRDS_DIR = join(REPO, 'test/fixtures/crds-third-party');

/** Pennant's CRDs from crds/, and the providers' from THIRD_PARTY_CRDS and FIXTURE_CRDS_DIR. */
export function crdObjects(): KubeObject[] {
  const yamlIn = (dir: string, suffix: string) => readdirSync(dir).filter((f) => f.endsWith(suffix)).flatMap((f) => yamlObjects(readFileSync(join(dir, f), 'utf8')));
  return [...yamlIn(join(REPO, 'crds'), '.pennant.dev.yaml'), ...THIRD_PARTY_CRDS.flatMap(moduleCrds), ...yamlIn(FIXTURE_CRDS_DIR, '.yaml')];
}

/** The CRDs in `files` of a Go module (downloaded through the module proxy, cached by go). */
export function moduleCrds(source: { module: string; files: string[]; kinds?: string[] }): KubeObject[] {
  const download = spawnSync('go', ['mod', 'download', '-json', source.module], { encoding: 'utf8', cwd: '/tmp', timeout: 5 * 60_000 });
  if (download.status !== 0) throw new Error(`go mod download ${source.module} failed: ${download.stderr}`);
  const dir = (JSON.parse(download.stdout) as { Dir: string }).Dir;
  const crds = source.files.flatMap((f) => yamlObjects(readFileSync(join(dir, f), 'utf8'))).filter((o) => o.kind === 'CustomResourceDefinition');
  return source.kinds ? crds.filter((c) => source.kinds?.includes((c.spec as { names: { kind: string } }).names.kind)) : crds;
}

async function createOrReplace(kube: RealKube, obj: KubeObject): Promise<void> {
  const { name } = obj.metadata;
  if (!name) throw new Error(`a ${obj.kind} without metadata.name`);
  const existing = await kube.get({ apiVersion: obj.apiVersion, kind: obj.kind, name });
  if (!existing) await kube.create(obj);
  else await kube.update({ ...obj, metadata: { ...obj.metadata, ...(existing.metadata.resourceVersion ? { resourceVersion: existing.metadata.resourceVersion } : {}) } });
}

/**
 * Applies the CRDs and waits until the API server serves every kind. `create` is for CRDs whose schema
 * server-side apply refuses to turn into a typed patch (Flagger's declares fields under `properties`
 * that are not in the structural schema); it creates, or replaces what is there.
 */
export async function installCrds(kube: RealKube, crds: KubeObject[] = crdObjects(), method: 'apply' | 'create' = 'apply'): Promise<void> {
  for (const crd of crds) {
    if (method === 'apply') await kube.apply(crd, { force: true });
    else await createOrReplace(kube, crd);
  }
  const deadline = Date.now() + 60_000;
  for (const crd of crds) {
    const spec = crd.spec as { group: string; names: { kind: string }; versions: { name: string; served: boolean }[] };
    for (const version of spec.versions.filter((v) => v.served)) {
      for (;;) {
        try {
          await kube.list({ apiVersion: `${spec.group}/${version.name}`, kind: spec.names.kind });
          break;
        } catch (err) {
          if (Date.now() > deadline) throw new Error(`CRD ${crd.metadata.name} not served after 60s: ${String(err)}`);
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    }
  }
}
