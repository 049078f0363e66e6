import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './manifests.js';

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

/** The Dockerfile's stages, each with its instructions (continuation lines joined, comments dropped). */
export function dockerfileStages(text = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8')): Stage[] {
  const logical = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of logical) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (keyword.toUpperCase() === 'FROM') {
      const [from = '', , name] = args.split(/\s+/);
      stages.push({ from, ...(name ? { name } : {}), instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

export const instructions = (stage: Stage, keyword: string): string[] => stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

/** The build-context sources of a stage's COPY instructions (not those copied from another stage). */
export function contextSources(stage: Stage): string[] {
  return instructions(stage, 'COPY').filter((args) => !args.startsWith('--from')).flatMap((args) => args.split(/\s+/).slice(0, -1));
}

/**
 * Whether .dockerignore lets a path into the build context. Enough of Docker's rules for this
 * repository's file: the last matching line wins, `*` matches every top-level name, a line matches
 * its path and everything under it, `!` re-includes.
 */
export function inBuildContext(file: string, ignore = readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8')): boolean {
  let included = true;
  for (const raw of ignore.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).replace(/\/$/, '');
    if (pattern === '*' || file === pattern || file.startsWith(`${pattern}/`)) included = negated;
  }
  return included;
}
