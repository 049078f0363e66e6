import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, type ControllerConfig, parseControllerConfig } from '../../../src/controller/config.js';

/** --kubeconfig and KUBECONFIG must name files that exist. */
const dir = mkdtempSync(join(tmpdir(), 'pennant-config-'));
const [A, B, FLAG] = ['a', 'b', 'flag'].map((name) => {
  writeFileSync(join(dir, name), '{}');
  return join(dir, name);
}) as [string, string, string];

const parse = (flags: Record<string, unknown> = {}, env: Record<string, string | undefined> = {}) => parseControllerConfig(flags, env);
const failure = (flags: Record<string, unknown>, env: Record<string, string | undefined> = {}): ConfigError => {
  try {
    parse(flags, env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('parseControllerConfig', () => {
  it('has defaults for everything', () => {
    expect(parse()).toEqual<ControllerConfig>({
      metricsServer: 'http://prometheus:9090',
      provider: 'kubernetes',
      maxConcurrentAnalyses: 0,
      workers: 4,
      port: 8080,
      logLevel: 'info',
      queryTimeoutMs: 5000,
      denyCrossNamespaceRefs: false,
      resyncSeconds: 300,
      leaderElect: false,
    });
  });

  it.each([
    ['the flag', { leaderElect: true }, {}, true],
    ['PENNANT_LEADER_ELECT=true', {}, { PENNANT_LEADER_ELECT: 'true' }, true],
    ['PENNANT_LEADER_ELECT=false', {}, { PENNANT_LEADER_ELECT: 'false' }, false],
  ])('leader election from %s', (_how, flags, env, expected) => {
    expect(parseControllerConfig(flags, env).leaderElect).toBe(expected);
  });

  it.each([
    ['the flag', { denyCrossNamespaceRefs: true }, {}, true],
    ['PENNANT_DENY_CROSS_NAMESPACE_REFS=true', {}, { PENNANT_DENY_CROSS_NAMESPACE_REFS: 'true' }, true],
    ['nothing (Flagger allows them)', {}, {}, false],
  ])('cross-namespace references denied from %s', (_how, flags, env, expected) => {
    expect(parseControllerConfig(flags, env).denyCrossNamespaceRefs).toBe(expected);
  });

  it('takes the Lease identity from POD_NAME (the downward API)', () => {
    expect(parseControllerConfig({}, { POD_NAME: 'pennant-7d9f-abc' }).identity).toBe('pennant-7d9f-abc');
  });

  it.each<[string, keyof ControllerConfig, string, unknown]>([
    ['KUBECONFIG', 'kubeconfig', A, A],
    ['PENNANT_NAMESPACE', 'namespace', 'apps', 'apps'],
    ['PENNANT_METRICS_SERVER', 'metricsServer', 'http://prom.monitoring:9090', 'http://prom.monitoring:9090'],
    ['PENNANT_PROVIDER', 'provider', 'gatewayapi:v1', 'gatewayapi:v1'],
    ['PENNANT_MAX_CONCURRENT_ANALYSES', 'maxConcurrentAnalyses', '3', 3],
    ['PENNANT_WORKERS', 'workers', '8', 8],
    ['PENNANT_PORT', 'port', '9090', 9090],
    ['PENNANT_LOG_LEVEL', 'logLevel', 'debug', 'debug'],
    ['PENNANT_CLUSTER_NAME', 'clusterName', 'prod-eu', 'prod-eu'],
  ])('%s sets %s', (name, key, value, expected) => {
    expect(parse({}, { [name]: value })[key]).toEqual(expected);
  });

  it.each<[string, Record<string, unknown>, Record<string, string>, Partial<ControllerConfig>]>([
    ['a flag beats the environment', { workers: '2', provider: 'kubernetes' }, { PENNANT_WORKERS: '8', PENNANT_PROVIDER: 'gatewayapi:v1' }, { workers: 2, provider: 'kubernetes' }],
    ['an undefined flag leaves the environment value', { workers: undefined }, { PENNANT_WORKERS: '8' }, { workers: 8 }],
    ['an empty environment value is ignored', {}, { PENNANT_WORKERS: '', PENNANT_METRICS_SERVER: '' }, { workers: 4, metricsServer: 'http://prometheus:9090' }],
    ['the --kubeconfig flag beats KUBECONFIG', { kubeconfig: FLAG }, { KUBECONFIG: A }, { kubeconfig: FLAG }],
    ['KUBECONFIG with several paths: the first', {}, { KUBECONFIG: `${A}:${B}:/c/config` }, { kubeconfig: A }],
    ['KUBECONFIG with empty entries: the first non-empty path', {}, { KUBECONFIG: `:${B}` }, { kubeconfig: B }],
    ['KUBECONFIG with a missing path first: the first that exists, as kubectl skips missing files', {}, { KUBECONFIG: `/missing/config:${B}` }, { kubeconfig: B }],
    ['an https metrics server', { metricsServer: 'https://prom.example.com/prometheus' }, {}, { metricsServer: 'https://prom.example.com/prometheus' }],
    ['numbers from flags are parsed too', { maxConcurrentAnalyses: '5', port: '0', resyncSeconds: '60' }, {}, { maxConcurrentAnalyses: 5, port: 0, resyncSeconds: 60 }],
    ['unknown environment variables are ignored', {}, { PENNANT_UNKNOWN: 'x', HOME: '/root' }, { workers: 4 }],
    ['--include-label-prefix: a comma-separated list, blanks dropped', { includeLabelPrefix: 'app.kubernetes.io, team,,' }, {}, { includeLabelPrefix: ['app.kubernetes.io', 'team'] }],
    ['--include-label-prefix *', { includeLabelPrefix: '*' }, {}, { includeLabelPrefix: ['*'] }],
    ['PENNANT_INCLUDE_LABEL_PREFIX', {}, { PENNANT_INCLUDE_LABEL_PREFIX: 'app.kubernetes.io' }, { includeLabelPrefix: ['app.kubernetes.io'] }],
    ['--ingress-class', { ingressClass: 'contour-external' }, {}, { ingressClass: 'contour-external' }],
    ['PENNANT_INGRESS_CLASS', {}, { PENNANT_INGRESS_CLASS: 'contour' }, { ingressClass: 'contour' }],
  ])('%s', (_, flags, env, expected) => {
    expect(parse(flags, env)).toMatchObject(expected);
  });

  it.each<[string, Record<string, unknown>, Record<string, string>, string]>([
    ['workers 0', { workers: '0' }, {}, '--workers'],
    ['workers above 64', { workers: '65' }, {}, '--workers'],
    ['workers not a number', { workers: 'many' }, {}, '--workers'],
    ['workers from the environment', {}, { PENNANT_WORKERS: 'many' }, 'PENNANT_WORKERS'],
    ['a negative max-concurrent-analyses', { maxConcurrentAnalyses: '-1' }, {}, '--max-concurrent-analyses'],
    ['a fractional max-concurrent-analyses', { maxConcurrentAnalyses: '1.5' }, {}, '--max-concurrent-analyses'],
    ['a port out of range', { port: '70000' }, {}, '--port'],
    ['an unknown provider', { provider: 'envoy' }, {}, '--provider'],
    ['an unknown log level', { logLevel: 'verbose' }, {}, '--log-level'],
    ['a metrics server that is not a URL', { metricsServer: 'not a url' }, {}, '--metrics-server'],
    ['a metrics server without http:// (parses as the URL scheme "prometheus:")', { metricsServer: 'prometheus:9090' }, {}, '--metrics-server'],
    ['a metrics server with another scheme', {}, { PENNANT_METRICS_SERVER: 'ftp://prometheus' }, 'PENNANT_METRICS_SERVER'],
    ['KUBECONFIG where no path exists', {}, { KUBECONFIG: '/missing/a:/missing/b' }, 'KUBECONFIG'],
    ['a label prefix with a space', { includeLabelPrefix: 'app kubernetes' }, {}, '--include-label-prefix'],
    ['a label prefix from the environment with a wildcard inside', {}, { PENNANT_INCLUDE_LABEL_PREFIX: 'app.*' }, 'PENNANT_INCLUDE_LABEL_PREFIX'],
    ['an ingress class in capitals', { ingressClass: 'Contour' }, {}, '--ingress-class'],
    // Settings without a flag, which programs set: named as the program wrote them.
    ['a resync below 10 seconds', { resyncSeconds: '5' }, {}, 'resyncSeconds'],
    ['a query timeout below 100 ms', { queryTimeoutMs: '10' }, {}, 'queryTimeoutMs'],
  ])('%s is a ConfigError naming the flag or variable', (_, flags, env, flag) => {
    const err = failure(flags, env);
    expect(err.message).toContain(`${flag}:`);
    expect(err.message).toMatch(/^invalid configuration: /);
  });

  it('names every bad flag at once', () => {
    const err = failure({ workers: '0', port: '-1', logLevel: 'loud' });
    for (const flag of ['--workers', '--port', '--log-level']) expect(err.message).toContain(flag);
  });
});
