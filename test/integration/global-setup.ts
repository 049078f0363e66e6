import type { TestProject } from 'vitest/node';
import { clusterUp, installCrds, realKube } from './cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
  }
}

/**
 * Brings up the real control plane once for the whole tier (building it on the first run) and
 * installs the CRDs. The cluster is left running so the next run starts warm; `test/cluster/down`
 * (which .ci/run calls) stops it.
 */
export async function setup(project: TestProject): Promise<void> {
  const started = Date.now();
  const kubeconfig = clusterUp();
  process.env.KUBECONFIG = kubeconfig;
  await installCrds(realKube(kubeconfig));
  project.provide('kubeconfig', kubeconfig);
  process.stderr.write(`integration: cluster ready and CRDs installed in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
}
