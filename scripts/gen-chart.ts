// Writes the generated files of charts/pennant (CRDs, RBAC from the permission list):
// `npm run gen:chart`. A unit test fails when they are stale.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { chartFiles } from './chart-files.js';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: tsx scripts/gen-chart.ts <chart dir>   (e.g. charts/pennant)\n');
  process.exitCode = 2;
} else {
  for (const file of chartFiles()) {
    const target = join(dir, file.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.content, 'utf8');
    process.stdout.write(`wrote ${target}\n`);
  }
}
