import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The package as users get it: `npm pack` (its prepack script builds dist/), then a global install
 * of the tarball with production dependencies only, the way the Dockerfile installs it into the
 * image (test/unit/deploy/dockerfile.test.ts checks the Dockerfile uses these same arguments).
 */
export const INSTALL_ARGS = ['install', '--global', '--omit=dev', '--no-audit', '--no-fund'] as const;

function npm(args: readonly string[], cwd: string): string {
  const run = spawnSync('npm', [...args], { cwd, encoding: 'utf8', timeout: 10 * 60_000 });
  if (run.status !== 0) throw new Error(`npm ${args.join(' ')} failed (exit ${run.status ?? run.signal}):\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

/** `npm pack` of the checkout into `destination`; returns the tarball's path. */
export function packPackage(repo: string, destination: string): string {
  npm(['pack', '--pack-destination', destination], repo);
  const tarball = readdirSync(destination).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack wrote no tarball into ${destination}`);
  return join(destination, tarball);
}

/** Installs the tarball under `prefix` (bin/ and lib/node_modules/), preferring the local npm cache. */
export function installPackage(tarball: string, prefix: string): void {
  npm([...INSTALL_ARGS, '--prefer-offline', '--prefix', prefix, tarball], '/');
}
