import { existsSync, readFileSync } from 'node:fs';
import type https from 'node:https';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { KubeError } from './errors.js';

/** Who to act as: sent as Impersonate-User / Impersonate-Group on every request. */
export interface Impersonation {
  user: string;
  groups?: string[];
}

export interface KubeConfigOptions {
  /** Path of a kubeconfig file. The caller resolves KUBECONFIG; this module reads no environment. */
  kubeconfig?: string;
  /** Context to use instead of the file's current-context. */
  context?: string;
  impersonate?: Impersonation;
  /** In a pod: the API server's address (KUBERNETES_SERVICE_HOST/PORT), passed by the entry point. */
  inCluster?: { host: string; port: string; serviceAccountDir?: string };
}

/** What RestClient needs: where the server is, and how to authenticate one request to it. */
export interface ClusterConnection {
  getCurrentCluster(): { name: string; server: string; proxyUrl?: string } | null;
  applyToHTTPSOptions(options: https.RequestOptions): Promise<void>;
  /** The context's namespace, as kubectl uses it when no -n is given. */
  namespace?: string;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
/** A projected ServiceAccount token is rotated (about hourly): it is read again this often. */
const TOKEN_FILE_TTL_MS = 60_000;

const clusterEntry = z.object({
  name: z.string(),
  cluster: z.object({
    server: z.string(),
    'certificate-authority': z.string().optional(),
    'certificate-authority-data': z.string().optional(),
    'insecure-skip-tls-verify': z.boolean().optional(),
    'tls-server-name': z.string().optional(),
    'proxy-url': z.string().optional(),
  }).loose(),
});
const userEntry = z.object({ name: z.string(), user: z.object({}).loose().optional() });
const contextEntry = z.object({ name: z.string(), context: z.object({ cluster: z.string(), user: z.string().optional(), namespace: z.string().optional() }).loose() });
const kubeconfigFile = z.object({
  'current-context': z.string().optional(),
  clusters: z.array(clusterEntry).optional(),
  users: z.array(userEntry).optional(),
  contexts: z.array(contextEntry).optional(),
}).loose();
const staticUser = z.object({
  token: z.string().optional(),
  tokenFile: z.string().optional(),
  'client-certificate': z.string().optional(),
  'client-certificate-data': z.string().optional(),
  'client-key': z.string().optional(),
  'client-key-data': z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
}).strict();

/**
 * The one place that loads cluster credentials: the given file; else in-cluster when running in a
 * pod; else ~/.kube/config. No silent fallback to http://localhost:8080, no KUBECONFIG read here.
 * Static credentials (tokens, token files, client certificates, basic auth) and in-cluster ones are
 * handled here; a user with `exec` or `auth-provider` is handed to @kubernetes/client-node, loaded
 * only then: that library costs ~70 MiB of memory, more than the rest of Pennant's code together.
 */
export function kubeConfigFrom(options: KubeConfigOptions = {}): ClusterConnection {
  const home = join(homedir(), '.kube', 'config');
  const impersonation = options.impersonate ? impersonationHeaders(options.impersonate) : {};
  const accountDir = options.inCluster?.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  if (!options.kubeconfig && options.inCluster && existsSync(join(accountDir, 'token'))) return inCluster(options.inCluster, accountDir, impersonation);
  const path = options.kubeconfig ?? (existsSync(home) ? home : undefined);
  if (!path) throw new KubeError('Unknown', `no kubeconfig: pass a kubeconfig path (e.g. from KUBECONFIG), run in a pod, or create ${home}`);
  return fromFile(path, options, impersonation);
}

export function impersonationHeaders(who: Impersonation): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = { 'Impersonate-User': who.user };
  if (who.groups?.length) headers['Impersonate-Group'] = who.groups;
  return headers;
}

type Headers = Record<string, string | string[]>;

function inCluster(address: { host: string; port: string }, dir: string, impersonation: Headers): ClusterConnection {
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  const cluster = { name: 'in-cluster', server: `https://${host}:${address.port}` };
  const ca = readFileSync(join(dir, 'ca.crt'));
  const token = tokenFile(join(dir, 'token'));
  return {
    getCurrentCluster: () => cluster,
    applyToHTTPSOptions: async (opts) => {
      opts.ca = ca;
      opts.headers = { ...opts.headers, Authorization: `Bearer ${token()}`, ...impersonation };
    },
  };
}

function fromFile(path: string, options: KubeConfigOptions, impersonation: Headers): ClusterConnection {
  const config = readKubeconfig(path);
  const contextName = options.context ?? config['current-context'];
  const context = config.contexts?.find((c) => c.name === contextName);
  if (options.context && !context) {
    const known = (config.contexts ?? []).map((c) => c.name).join(', ');
    throw new KubeError('Unknown', `kubeconfig has no context "${options.context}" (it has: ${known || 'none'})`);
  }
  const entry = config.clusters?.find((c) => c.name === context?.context.cluster);
  if (!context || !entry) throw new KubeError('Unknown', 'kubeconfig has no current cluster: set current-context or pass a context');
  const user = config.users?.find((u) => u.name === context.context.user)?.user ?? {};
  const relative = (file: string) => (isAbsolute(file) ? file : join(dirname(path), file));
  const c = entry.cluster;
  const cluster = { name: entry.name, server: c.server, ...(c['proxy-url'] ? { proxyUrl: c['proxy-url'] } : {}) };
  const tls: https.RequestOptions = {
    ...(c['certificate-authority-data'] ? { ca: Buffer.from(c['certificate-authority-data'], 'base64') } : {}),
    ...(c['certificate-authority'] ? { ca: readFileSync(relative(c['certificate-authority'])) } : {}),
    ...(c['insecure-skip-tls-verify'] ? { rejectUnauthorized: false } : {}),
    ...(c['tls-server-name'] ? { servername: c['tls-server-name'] } : {}),
  };
  const statics = staticUser.safeParse(user);
  const auth = statics.success ? staticAuth(statics.data, relative) : delegated(path, contextName ?? context.name);
  return {
    getCurrentCluster: () => cluster,
    ...(context.context.namespace ? { namespace: context.context.namespace } : {}),
    applyToHTTPSOptions: async (opts) => {
      Object.assign(opts, tls);
      await auth(opts);
      opts.headers = { ...opts.headers, ...impersonation };
    },
  };
}

function readKubeconfig(path: string): z.infer<typeof kubeconfigFile> {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new KubeError('Unknown', `cannot read kubeconfig ${path}: ${err instanceof Error ? err.message : String(err)}`, undefined, { cause: err });
  }
  const parsed = kubeconfigFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new KubeError('Unknown', `kubeconfig ${path} is not a kubeconfig: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

type Auth = (opts: https.RequestOptions) => Promise<void>;

function staticAuth(user: z.infer<typeof staticUser>, relative: (file: string) => string): Auth {
  const cert = user['client-certificate-data'] ? Buffer.from(user['client-certificate-data'], 'base64') : user['client-certificate'] ? readFileSync(relative(user['client-certificate'])) : undefined;
  const key = user['client-key-data'] ? Buffer.from(user['client-key-data'], 'base64') : user['client-key'] ? readFileSync(relative(user['client-key'])) : undefined;
  const fileToken = user.tokenFile ? tokenFile(relative(user.tokenFile)) : undefined;
  const basic = user.username !== undefined ? `Basic ${Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64')}` : undefined;
  return async (opts) => {
    if (cert) opts.cert = cert;
    if (key) opts.key = key;
    const token = user.token ?? fileToken?.();
    const authorization = token ? `Bearer ${token}` : basic;
    if (authorization) opts.headers = { ...opts.headers, Authorization: authorization };
  };
}

/** exec plugins, auth providers: client-node knows them all; it is loaded the first time one is needed. */
function delegated(path: string, context: string): Auth {
  let loaded: Promise<{ applyToHTTPSOptions: (o: https.RequestOptions) => Promise<void> }> | undefined;
  return async (opts) => {
    loaded ??= import('@kubernetes/client-node').then(({ KubeConfig }) => {
      const kc = new KubeConfig();
      kc.loadFromFile(path);
      kc.setCurrentContext(context);
      return kc as unknown as { applyToHTTPSOptions: (o: https.RequestOptions) => Promise<void> };
    });
    const kc = await loaded;
    const headers = opts.headers;
    await kc.applyToHTTPSOptions(opts);
    // client-node builds an agent per call; RestClient pools connections itself.
    delete opts.agent;
    opts.headers = { ...headers, ...opts.headers };
  };
}

function tokenFile(path: string): () => string {
  let cached: { token: string; at: number } | undefined;
  return () => {
    if (!cached || Date.now() - cached.at > TOKEN_FILE_TTL_MS) cached = { token: readFileSync(path, 'utf8').trim(), at: Date.now() };
    return cached.token;
  };
}
