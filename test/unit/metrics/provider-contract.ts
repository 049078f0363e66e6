import { afterEach, describe, expect, it } from 'vitest';
import { MetricError, type MetricProvider } from '../../../src/metrics/index.js';

/** What the backend behind a provider under test should do. */
export type Scenario = 'value 42' | 'no data' | 'unreachable' | 'hangs';

export interface ProviderFixture {
  provider: MetricProvider;
  close(): Promise<void>;
}

/**
 * The behaviour every MetricProvider must have, whatever its backend: run it for each provider with a
 * factory that starts a fake backend for the scenario.
 */
export function runMetricProviderContract(name: string, setup: (scenario: Scenario) => Promise<ProviderFixture>): void {
  describe(`MetricProvider contract: ${name}`, () => {
    let fixture: ProviderFixture | undefined;
    const start = async (scenario: Scenario) => (fixture = await setup(scenario)).provider;
    afterEach(async () => {
      await fixture?.close();
      fixture = undefined;
    });
    const signal = () => new AbortController().signal;
    const rejection = async (promise: Promise<unknown>) => promise.then(() => undefined, (err: unknown) => err);

    it('returns the number a query evaluates to', async () => {
      await expect((await start('value 42')).query('q', signal())).resolves.toBe(42);
    });

    it('returns null when there is no data', async () => {
      await expect((await start('no data')).query('q', signal())).resolves.toBeNull();
    });

    it('rejects with MetricError Unreachable when the backend is down', async () => {
      const err = await rejection((await start('unreachable')).query('q', signal()));
      expect(err).toBeInstanceOf(MetricError);
      expect((err as MetricError).code).toBe('Unreachable');
    });

    it('rejects with MetricError Aborted when the caller cancels', async () => {
      const provider = await start('hangs');
      const controller = new AbortController();
      const pending = rejection(provider.query('q', controller.signal));
      controller.abort();
      expect((await pending as MetricError).code).toBe('Aborted');
    });

    it('is online when the backend answers', async () => {
      await expect((await start('value 42')).isOnline(signal())).resolves.toBeTypeOf('boolean');
    });
  });
}
