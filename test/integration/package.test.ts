import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { podinfoCanary } from '../../src/demo/manifests.js';
import { installPackage, packPackage } from '../harness/npm-package.js';
import { realKube, REPO, yamlObjects } from './cluster.js';
import { startController, statusOf } from './controller-process.js';
import { serviceAccountKubeconfig } from './service-account.js';

/** The image's user (Dockerfile USER, deploy/ runAsUser). */
const NON_ROOT = 65532;

/**
 * The npm package as the image carries it: packed, installed with production dependencies only into
 * an empty prefix, then made read-only (the image's root filesystem is), and run as a non-root user.
 */
describe('the packed npm package', () => {
  const kubeconfig = inject('kubeconfig');
  const work = mkdtempSync(join(tmpdir(), 'pennant-package-'));
  const prefix = join(work, 'prefix');
  const pennant = join(prefix, 'bin', 'pennant');
  const installed = join(prefix, 'lib', 'node_modules', 'pennant');
  const run = (args: string[]) => spawnSync(pennant, args, { cwd: work, encoding: 'utf8', timeout: 60_000 });

  beforeAll(() => {
    mkdirSync(join(work, 'pack'));
    installPackage(packPackage(REPO, join(work, 'pack')), prefix);
    spawnSync('chmod', ['-R', 'a-w,a+rX', prefix]);
    chmodSync(work, 0o755);
  }, 600_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('holds the build and the CRDs, no sources and no development tools', () => {
    expect(existsSync(join(installed, 'dist', 'cli', 'main.js'))).toBe(true);
    expect(existsSync(join(installed, 'crds', 'canaries.pennant.dev.yaml'))).toBe(true);
    // The web view's pages and the simulate stories, without the sources they sit beside in a checkout.
    expect(existsSync(join(installed, 'dist', 'ui', 'static', 'index.html'))).toBe(true);
    expect(existsSync(join(installed, 'stories', 'healthy.yaml'))).toBe(true);
    for (const absent of ['src', 'test', 'node_modules/tsx', 'node_modules/typescript', 'node_modules/vitest']) {
      expect(existsSync(join(installed, absent)), absent).toBe(false);
    }
    // package.json "exports": the CLI's entry point is importable by the package's name.
    const imported = spawnSync(process.execPath, ['--input-type=module', '-e', "const cli = await import('pennant'); process.stdout.write(typeof cli.main)"], { cwd: join(prefix, 'lib'), encoding: 'utf8' });
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toBe('function');
  });

  it('runs pennant --help, pennant run --help and pennant validate', () => {
    const help = run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: pennant /);
    expect(help.stdout).toMatch(/^ {2}validate \[options\]/m);
    expect(help.stdout).toMatch(/^ {2}run \[options\]/m);
    const runHelp = run(['run', '--help']);
    expect(runHelp.status).toBe(0);
    expect(runHelp.stdout).toContain('--leader-elect');
    const file = join(work, 'canary.yaml');
    writeFileSync(file, stringify(podinfoCanary({ namespace: 'apps', interval: '10s', provider: 'kubernetes' })));
    const valid = run(['validate', file]);
    expect(valid.stderr).toBe('');
    expect(valid.status).toBe(0);
    writeFileSync(file, stringify({ ...podinfoCanary({ namespace: 'apps', interval: '10s', provider: 'kubernetes' }), spec: { analysis: {} } }));
    const invalid = run(['validate', file]);
    expect(invalid.status).toBe(1);
    expect(invalid.stdout + invalid.stderr).toMatch(/spec\.targetRef/);
  });

  it('runs the controller as a non-root user from a read-only directory, with the RBAC of deploy/', async () => {
    const admin = realKube(kubeconfig);
    for (const file of ['namespace.yaml', 'serviceaccount.yaml', 'clusterrole.yaml', 'clusterrolebinding.yaml', 'role.yaml', 'rolebinding.yaml']) {
      for (const obj of yamlObjects(readFileSync(join(REPO, 'deploy', file), 'utf8'))) await admin.apply(obj, { force: true });
    }
    const asServiceAccount = serviceAccountKubeconfig(kubeconfig, 'pennant-system', 'pennant', join(work, 'kubeconfig'));
    const scratch = join(work, 'tmp');
    mkdirSync(scratch);
    chmodSync(scratch, 0o777);
    chmodSync(work, 0o555);
    const identity = `package-test-${process.pid}`;
    const controller = await startController('setpriv', [`--reuid=${NON_ROOT}`, `--regid=${NON_ROOT}`, '--clear-groups', pennant, 'run', '--kubeconfig', asServiceAccount, '--port', '0', '--workers', '1', '--leader-elect', '--identity', identity], {
      cwd: work,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: scratch, TMPDIR: scratch },
    });
    try {
      await expect.poll(() => statusOf(controller.port, '/readyz'), { timeout: 120_000 }).toBe(200);
      const holder = async () => ((await admin.get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: 'pennant-system', name: 'pennant-leader' }))?.spec as { holderIdentity?: string } | undefined)?.holderIdentity;
      await expect.poll(holder, { timeout: 60_000 }).toBe(identity);
      expect(controller.output()).not.toMatch(/Forbidden|EACCES|EROFS/);
    } catch (error) {
      throw new Error(`${String(error)}\n--- the controller's output:\n${controller.output().slice(-4000)}`);
    } finally {
      const code = await controller.stop();
      // An assertion above fails with the output already; this one needs it as much (what kept it running?).
      expect(code, `exit code after SIGTERM; the controller's output:\n${controller.output().slice(-6000)}`).toBe(0);
    }
  }, 300_000);
});
