import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  PROVIDER_SUPPORT, PROVIDERS, type RoutingCapabilities, SUPPORTED_METRIC_PROVIDERS, SUPPORTED_PROVIDERS, SUPPORTED_TARGET_KINDS,
} from '../../../src/api/index.js';
import { repoRoot } from './flagger-examples.js';

const FEATURES: [keyof RoutingCapabilities, string][] = [
  ['weights', 'weight steps'], ['match', 'A/B `match`'], ['mirror', '`mirror`'], ['mirrorWeight', '`mirrorWeight`'], ['sessionAffinity', '`sessionAffinity`'],
];

/** The README's provider table, as the capability table (src/api/capabilities.ts) says it. */
function capabilityTable(): string {
  const header = `| provider | ${FEATURES.map(([, title]) => title).join(' | ')} | builtin metrics | targets |`;
  const rows = SUPPORTED_PROVIDERS.map((provider) => {
    const support = PROVIDER_SUPPORT[provider];
    const cells = FEATURES.map(([feature]) => (support?.routing[feature] ? 'yes' : '—'));
    return `| \`${provider}\` | ${cells.join(' | ')} | ${support?.builtinMetrics.map((m) => `\`${m}\``).join(', ') || '—'} | ${support?.targetKinds.join(', ')} |`;
  });
  const refused = PROVIDERS.filter((p) => !SUPPORTED_PROVIDERS.includes(p)).map((p) => `\`${p}\``).join(', ');
  return [
    header,
    `|${' --- |'.repeat(FEATURES.length + 3)}`,
    ...rows,
    '',
    `Refused by \`pennant validate\` and the controller alike: providers ${refused}; target kinds other than ` +
      `${SUPPORTED_TARGET_KINDS.join(', ')}; MetricTemplates of a type other than ${SUPPORTED_METRIC_PROVIDERS.join(', ')}.`,
  ].join('\n');
}

describe('README.md', () => {
  it('shows what each provider supports exactly as the capability table says', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    expect(readme, `README.md is stale; its provider table must read:\n\n${capabilityTable()}\n`).toContain(capabilityTable());
  });
});
