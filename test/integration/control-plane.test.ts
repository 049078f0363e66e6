import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { realKube } from './cluster.js';

const PINNED = 'v1.34.4';

/** What test/cluster/up promises: Ready nodes, the pinned version, RBAC with working tokens. */
describe('the test control plane', () => {
  const kubeconfig = inject('kubeconfig');
  const state = Object.fromEntries(
    readFileSync(join(dirname(kubeconfig), 'state.env'), 'utf8').split('\n')
      .map((line) => /^(?:export )?([A-Z_]+)=["']?(.*?)["']?$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]),
  ) as Record<string, string>;
  const kubectl = (...args: string[]) => execFileSync(state.KUBECTL ?? 'kubectl', ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8' });

  it('has Ready nodes', async () => {
    const nodes = await realKube(kubeconfig).list({ apiVersion: 'v1', kind: 'Node' });
    expect(nodes.length).toBeGreaterThanOrEqual(1);
    for (const node of nodes) {
      const ready = (node.status as { conditions: { type: string; status: string }[] }).conditions.find((c) => c.type === 'Ready');
      expect(ready?.status, node.metadata.name).toBe('True');
    }
  });

  it(`serves Kubernetes ${PINNED}, and kubectl is the same version`, () => {
    const version = JSON.parse(kubectl('version', '-o', 'json')) as { clientVersion: { gitVersion: string }; serverVersion: { gitVersion: string } };
    expect(version.serverVersion.gitVersion).toBe(PINNED);
    expect(version.clientVersion.gitVersion).toBe(PINNED);
  });

  it('authorizes with RBAC: a ServiceAccount token is denied what it was not granted', () => {
    const ns = `it-token-${process.pid}`;
    kubectl('create', 'namespace', ns);
    kubectl('-n', ns, 'create', 'serviceaccount', 'reader');
    kubectl('-n', ns, 'create', 'rolebinding', 'reader', '--clusterrole=view', `--serviceaccount=${ns}:reader`);
    const token = kubectl('-n', ns, 'create', 'token', 'reader').trim();
    // Only the token: an admin client certificate from the kubeconfig would win over it.
    const asReader = (...args: string[]) => execFileSync(state.KUBECTL ?? 'kubectl', ['--kubeconfig', '/dev/null', '--server', state.APISERVER_URL ?? '', '--certificate-authority', state.APISERVER_CA ?? '', '--token', token, '-n', ns, ...args], { encoding: 'utf8' });
    expect(asReader('auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}')).toBe(`system:serviceaccount:${ns}:reader`);
    expect(asReader('get', 'pods', '-o', 'name')).toBe('');
    expect(() => asReader('create', 'deployment', 'x', '--image=x')).toThrow(/forbidden/i);
    kubectl('delete', 'namespace', ns, '--wait=false');
  });
});
