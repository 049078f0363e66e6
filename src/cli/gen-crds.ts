import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { crdFiles } from '../api/crd.js';
import { type CliIo, EXIT } from './io.js';

export function registerGenCrds(program: Command, io: CliIo): void {
  program
    .command('gen-crds')
    .description('write the CustomResourceDefinitions generated from the API schemas (and a kustomization.yaml)')
    .argument('<dir>', 'output directory, e.g. crds')
    .action(async (dir: string) => {
      await writeCrds(dir, io);
      io.setExitCode(EXIT.ok);
    });
}

export async function writeCrds(dir: string, io: CliIo): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const file of crdFiles()) {
    const target = join(dir, file.path);
    await writeFile(target, file.content, 'utf8');
    io.stdout(`wrote ${target}\n`);
  }
}
