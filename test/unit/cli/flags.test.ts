import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEMO_SETTINGS } from '../../../src/cli/demo.js';
import { EXIT } from '../../../src/cli/io.js';
import { main } from '../../../src/cli/main.js';
import { MIGRATE_SETTINGS } from '../../../src/cli/migrate.js';
import { SIMULATE_SETTINGS } from '../../../src/cli/simulate.js';
import { STATUS_SETTINGS } from '../../../src/cli/status.js';
import { UI_SETTINGS } from '../../../src/cli/ui.js';
import { VALIDATE_SETTINGS } from '../../../src/cli/validate.js';
import { PROMOTE_SETTINGS, VERB_SETTINGS } from '../../../src/cli/verbs.js';
import { RUN_SETTINGS } from '../../../src/controller/config.js';
import { flagOf, type Settings } from '../../../src/util/settings.js';
import { FakeApiServer } from '../kube/fake-api-server.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'pennant-flags-'));
/** Points at a closed port: should a row be accepted by mistake, `run` fails at once instead of running. */
const KUBECONFIG = FakeApiServer.kubeconfigFor('https://127.0.0.1:1');
const SECRET = 'hooks.slack.com/services/T000/B000/not-to-be-printed';

async function run(args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  let stderr = '';
  let stdout = '';
  const code = await main(['node', 'pennant', ...args], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stderr, stdout };
}

/** Every environment variable the CLI reads, emptied: a developer's own settings must not leak into these rows. */
beforeEach(() => {
  for (const setting of Object.values(RUN_SETTINGS) as { env?: string }[]) if (setting.env) vi.stubEnv(setting.env, '');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

// [command, flag, bad value, what stderr says]
const BAD_FLAGS: [string, string, string, string][] = [
  ['run', '--kubeconfig', join(dir, 'missing'), `--kubeconfig: "${join(dir, 'missing')}" is not a file (no such file, or a directory)`],
  ['run', '--kubeconfig', dir, `--kubeconfig: "${dir}" is not a file (no such file, or a directory)`],
  ['run', '--context', '', '--context: "" is empty'],
  ['run', '--namespace', 'Apps_1', '--namespace: "Apps_1" is not a namespace name (lowercase letters, digits and "-"; at most 63)'],
  ['run', '--metrics-server', 'prometheus:9090', '--metrics-server: "prometheus:9090" is not an http(s) URL (e.g. http://prometheus:9090)'],
  ['run', '--provider', 'knative', '--provider: "knative" is not one of: kubernetes, gatewayapi:v1, gatewayapi:v1beta1, istio, nginx, contour, traefik, linkerd, smi:v1alpha1, smi:v1alpha2, smi:v1alpha3'],
  ['run', '--max-concurrent-analyses', '1.5', '--max-concurrent-analyses: "1.5" is not a whole number at least 0'],
  ['run', '--max-concurrent-analyses', '-1', '--max-concurrent-analyses: "-1" is not a whole number at least 0'],
  ['run', '--workers', '0', '--workers: "0" is not a whole number between 1 and 64'],
  ['run', '--workers', '1e3', '--workers: "1e3" is not a whole number between 1 and 64'],
  ['run', '--workers', 'many', '--workers: "many" is not a whole number between 1 and 64'],
  ['run', '--port', '65536', '--port: "65536" is not a port (1-65535, or 0 for any free port)'],
  ['run', '--port', 'http', '--port: "http" is not a port (1-65535, or 0 for any free port)'],
  ['run', '--log-level', 'verbose', '--log-level: "verbose" is not one of: trace, debug, info, warn, error'],
  ['run', '--cluster-name', '', '--cluster-name: "" is empty'],
  ['run', '--slack-url', SECRET, '--slack-url: the value given (a secret, not shown) is not an http(s) URL (e.g. https://hooks.slack.com/services/...)'],
  ['run', '--slack-channel', '', '--slack-channel: "" is empty'],
  ['run', '--slack-user', '', '--slack-user: "" is empty'],
  ['run', '--msteams-url', `ftp://${SECRET}`, '--msteams-url: the value given (a secret, not shown) is not an http(s) URL (e.g. https://example.webhook.office.com/...)'],
  ['run', '--alert-link', 'grafana/d/canary', '--alert-link: "grafana/d/canary" is not an http(s) URL (e.g. https://grafana.example.com/d/canary?var-canary={name})'],
  ['run', '--leader-election-namespace', '-x', '--leader-election-namespace: "-x" is not a namespace name (lowercase letters, digits and "-"; at most 63)'],
  ['run', '--identity', '', '--identity: "" is empty'],
  ['run', '--gitops-cache-dir', '', '--gitops-cache-dir: "" is empty'],
  ['run', '--shard', 'blue/green', '--shard: "blue/green" is not a shard name (a label value: letters, digits, "-", "_", "."; at most 63)'],
  ['run', '--include-label-prefix', 'a b', '--include-label-prefix: "a b" is not a label prefix (* or the start of a label key: letters, digits, ".", "_", "/", "-")'],
  ['run', '--ingress-class', 'Contour', '--ingress-class: "Contour" is not an ingress class (a lower-case DNS name: a-z, 0-9, "-", ".")'],
  ['demo', '--interval', 'banana', '--interval: "banana" is not a duration (e.g. 30s, 1m)'],
  ['demo', '--interval', '10', '--interval: "10" is not a duration (e.g. 30s, 1m)'],
  ['demo', '--interval', '1h', '--interval: "1h" is not a duration from 100ms to 10s'],
  ['demo', '--interval', '0s', '--interval: "0s" is not a duration from 100ms to 10s'],
  ['validate', '--output', 'yaml', '--output: "yaml" is not one of: text, json'],
  ['validate', '--provider', 'kuma', '--provider: "kuma" is not one of: kubernetes, gatewayapi:v1, gatewayapi:v1beta1, istio, nginx, contour, traefik, linkerd, smi:v1alpha1, smi:v1alpha2, smi:v1alpha3'],
  ['simulate', '--story', '', '--story: "" is empty'],
  ['simulate', '--output', 'table', '--output: "table" is not one of: text, json'],
  ['simulate', '--provider', 'kuma', '--provider: "kuma" is not one of: kubernetes, gatewayapi:v1, gatewayapi:v1beta1, istio, nginx, contour, traefik, linkerd, smi:v1alpha1, smi:v1alpha2, smi:v1alpha3'],
  ['migrate', '--provider', 'osm', '--provider: "osm" is not one of: kubernetes, gatewayapi:v1, gatewayapi:v1beta1, istio, nginx, contour, traefik, linkerd, smi:v1alpha1, smi:v1alpha2, smi:v1alpha3'],
  ['status', '--kubeconfig', join(dir, 'missing'), `--kubeconfig: "${join(dir, 'missing')}" is not a file (no such file, or a directory)`],
  ['status', '--context', '', '--context: "" is empty'],
  ['status', '--namespace', 'Test', '--namespace: "Test" is not a namespace name (lowercase letters, digits and "-"; at most 63)'],
  ['status', '--output', 'wide', '--output: "wide" is not one of: table, json, yaml'],
  ['promote', '--kubeconfig', dir, `--kubeconfig: "${dir}" is not a file (no such file, or a directory)`],
  ['promote', '--context', '', '--context: "" is empty'],
  ['promote', '--namespace', 'a.b', '--namespace: "a.b" is not a namespace name (lowercase letters, digits and "-"; at most 63)'],
  ['promote', '--wait', 'soon', '--wait: "soon" is not a duration (e.g. 30s, 1m)'],
  ['abort', '--kubeconfig', join(dir, 'missing'), `--kubeconfig: "${join(dir, 'missing')}" is not a file (no such file, or a directory)`],
  ['abort', '--context', '', '--context: "" is empty'],
  ['abort', '--namespace', '-x', '--namespace: "-x" is not a namespace name (lowercase letters, digits and "-"; at most 63)'],
  ['abort', '--wait', '2h', '--wait: "2h" is not a duration from 0ms to 1h'],
  ['ui', '--kubeconfig', join(dir, 'missing'), `--kubeconfig: "${join(dir, 'missing')}" is not a file (no such file, or a directory)`],
  ['ui', '--context', '', '--context: "" is empty'],
  ['ui', '--namespace', 'Web', '--namespace: "Web" is not a namespace name (lowercase letters, digits and "-"; at most 63)'],
  ['ui', '--port', '70000', '--port: "70000" is not a port (1-65535, or 0 for any free port)'],
  ['ui', '--address', '', '--address: "" is empty'],
];

const guard = (command: string, flag: string): string[] => (command === 'run' && flag !== '--kubeconfig' ? ['--kubeconfig', KUBECONFIG] : []);
const ARGS_AFTER: Record<string, string[]> = { validate: [dir], migrate: [dir], simulate: [join(dir, 'canary.yaml')], promote: ['podinfo'], abort: ['podinfo'] };
const argsAfter = (command: string): string[] => ARGS_AFTER[command] ?? [];

describe('a flag with a bad value', () => {
  it.each(BAD_FLAGS)('pennant %s %s %j: exit 2, the flag named', async (command, flag, value, message) => {
    const { code, stderr, stdout } = await run([command, ...guard(command, flag), `${flag}=${value}`, ...argsAfter(command)]);
    expect(stderr).toBe(`pennant: ${message}\n(run "pennant help" for usage)\n`);
    expect(code).toBe(EXIT.usage);
    expect(stdout).toBe('');
  });

  it('never prints a secret', async () => {
    const { stderr } = await run(['run', '--kubeconfig', KUBECONFIG, '--slack-url', SECRET, '--msteams-url', `ftp://${SECRET}`]);
    expect(stderr).toContain('--slack-url');
    expect(stderr).not.toContain('not-to-be-printed');
  });

  it('names every bad flag at once, in the order of --help', async () => {
    const { stderr, code } = await run(['run', '--kubeconfig', KUBECONFIG, '--port', '-1', '--workers', '0', '--log-level', 'loud']);
    expect(stderr.split('\n').filter((l) => l.startsWith('pennant: ')).map((l) => l.split(':')[1])).toEqual([' --workers', ' --port', ' --log-level']);
    expect(code).toBe(EXIT.usage);
  });

  it.each<[string, Settings]>([
    ['run', RUN_SETTINGS], ['demo', DEMO_SETTINGS], ['validate', VALIDATE_SETTINGS], ['migrate', MIGRATE_SETTINGS], ['simulate', SIMULATE_SETTINGS], ['status', STATUS_SETTINGS],
    ['promote', PROMOTE_SETTINGS], ['abort', VERB_SETTINGS], ['ui', UI_SETTINGS],
  ])('every flag of %s that takes a value has a row above', (command, settings) => {
    const flags = Object.entries(settings).filter(([, s]) => s.value !== undefined).map(([key]) => flagOf(key));
    expect(new Set(BAD_FLAGS.filter(([c]) => c === command).map(([, flag]) => flag))).toEqual(new Set(flags));
  });
});

// [variable, bad value, what stderr says]; a variable that takes any text has no bad value but the empty one, which counts as unset.
const BAD_ENV: [string, string, string][] = [
  ['KUBECONFIG', join(dir, 'missing'), `KUBECONFIG: "${join(dir, 'missing')}" is not a file (no such file, or a directory)`],
  ['PENNANT_NAMESPACE', 'Apps', 'PENNANT_NAMESPACE: "Apps" is not a namespace name (lowercase letters, digits and "-"; at most 63)'],
  ['PENNANT_METRICS_SERVER', 'ftp://prometheus', 'PENNANT_METRICS_SERVER: "ftp://prometheus" is not an http(s) URL (e.g. http://prometheus:9090)'],
  ['PENNANT_PROVIDER', 'kuma', 'PENNANT_PROVIDER: "kuma" is not one of: kubernetes, gatewayapi:v1, gatewayapi:v1beta1, istio, nginx, contour, traefik, linkerd, smi:v1alpha1, smi:v1alpha2, smi:v1alpha3'],
  ['PENNANT_MAX_CONCURRENT_ANALYSES', 'two', 'PENNANT_MAX_CONCURRENT_ANALYSES: "two" is not a whole number at least 0'],
  ['PENNANT_WORKERS', '65', 'PENNANT_WORKERS: "65" is not a whole number between 1 and 64'],
  ['PENNANT_PORT', '8080/tcp', 'PENNANT_PORT: "8080/tcp" is not a port (1-65535, or 0 for any free port)'],
  ['PENNANT_LOG_LEVEL', 'INFO', 'PENNANT_LOG_LEVEL: "INFO" is not one of: trace, debug, info, warn, error'],
  ['PENNANT_SLACK_URL', SECRET, 'PENNANT_SLACK_URL: the value given (a secret, not shown) is not an http(s) URL (e.g. https://hooks.slack.com/services/...)'],
  ['PENNANT_MSTEAMS_URL', SECRET, 'PENNANT_MSTEAMS_URL: the value given (a secret, not shown) is not an http(s) URL (e.g. https://example.webhook.office.com/...)'],
  ['PENNANT_ALERT_LINK', 'javascript:alert(1)', 'PENNANT_ALERT_LINK: "javascript:alert(1)" is not an http(s) URL (e.g. https://grafana.example.com/d/canary?var-canary={name})'],
  ['PENNANT_LEADER_ELECT', 'maybe', 'PENNANT_LEADER_ELECT: "maybe" is not true or false'],
  ['PENNANT_LEADER_ELECTION_NAMESPACE', 'kube_system', 'PENNANT_LEADER_ELECTION_NAMESPACE: "kube_system" is not a namespace name (lowercase letters, digits and "-"; at most 63)'],
  ['PENNANT_SHARD', '-x', 'PENNANT_SHARD: "-x" is not a shard name (a label value: letters, digits, "-", "_", "."; at most 63)'],
  ['PENNANT_INCLUDE_LABEL_PREFIX', 'app.*', 'PENNANT_INCLUDE_LABEL_PREFIX: "app.*" is not a label prefix (* or the start of a label key: letters, digits, ".", "_", "/", "-")'],
  ['PENNANT_INGRESS_CLASS', 'X', 'PENNANT_INGRESS_CLASS: "X" is not an ingress class (a lower-case DNS name: a-z, 0-9, "-", ".")'],
  ['PENNANT_DENY_CROSS_NAMESPACE_REFS', 'nope', 'PENNANT_DENY_CROSS_NAMESPACE_REFS: "nope" is not true or false'],
  ['PENNANT_GITOPS_ALLOW_CONTROLLER_IDENTITY', 'sure', 'PENNANT_GITOPS_ALLOW_CONTROLLER_IDENTITY: "sure" is not true or false'],
];
const ANY_TEXT = ['PENNANT_CLUSTER_NAME', 'PENNANT_SLACK_CHANNEL', 'PENNANT_SLACK_USER', 'POD_NAME', 'PENNANT_GITOPS_CACHE_DIR'];

describe('an environment variable with a bad value', () => {
  it.each(BAD_ENV)('%s=%j: exit 2, the variable named', async (name, value, message) => {
    vi.stubEnv(name, value);
    const { code, stderr } = await run(['run', ...(name === 'KUBECONFIG' ? [] : ['--kubeconfig', KUBECONFIG])]);
    expect(stderr).toBe(`pennant: ${message}\n(run "pennant help" for usage)\n`);
    expect(code).toBe(EXIT.usage);
  });

  it('a flag wins over a bad variable', async () => {
    vi.stubEnv('PENNANT_WORKERS', 'many');
    vi.stubEnv('PENNANT_LOG_LEVEL', 'loud');
    const { stderr } = await run(['run', '--kubeconfig', KUBECONFIG, '--workers', '0', '--log-level', 'info']);
    expect(stderr).toBe('pennant: --workers: "0" is not a whole number between 1 and 64\n(run "pennant help" for usage)\n');
  });

  it('every variable of pennant run has a row above, or takes any text', () => {
    const names = (Object.values(RUN_SETTINGS) as { env?: string }[]).flatMap((s) => (s.env ? [s.env] : []));
    expect(new Set([...BAD_ENV.map(([name]) => name), ...ANY_TEXT])).toEqual(new Set(names));
  });
});

describe('node bin/pennant.js demo --interval banana', () => {
  // Hung for good before flags were parsed: the demo waited for a Canary that could never start.
  // Bounded by the test's timeout, which only costs time when the process does hang.
  it('exits at once with status 2 and says what is wrong', async () => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'pennant.js'), 'demo', '--interval', 'banana'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(stderr).toContain('pennant: --interval: "banana" is not a duration (e.g. 30s, 1m)');
    expect(code).toBe(EXIT.usage);
  });
});
