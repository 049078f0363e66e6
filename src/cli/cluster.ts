import { userInfo } from 'node:os';
import { RUN_SETTINGS } from '../controller/config.js';
import { explainKubeFailure } from '../kube/failure-hint.js';
import { KubeError } from '../kube/errors.js';
import { kubeConfigFrom } from '../kube/kubeconfig.js';
import { RealKube } from '../kube/real.js';
import { namespaceName } from '../util/setting-values.js';
import type { Setting } from '../util/settings.js';
import type { CliIo, Cluster, Connection } from './io.js';

/** The flags every command that talks to a cluster has, as kubectl has them. */
export const CLUSTER_SETTINGS = {
  kubeconfig: RUN_SETTINGS.kubeconfig,
  context: RUN_SETTINGS.context,
  namespace: { value: 'name', short: '-n', help: 'namespace of the Canary (default: the context\'s, else default)', schema: namespaceName().optional() },
} satisfies Record<string, Setting>;

export const CANARY_TYPE = { apiVersion: 'pennant.dev/v1beta1', kind: 'Canary' } as const;

/** The real API server of the kubeconfig, as `kubectl` finds it. */
export function connectToCluster(connection: Connection): Cluster {
  const kc = kubeConfigFrom({ ...(connection.kubeconfig ? { kubeconfig: connection.kubeconfig } : {}), ...(connection.context ? { context: connection.context } : {}) });
  const namespace = kc.namespace;
  return { kube: new RealKube(kc), ...(namespace ? { namespace } : {}) };
}

export interface Target {
  cluster: Cluster;
  namespace: string;
}

/** The cluster and namespace the flags name (`-n`, else the context's namespace, else default). */
export function targetOf(io: CliIo, flags: Connection & { namespace?: string | undefined }): Target {
  const connection: Connection = { ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}), ...(flags.context ? { context: flags.context } : {}) };
  const cluster = (io.connect ?? connectToCluster)(connection);
  return { cluster, namespace: flags.namespace ?? cluster.namespace ?? 'default' };
}

/** A failed call to the API server, with what the person at the terminal can do about it. */
export function explainForUser(err: unknown): string {
  if (err instanceof KubeError && err.code === 'Forbidden') {
    return `${err.message}; your identity lacks permission (403 Forbidden): pennant needs get, list and watch on canaries.pennant.dev (and patch to steer a rollout)`;
  }
  return explainKubeFailure(err);
}

/** Who asks, as the Event will say it: the local user name (RBAC decides who may). */
export function requester(io: CliIo): string {
  if (io.user) return io.user;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
