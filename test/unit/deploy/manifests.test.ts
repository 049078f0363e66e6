import { existsSync, readdirSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli/main.js';
import { controllerConfig, parseControllerConfig } from '../../../src/controller/config.js';
import { createHttpServer, listen } from '../../../src/server/http.js';
import { DEFAULT_HOOK_TIMEOUT_MS } from '../../../src/webhooks/call.js';
import { deployDir, loadFile, loadObjects, only, repoRoot, yamlFiles } from './manifests.js';

const NAMESPACE = 'pennant-system';

interface Probe { httpGet?: { path?: string; port?: number | string } }
interface Container {
  name: string;
  image: string;
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  terminationGracePeriodSeconds?: number;
  securityContext?: Record<string, unknown>;
  containers: Container[];
  volumes?: { name: string }[];
}
interface DeploymentSpec {
  replicas?: number;
  strategy?: { type?: string };
  selector: { matchLabels: Record<string, string> };
  template: { metadata: { labels: Record<string, string>; annotations?: Record<string, string> }; spec: PodSpec };
}

const deploymentSpec = (): DeploymentSpec => only('Deployment').spec as DeploymentSpec;
const container = (): Container => {
  const c = deploymentSpec().template.spec.containers;
  expect(c).toHaveLength(1);
  return c[0] as Container;
};

/** The container port a probe or Service port refers to, by name or number. */
function containerPort(ref: number | string | undefined): number | undefined {
  if (typeof ref === 'number') return ref;
  return container().ports?.find((p) => p.name === ref)?.containerPort;
}

describe('deploy/ YAML', () => {
  it('parses, every document with apiVersion, kind and name', () => {
    expect(yamlFiles().length).toBeGreaterThan(5);
    for (const file of yamlFiles()) {
      const docs = loadFile(file);
      expect(docs.length, file).toBeGreaterThan(0);
      for (const doc of docs) {
        expect(doc.apiVersion, file).toEqual(expect.any(String));
        expect(doc.kind, file).toEqual(expect.any(String));
        if (doc.kind !== 'Kustomization') expect(doc.metadata?.name, file).toEqual(expect.any(String));
      }
    }
  });

  it('puts every namespaced object in pennant-system (also without kustomize)', () => {
    const clusterScoped = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);
    for (const obj of loadObjects().filter((o) => !clusterScoped.has(o.kind))) {
      expect(obj.metadata.namespace, `${obj.file}: ${obj.kind}`).toBe(NAMESPACE);
    }
    expect(only('Namespace').metadata.name).toBe(NAMESPACE);
  });
});

describe('deploy/kustomization.yaml', () => {
  const kustomization = () => loadFile('kustomization.yaml')[0] as unknown as { namespace?: string; resources?: string[] };

  it('lists every file of deploy/ and the CRDs, and nothing that does not exist', () => {
    const resources = kustomization().resources ?? [];
    const local = yamlFiles().filter((f) => f !== 'kustomization.yaml');
    expect(resources).toContain('../crds');
    expect(resources.filter((r) => !r.startsWith('../')).sort()).toEqual(local);
    for (const r of resources) expect(existsSync(path.join(deployDir, r)), r).toBe(true);
    expect(existsSync(path.join(repoRoot, 'crds', 'kustomization.yaml'))).toBe(true);
    // deploy/ has no subdirectories a kustomization could forget either.
    expect(readdirSync(deployDir).filter((f) => statSync(path.join(deployDir, f)).isDirectory())).toEqual([]);
  });

  it('installs into pennant-system', () => {
    expect(kustomization().namespace).toBe(NAMESPACE);
  });
});

describe('deploy/deployment.yaml', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createHttpServer({ registry: new Registry(), ready: () => true });
    port = await listen(server, 0, '127.0.0.1');
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('probes paths the controller serves, on its default port', async () => {
    const c = container();
    const defaultPort = controllerConfig.parse({}).port;
    expect(defaultPort).toBe(8080);
    expect(c.ports).toEqual([{ name: 'http-metrics', containerPort: defaultPort, protocol: 'TCP' }]);
    for (const probe of [c.livenessProbe, c.readinessProbe]) {
      const get = probe?.httpGet;
      expect(containerPort(get?.port)).toBe(defaultPort);
      const res = await fetch(`http://127.0.0.1:${port}${get?.path ?? '/missing'}`);
      expect(res.status, get?.path).toBe(200);
    }
    expect(c.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(c.readinessProbe?.httpGet?.path).toBe('/readyz');
  });

  it('passes only flags `pennant run` knows, with values it accepts, and does not move the port', () => {
    const [command, ...flags] = container().args ?? [];
    expect(command).toBe('run');
    const run = buildProgram({ stdout: () => undefined, stderr: () => undefined, setExitCode: () => undefined }).commands.find((c) => c.name() === 'run');
    const known = new Map(run?.options.map((o) => [o.long ?? '', o]));
    const parsed: Record<string, string | boolean> = {};
    for (const flag of flags) {
      const [name = '', value = ''] = flag.split(/=(.*)/s);
      const option = known.get(name);
      expect(option, `${flag} is not a flag of pennant run`).toBeDefined();
      parsed[option?.attributeName() ?? ''] = option?.isBoolean() ? true : value;
    }
    expect(parsed.port, 'the probes and the Service assume the default port').toBeUndefined();
    expect(parseControllerConfig(parsed, {}).metricsServer).toBe('http://prometheus.monitoring:9090');
  });

  it('runs a standby next to the leader, and never two leaders during a rollout of its own', () => {
    expect(deploymentSpec().replicas).toBe(2);
    expect(container().args).toContain('--leader-elect');
  });

  it('keeps the service account token, which is how the controller authenticates', () => {
    const spec = deploymentSpec().template.spec;
    expect(spec.serviceAccountName).toBe(only('ServiceAccount').metadata.name);
    expect(spec.automountServiceAccountToken).not.toBe(false);
    expect(only('ServiceAccount').automountServiceAccountToken).not.toBe(false);
  });

  it('is hardened: non-root, read-only root, no capabilities, RuntimeDefault seccomp', () => {
    const pod = deploymentSpec().template.spec;
    const sc = container().securityContext ?? {};
    expect(pod.securityContext?.runAsNonRoot ?? sc.runAsNonRoot).toBe(true);
    expect(sc.readOnlyRootFilesystem).toBe(true);
    expect(sc.allowPrivilegeEscalation).toBe(false);
    expect(sc.capabilities).toEqual({ drop: ['ALL'] });
    expect(pod.securityContext?.seccompProfile ?? sc.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    for (const m of container().volumeMounts ?? []) expect(pod.volumes?.map((v) => v.name), m.name).toContain(m.name);
  });

  it('sets requests and limits', () => {
    const r = container().resources;
    for (const key of ['cpu', 'memory']) {
      expect(r?.requests?.[key], `requests.${key}`).toEqual(expect.any(String));
      expect(r?.limits?.[key], `limits.${key}`).toEqual(expect.any(String));
    }
  });

  it('gives an analysis step time to finish its HTTP calls on SIGTERM', () => {
    const { queryTimeoutMs } = controllerConfig.parse({});
    const grace = deploymentSpec().template.spec.terminationGracePeriodSeconds ?? 30;
    expect(grace * 1000).toBeGreaterThanOrEqual(2 * (DEFAULT_HOOK_TIMEOUT_MS + queryTimeoutMs));
  });

  it('selects its own pods', () => {
    const spec = deploymentSpec();
    expect(spec.template.metadata.labels).toMatchObject(spec.selector.matchLabels);
  });
});

describe('deploy/service.yaml', () => {
  it('exposes the metrics port of the controller pods', () => {
    const service = only('Service').spec as { selector: Record<string, string>; ports: { name: string; port: number; targetPort: string | number }[] };
    expect(deploymentSpec().template.metadata.labels).toMatchObject(service.selector);
    expect(service.ports.map((p) => containerPort(p.targetPort))).toEqual([controllerConfig.parse({}).port]);
    expect(service.ports[0]?.name).toBe('http-metrics');
  });

  it('matches the scrape annotations of the pod', () => {
    const annotations = deploymentSpec().template.metadata.annotations ?? {};
    expect(annotations['prometheus.io/scrape']).toBe('true');
    expect(Number(annotations['prometheus.io/port'])).toBe(controllerConfig.parse({}).port);
    expect(annotations['prometheus.io/path']).toBe('/metrics');
  });
});
