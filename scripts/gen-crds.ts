// Writes crds/ (the CustomResourceDefinitions generated from the API schemas, and a
// kustomization.yaml): `npm run gen:crds`. A developer's tool, not a user command, so it is not in
// `pennant --help`; a unit test fails when crds/ is stale.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crdFiles } from '../src/api/crd.js';

async function writeCrds(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const file of crdFiles()) {
    const target = join(dir, file.path);
    await writeFile(target, file.content, 'utf8');
    process.stdout.write(`wrote ${target}\n`);
  }
}

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: tsx scripts/gen-crds.ts <dir>   (e.g. crds)\n');
  process.exitCode = 2;
} else {
  await writeCrds(dir);
}
