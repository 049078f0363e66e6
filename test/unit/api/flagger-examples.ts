import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const examplesDir = path.join(path.resolve(repoRoot, '../shared'), 'reference', 'flagger-examples');

export const MISSING_EXAMPLES =
  `Flagger's documentation examples are missing: expected ${examplesDir}/{complete,fragments}/ ` +
  '(the shared reference data next to the repository). They are what real users write; restore them to run these tests.';

export interface Example {
  file: string;
  /** As published, with apiVersion flagger.app/… */
  original: string;
  /** With the apiVersion swapped to pennant.dev/v1beta1, as the reference README prescribes. */
  text: string;
}

/**
 * The examples of one set, or [] when the directory is missing: the caller's "examples exist" test
 * then fails with MISSING_EXAMPLES, so a missing checkout can never pass as "nothing to check".
 */
export function loadExamples(set: 'complete' | 'fragments'): Example[] {
  const dir = path.join(examplesDir, set);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const original = readFileSync(path.join(dir, file), 'utf8');
      // one complete example (usage/metrics_14) still says flagger.app/v1alpha1: same swap
      return { file, original, text: original.replace(/flagger\.app\/v1\w+/g, 'pennant.dev/v1beta1') };
    });
}
