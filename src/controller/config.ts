import { existsSync } from 'node:fs';
import { z } from 'zod';
import { SUPPORTED_PROVIDERS } from '../routers/factory.js';
import { existingFile, httpUrl, namespaceName, oneOf, onOff, port, text, wholeNumber } from '../util/setting-values.js';
import { ConfigError, parseSettings, type Setting, settingsShape } from '../util/settings.js';

export { ConfigError };

/**
 * `--include-label-prefix app.kubernetes.io,team`: a comma-separated list (Flagger's
 * `-include-label-prefix`); `*` copies every label and annotation. Empty entries are dropped.
 */
const labelPrefixes = z
  .string()
  .transform((list) => list.split(',').map((p) => p.trim()).filter((p) => p !== ''))
  .pipe(z.array(z.string().regex(/^(\*|[A-Za-z0-9][A-Za-z0-9._/-]*)$/, 'is not a label prefix (* or the start of a label key: letters, digits, ".", "_", "/", "-")')));

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;

/**
 * Every flag of `pennant run`, in the order `pennant run --help` lists them: the flag is `--` and
 * the key in kebab case, the CLI registers it from here, and the schema parses flag or variable.
 * Adding a flag is one entry here (and a row in README's table).
 */
export const RUN_SETTINGS = {
  kubeconfig: { value: 'path', env: 'KUBECONFIG', help: 'kubeconfig file (default: in-cluster in a pod, else ~/.kube/config)', schema: existingFile().optional(),
    // A list of paths: the first that exists (kubectl merges them and skips missing ones; Pennant reads one).
    fromEnv: (list: string) => {
      const paths = list.split(':').filter((path) => path !== '');
      return paths.find((path) => existsSync(path)) ?? paths[0];
    } },
  context: { value: 'name', help: 'kubeconfig context', schema: text().optional() },
  namespace: { value: 'name', env: 'PENNANT_NAMESPACE', help: 'watch only this namespace (default: all)', schema: namespaceName().optional() },
  // http(s) only: `prometheus:9090` is a valid URL (scheme "prometheus:") but not a Prometheus address.
  metricsServer: { value: 'url', env: 'PENNANT_METRICS_SERVER', help: 'Prometheus for the builtin metrics (default http://prometheus:9090)', schema: httpUrl('http://prometheus:9090').default('http://prometheus:9090') },
  provider: { value: 'name', env: 'PENNANT_PROVIDER', help: `traffic provider when a Canary sets none: ${SUPPORTED_PROVIDERS.join(', ')} (default kubernetes)`, schema: oneOf(SUPPORTED_PROVIDERS).default('kubernetes') },
  maxConcurrentAnalyses: { value: 'n', env: 'PENNANT_MAX_CONCURRENT_ANALYSES', help: 'analyses that may run at once; the rest queue (0: no limit)', schema: wholeNumber({ min: 0 }).default(0) },
  workers: { value: 'n', env: 'PENNANT_WORKERS', help: 'Canaries reconciled in parallel, 1-64 (default 4)', schema: wholeNumber({ min: 1, max: 64 }).default(4) },
  port: { value: 'n', env: 'PENNANT_PORT', help: 'port of /healthz, /readyz and /metrics (default 8080; 0: any free port)', schema: port().default(8080) },
  logLevel: { value: 'level', env: 'PENNANT_LOG_LEVEL', help: `${LOG_LEVELS.join(', ')} (default info)`, schema: oneOf(LOG_LEVELS).default('info') },
  clusterName: { value: 'name', env: 'PENNANT_CLUSTER_NAME', help: 'cluster name shown in alerts', schema: text().optional() },
  /**
   * The global notifier, for Canaries without `analysis.alerts` (Teams wins if both URLs are set).
   * The URLs are credentials: never log this config (the logger censors `url`, `address` and `token`
   * keys, not `slackUrl`/`msteamsUrl`); error messages name the flag, never the value.
   */
  slackUrl: { value: 'url', env: 'PENNANT_SLACK_URL', secret: true, help: 'Slack webhook for Canaries without analysis.alerts (prefer the variable: flags show in ps)', schema: httpUrl('https://hooks.slack.com/services/...').optional() },
  slackChannel: { value: 'name', env: 'PENNANT_SLACK_CHANNEL', help: 'channel of --slack-url (default general)', schema: text().optional() },
  slackUser: { value: 'name', env: 'PENNANT_SLACK_USER', help: 'username of --slack-url (default pennant)', schema: text().optional() },
  msteamsUrl: { value: 'url', env: 'PENNANT_MSTEAMS_URL', secret: true, help: 'Teams webhook for Canaries without analysis.alerts; wins over --slack-url (prefer the variable)', schema: httpUrl('https://example.webhook.office.com/...').optional() },
  alertLink: { value: 'url', env: 'PENNANT_ALERT_LINK', help: 'link in Slack and Teams alerts ({namespace} and {name} filled in) when the AlertProvider sets no spec.link', schema: httpUrl('https://grafana.example.com/d/canary?var-canary={name}').optional() },
  /** Run several replicas: only the holder of the Lease acts, the others stand by. */
  leaderElect: { env: 'PENNANT_LEADER_ELECT', help: 'run several replicas: only the holder of the Lease acts', schema: onOff().default(false) },
  leaderElectionNamespace: { value: 'name', env: 'PENNANT_LEADER_ELECTION_NAMESPACE', help: 'namespace of the Lease (default: the pod\'s, else pennant-system)', schema: namespaceName().optional() },
  /** This replica's name in the Lease (the pod name in a cluster, from the downward API). */
  identity: { value: 'name', env: 'POD_NAME', help: 'this replica in the Lease (default: host and pid)', schema: text().optional() },
  gitopsCacheDir: { value: 'path', env: 'PENNANT_GITOPS_CACHE_DIR', help: 'working copies of GitSources (default: $TMPDIR/pennant-git)', schema: text().optional() },
  /** Tenancy: a Canary's AlertProvider and MetricTemplate must be in its own namespace (Flagger allows any). */
  denyCrossNamespaceRefs: { env: 'PENNANT_DENY_CROSS_NAMESPACE_REFS', help: 'a Canary may use only AlertProviders and MetricTemplates of its own namespace (default: any, as in Flagger)', schema: onOff().default(false) },
  gitopsAllowControllerIdentity: { env: 'PENNANT_GITOPS_ALLOW_CONTROLLER_IDENTITY', help: 'let a GitSource without serviceAccountName apply as the controller (default: refused)', schema: onOff().optional() },
  shard: {
    value: 'name',
    env: 'PENNANT_SHARD',
    help: 'handle only the Canaries and GitSources labelled pennant.dev/shard=<name> (default: those without the label)',
    schema: z.string().max(63).regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, 'is not a shard name (a label value: letters, digits, "-", "_", "."; at most 63)').optional(),
  },
  includeLabelPrefix: { value: 'prefixes', env: 'PENNANT_INCLUDE_LABEL_PREFIX', help: 'comma-separated prefixes of the target\'s labels and annotations copied to <target>-primary; * for all (default: none)', schema: labelPrefixes.optional() },
  ingressClass: {
    value: 'name',
    env: 'PENNANT_INGRESS_CLASS',
    help: 'contour: the ingress class of the generated HTTPProxies (spec.ingressClassName)',
    schema: z.string().max(253).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'is not an ingress class (a lower-case DNS name: a-z, 0-9, "-", ".")').optional(),
  },
} satisfies Record<string, Setting>;

/** Every setting of `pennant run`: the flags above, and a few that programs (tests, the demo) set. */
export const controllerConfig = z.object({
  ...settingsShape(RUN_SETTINGS),
  queryTimeoutMs: wholeNumber({ min: 100 }).default(5000),
  /** Safety net: every Canary is reconciled at least this often even when nothing changes. */
  resyncSeconds: wholeNumber({ min: 10 }).default(300),
});
export type ControllerConfig = z.infer<typeof controllerConfig>;

/** Flags win over environment variables; a ConfigError names each flag or variable and what is wrong. */
export function parseControllerConfig(flags: Record<string, unknown>, env: Record<string, string | undefined>): ControllerConfig {
  return parseSettings(RUN_SETTINGS, controllerConfig, flags, env);
}
