import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { INSTALL_ARGS } from '../../harness/npm-package.js';
import { contextSources, dockerfileStages, inBuildContext, instructions } from './dockerfile.js';
import { only, repoRoot } from './manifests.js';

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string; files: string[]; bin: Record<string, string> };
const stages = dockerfileStages();
const build = stages.find((s) => s.name === 'build');
const runtime = stages.at(-1);
const PREFIX = '/opt/pennant';

describe('Dockerfile', () => {
  it('has a build stage and a separate runtime stage on a Node 20 base', () => {
    expect(build).toBeDefined();
    expect(runtime?.name).toBe('runtime');
    expect(readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8')).toMatch(/^ARG NODE_IMAGE=node:20-slim$/m);
    expect(runtime?.from).toBe('${NODE_IMAGE}');
  });

  it('copies into the build only files that exist and that .dockerignore lets through', () => {
    const sources = contextSources(build ?? { from: '', instructions: [] });
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) {
      expect(existsSync(path.join(repoRoot, source)), source).toBe(true);
      expect(inBuildContext(source), source).toBe(true);
    }
    for (const local of ['node_modules', 'dist', 'test', '.git']) expect(inBuildContext(local), local).toBe(false);
  });

  it('copies what the package is built from: every entry of package.json "files" but the build, and what tsc compiles', () => {
    const sources = contextSources(build ?? { from: '', instructions: [] });
    const tsconfig = JSON.parse(readFileSync(path.join(repoRoot, 'tsconfig.build.json'), 'utf8')) as { include: string[] };
    const needed = [...pkg.files.filter((f) => !f.startsWith('!') && f !== 'dist'), ...tsconfig.include, 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
    // A path inside a copied directory (src/ui/static in src) is copied with it.
    for (const file of needed) expect(sources.some((copied) => file === copied || file.startsWith(`${copied}/`)), file).toBe(true);
  });

  it('packs the package and installs it as users do, with the arguments the integration tier runs', () => {
    const run = instructions(build ?? { from: '', instructions: [] }, 'RUN').join('\n');
    expect(run).toContain('npm pack');
    expect(run).toContain(`npm ${INSTALL_ARGS.join(' ')} --prefix ${PREFIX} `);
    expect(instructions(runtime ?? { from: '', instructions: [] }, 'COPY')).toEqual([`--from=build ${PREFIX} ${PREFIX}`]);
  });

  it('runs pennant as the numeric non-root user of the Deployment, with pennant as its entrypoint', () => {
    const stage = runtime ?? { from: '', instructions: [] };
    const deployment = only('Deployment') as unknown as { spec: { template: { spec: { securityContext: { runAsUser: number; runAsGroup: number } } } } };
    const { runAsUser, runAsGroup } = deployment.spec.template.spec.securityContext;
    expect(instructions(stage, 'USER')).toEqual([`${runAsUser}:${runAsGroup}`]);
    expect(runAsUser).toBeGreaterThan(0);
    expect(instructions(stage, 'ENTRYPOINT')).toEqual(['["pennant"]']);
    expect(Object.keys(pkg.bin)).toContain('pennant');
    expect(instructions(stage, 'ENV').join(' ')).toContain(`PATH=${PREFIX}/bin:$PATH`);
  });

  it('labels the image with the OCI annotations, the version defaulting to the package\'s', () => {
    const labels = instructions(runtime ?? { from: '', instructions: [] }, 'LABEL').join(' ');
    for (const key of ['title', 'description', 'source', 'licenses', 'version']) expect(labels).toContain(`org.opencontainers.image.${key}=`);
    expect(instructions(runtime ?? { from: '', instructions: [] }, 'ARG')).toContain(`VERSION=${pkg.version}`);
  });
});
