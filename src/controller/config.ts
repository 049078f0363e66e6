import { z } from 'zod';
import { PROVIDERS } from '../api/index.js';

const positiveInt = z.coerce.number().int().min(0);

/**
 * `--include-label-prefix app.kubernetes.io,team`: a comma-separated list (Flagger's
 * `-include-label-prefix`); `*` copies every label and annotation. Empty entries are dropped.
 */
const labelPrefixes = z
  .string()
  .transform((list) => list.split(',').map((p) => p.trim()).filter((p) => p !== ''))
  .pipe(z.array(z.string().regex(/^(\*|[A-Za-z0-9][A-Za-z0-9._/-]*)$/, 'a prefix is * or the start of a label key (letters, digits, ".", "_", "/", "-")')));

/** Every setting of `pennant run`, from flags with environment fallbacks, parsed once here. */
export const controllerConfig = z.object({
  kubeconfig: z.string().optional(),
  context: z.string().optional(),
  /** Watch one namespace; all namespaces when empty. */
  namespace: z.string().optional(),
  // http(s) only: `prometheus:9090` is a valid URL (scheme "prometheus:") but not a Prometheus address.
  metricsServer: z.url({ protocol: /^https?$/ }).default('http://prometheus:9090'),
  provider: z.enum(PROVIDERS).default('kubernetes'),
  maxConcurrentAnalyses: positiveInt.default(0).describe('0 means no limit'),
  workers: z.coerce.number().int().min(1).max(64).default(4),
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
  clusterName: z.string().optional(),
  queryTimeoutMs: z.coerce.number().int().min(100).default(5000),
  crossNamespaceRefs: z.boolean().default(true),
  /** Safety net: every Canary is reconciled at least this often even when nothing changes. */
  resyncSeconds: z.coerce.number().int().min(10).default(300),
  /**
   * The global notifier, for Canaries without `analysis.alerts` (Teams wins if both URLs are set).
   * The URLs are credentials: never log this config (the logger censors `url`, `address` and `token`
   * keys, not `slackUrl`/`msteamsUrl`); error messages name the flag, never the value.
   */
  slackUrl: z.url({ protocol: /^https?$/ }).optional(),
  slackChannel: z.string().min(1).optional().describe('default "general"'),
  slackUser: z.string().min(1).optional().describe('default "pennant"'),
  msteamsUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Run several replicas: only the holder of the Lease acts, the others stand by. */
  leaderElect: z.union([z.boolean(), z.stringbool()]).default(false),
  leaderElectionNamespace: z.string().min(1).optional().describe('default: the pod\'s namespace, else pennant-system'),
  /** This replica's name in the Lease (the pod name in a cluster). */
  identity: z.string().min(1).optional(),
  /** GitSources' working copies (default: $TMPDIR/pennant-git). */
  gitopsCacheDir: z.string().min(1).optional(),
  /** Let a GitSource without serviceAccountName apply as the controller itself (default false). */
  gitopsAllowControllerIdentity: z.union([z.boolean(), z.stringbool()]).optional(),
  /** Prefixes of the target Deployment's labels and annotations copied to `<target>-primary` (default: none). */
  includeLabelPrefix: labelPrefixes.optional(),
  /** Contour: the ingress class of the HTTPProxies Pennant generates (`spec.ingressClassName`), Flagger's `-ingress-class`. */
  ingressClass: z.string().max(253).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'an ingress class is a lower-case DNS name (a-z, 0-9, "-", ".")').optional(),
});
export type ControllerConfig = z.infer<typeof controllerConfig>;

/** Environment variables read as defaults for flags: the only place `process.env` is read. */
export const ENV_FLAGS: Record<string, keyof ControllerConfig> = {
  KUBECONFIG: 'kubeconfig',
  PENNANT_NAMESPACE: 'namespace',
  PENNANT_METRICS_SERVER: 'metricsServer',
  PENNANT_PROVIDER: 'provider',
  PENNANT_MAX_CONCURRENT_ANALYSES: 'maxConcurrentAnalyses',
  PENNANT_WORKERS: 'workers',
  PENNANT_PORT: 'port',
  PENNANT_LOG_LEVEL: 'logLevel',
  PENNANT_CLUSTER_NAME: 'clusterName',
  PENNANT_SLACK_URL: 'slackUrl',
  PENNANT_SLACK_CHANNEL: 'slackChannel',
  PENNANT_SLACK_USER: 'slackUser',
  PENNANT_MSTEAMS_URL: 'msteamsUrl',
  PENNANT_LEADER_ELECT: 'leaderElect',
  PENNANT_LEADER_ELECTION_NAMESPACE: 'leaderElectionNamespace',
  POD_NAME: 'identity',
  PENNANT_GITOPS_CACHE_DIR: 'gitopsCacheDir',
  PENNANT_GITOPS_ALLOW_CONTROLLER_IDENTITY: 'gitopsAllowControllerIdentity',
  PENNANT_INCLUDE_LABEL_PREFIX: 'includeLabelPrefix',
  PENNANT_INGRESS_CLASS: 'ingressClass',
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Flags win over environment variables; errors name the flag and what is wrong. */
export function parseControllerConfig(flags: Record<string, unknown>, env: Record<string, string | undefined>): ControllerConfig {
  const fromEnv: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENV_FLAGS)) {
    const value = env[name];
    // KUBECONFIG is a list of paths; like kubectl, empty entries are skipped.
    if (value !== undefined && value !== '') fromEnv[key] = key === 'kubeconfig' ? value.split(':').find((path) => path !== '') : value;
  }
  const defined = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  const parsed = controllerConfig.safeParse({ ...fromEnv, ...defined });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `--${kebab(String(i.path[0] ?? ''))}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
