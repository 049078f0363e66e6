import { describe, expect, it } from 'vitest';
import { backoffMs, isSuccessStatus, retryAfterMs, shouldRetry, type AttemptOutcome } from '../../../src/webhooks/index.js';
import { parseDuration } from '../../../src/webhooks/duration.js';

const response = (status: number): AttemptOutcome => ({ kind: 'response', status, body: '' });

describe('retry policy', () => {
  it.each([
    [200, true], [201, true], [202, true], [203, false], [204, false], [301, false], [404, false], [500, false],
  ])('status %i is a success: %s', (status, ok) => {
    expect(isSuccessStatus(status)).toBe(ok);
  });

  it.each<[string, AttemptOutcome, boolean]>([
    ['429', response(429), true],
    ['500', response(500), true],
    ['502', response(502), true],
    ['503', response(503), true],
    ['501', response(501), false],
    ['400', response(400), false],
    ['404', response(404), false],
    ['a connection error', { kind: 'error', message: 'ECONNRESET', retriable: true }, true],
    ['a certificate error', { kind: 'error', message: 'self-signed', retriable: false }, false],
  ])('%s is retried: %s', (_case, outcome, expected) => {
    expect(shouldRetry(outcome)).toBe(expected);
  });

  it.each([
    [0, 1_000, undefined, 1_000],
    [1, 1_000, undefined, 2_000],
    [2, 1_000, undefined, 4_000],
    [4, 1_000, undefined, 16_000],
    [5, 1_000, undefined, 30_000],
    [10, 1_000, undefined, 30_000],
    [0, 1_000, 5_000, 5_000],
    [0, 1_000, 600_000, 30_000],
    [3, 1, undefined, 8],
  ])('backoff of attempt %i with base %i (Retry-After %s) is %i ms', (attempt, base, retryAfter, expected) => {
    expect(backoffMs(attempt, base, retryAfter)).toBe(expected);
  });

  it.each<[number, string | undefined, number | undefined]>([
    [429, '3', 3_000],
    [503, ' 10 ', 10_000],
    [500, '3', undefined],
    [429, undefined, undefined],
    [429, 'Wed, 21 Oct 2015 07:28:00 GMT', undefined],
  ])('Retry-After on %i: %j → %s', (status, header, expected) => {
    expect(retryAfterMs(status, header)).toBe(expected);
  });
});

describe('parseDuration', () => {
  it.each<[string, number | undefined]>([
    ['10s', 10_000],
    ['1m', 60_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1.5s', 1_500],
    ['2h', 7_200_000],
    ['', undefined],
    ['10', undefined],
    ['10x', undefined],
    ['s', undefined],
    ['1m 30s', undefined],
  ])('%j → %s', (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });
});
