import { describe, expect, it } from 'vitest';
import { subscribes } from '../../../src/notify/index.js';

describe('severity filter of analysis.alerts[]', () => {
  it.each<[string | undefined, 'info' | 'warn' | 'error', boolean]>([
    ['info', 'info', true], ['info', 'warn', true], ['info', 'error', true],
    ['warn', 'info', false], ['warn', 'warn', true], ['warn', 'error', true],
    ['error', 'info', false], ['error', 'warn', false], ['error', 'error', true],
    // Flagger's docs: empty means info (its code sends nothing; we follow the docs).
    ['', 'info', true], ['', 'warn', true], ['', 'error', true],
    [undefined, 'info', true], [undefined, 'warn', true], [undefined, 'error', true],
  ])('subscribed at %j gets %s: %s', (subscribed, severity, expected) => {
    expect(subscribes(subscribed as '' | 'info' | 'warn' | 'error' | undefined, severity)).toBe(expected);
  });
});
