import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, type RequestContext } from '@kubernetes/client-node';
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
}

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * The one place that loads cluster credentials: the given file; else in-cluster when running in
 * a pod; else ~/.kube/config. Unlike KubeConfig.loadFromDefault there is no silent fallback to
 * http://localhost:8080 and the KUBECONFIG variable is not consulted.
 */
export function kubeConfigFrom(options: KubeConfigOptions = {}): KubeConfig {
  const kc = options.impersonate ? new ImpersonatingKubeConfig(options.impersonate) : new KubeConfig();
  const home = join(homedir(), '.kube', 'config');
  if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
  else if (existsSync(SERVICE_ACCOUNT_TOKEN)) kc.loadFromCluster();
  else if (existsSync(home)) kc.loadFromFile(home);
  else {
    throw new KubeError('Unknown', `no kubeconfig: pass a kubeconfig path (e.g. from KUBECONFIG), run in a pod, or create ${home}`);
  }
  if (options.context) {
    if (!kc.getContextObject(options.context)) {
      const known = kc.getContexts().map((c) => c.name).join(', ');
      throw new KubeError('Unknown', `kubeconfig has no context "${options.context}" (it has: ${known || 'none'})`);
    }
    kc.setCurrentContext(options.context);
  }
  if (!kc.getCurrentCluster()) throw new KubeError('Unknown', 'kubeconfig has no current cluster: set current-context or pass a context');
  return kc;
}

export function impersonationHeaders(who: Impersonation): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = { 'Impersonate-User': who.user };
  if (who.groups?.length) headers['Impersonate-Group'] = who.groups;
  return headers;
}

type HttpsOptions = Parameters<KubeConfig['applyToHTTPSOptions']>[0];

/**
 * A KubeConfig that adds impersonation headers to whatever it authenticates: RealKube's requests
 * and watches, and client-node's own API clients. Each group is its own Impersonate-Group header
 * line (the API server reads one group per line, never splitting on commas).
 */
class ImpersonatingKubeConfig extends KubeConfig {
  constructor(private readonly who: Impersonation) {
    super();
  }

  override async applyToHTTPSOptions(opts: HttpsOptions): Promise<void> {
    await super.applyToHTTPSOptions(opts);
    opts.headers = { ...opts.headers, ...impersonationHeaders(this.who) } as HttpsOptions['headers'];
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    // client-node's generated clients keep one string per header, so several groups would reach
    // the server as one group named "a,b": refuse rather than act as somebody else.
    if ((this.who.groups?.length ?? 0) > 1) {
      throw new KubeError('Unknown', 'client-node API clients cannot impersonate more than one group; use RealKube');
    }
    context.setHeaderParam('Impersonate-User', this.who.user);
    const group = this.who.groups?.[0];
    if (group) context.setHeaderParam('Impersonate-Group', group);
  }
}
