import type http from 'node:http';
import { expect } from 'vitest';
import { MetricError, type MetricProvider } from '../../../../src/metrics/index.js';
import { closedPortUrl, type Handler, type LocalServer, type SeenRequest, startServer } from '../local-server.js';
import { runMetricProviderContract } from '../provider-contract.js';

export type Reply = (req: SeenRequest, res: http.ServerResponse) => void;

/**
 * The shared MetricProvider contract over a provider's stand-in: `serve` is the stand-in (checking the
 * documented request, as the real API would refuse a wrong one), answering with `answer`.
 */
export function runContractOverStandIn(name: string, build: (address: string) => MetricProvider, serve: (answer: Reply) => Handler, answers: { value42: Reply; noData: Reply }): void {
  runMetricProviderContract(name, async (scenario) => {
    if (scenario === 'unreachable') return { provider: build(await closedPortUrl()), close: async () => undefined };
    const answer: Reply = scenario === 'hangs' ? () => undefined : scenario === 'value 42' ? answers.value42 : answers.noData;
    const server = await startServer(serve(answer));
    return { provider: build(server.url), close: server.close };
  });
}

export const signal = (): AbortSignal => new AbortController().signal;

export async function rejection(promise: Promise<unknown>): Promise<MetricError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(MetricError);
  return err as MetricError;
}

/** A stand-in that answers every request with `reply`, for the error cases. */
export const answering = (reply: Reply): Promise<LocalServer> => startServer(reply);

export const AT = new Date('2025-03-04T05:06:00.000Z');
