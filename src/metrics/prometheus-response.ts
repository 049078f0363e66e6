import { z } from 'zod';
import { MetricError } from './errors.js';

// The parts of the Prometheus HTTP API answer we read (https://prometheus.io/docs/prometheus/latest/querying/api/).
const sample = z.tuple([z.number(), z.string()]);
const series = z.object({ metric: z.record(z.string(), z.string()).default({}), value: sample });
const success = z.object({
  status: z.literal('success'),
  data: z.discriminatedUnion('resultType', [
    z.object({ resultType: z.literal('vector'), result: z.array(z.object({ value: sample }).loose()) }),
    z.object({ resultType: z.literal('scalar'), result: sample }),
    z.object({ resultType: z.literal('matrix'), result: z.array(z.unknown()) }),
    z.object({ resultType: z.literal('string'), result: z.unknown() }),
  ]),
});
const failure = z.object({ status: z.literal('error'), errorType: z.string().optional(), error: z.string().optional() });

const SNIPPET_CHARS = 200;

/**
 * Turns one HTTP answer of `/api/v1/query` into a number, null (no data) or a MetricError.
 * Pure, so every answer shape is testable without a server.
 */
export function parsePrometheusAnswer(status: number, contentType: string, body: string): number | null {
  return valueOf(parseSuccess(status, contentType, body));
}

/** One value per series (null for NaN/±Inf), for a query that groups many workloads' values. */
export function parsePrometheusVector(status: number, contentType: string, body: string): { labels: Record<string, string>; value: number | null }[] {
  const data = parseSuccess(status, contentType, body);
  if (data.resultType !== 'vector') throw new MetricError('QueryError', `the grouped query returned a ${data.resultType}, expected a vector`);
  return data.result.map((item) => {
    const parsed = series.parse(item);
    return { labels: parsed.metric, value: sampleValue(parsed.value[1]) };
  });
}

function parseSuccess(status: number, contentType: string, body: string): z.infer<typeof success>['data'] {
  const json = parseJson(body);
  const failed = failure.safeParse(json);
  if (failed.success) {
    const what = [failed.data.errorType, failed.data.error].filter(Boolean).join(': ') || 'unknown error';
    throw new MetricError('QueryError', `prometheus rejected the query (HTTP ${status}): ${what}`, { status });
  }
  if (status < 200 || status >= 300) {
    throw new MetricError('BadResponse', `prometheus answered HTTP ${status}${describeBody(contentType, body)}`, {
      status,
    });
  }
  const ok = success.safeParse(json);
  if (!ok.success) {
    throw new MetricError('BadResponse', `prometheus answered something that is not its query API${describeBody(contentType, body)}`, {
      status,
    });
  }
  return ok.data.data;
}

function valueOf(data: z.infer<typeof success>['data']): number | null {
  switch (data.resultType) {
    case 'scalar':
      return sampleValue(data.result[1]);
    case 'vector': {
      if (data.result.length === 0) return null;
      // Flagger silently takes the last series of a multi-series vector; which series that is depends on
      // Prometheus' ordering, so the verdict would be arbitrary. We refuse to guess.
      const [only, ...rest] = data.result;
      if (rest.length > 0 || only === undefined) {
        throw new MetricError(
          'QueryError',
          `the query returned ${data.result.length} series, expected one: aggregate it, e.g. sum(...)`,
        );
      }
      return sampleValue(only.value[1]);
    }
    case 'matrix':
      throw new MetricError('QueryError', 'the query returned a range vector: use an instant query (no [range] at the end)');
    case 'string':
      throw new MetricError('QueryError', 'the query returned a string, expected a number');
    default: {
      const unreachable: never = data;
      return unreachable;
    }
  }
}

/** Prometheus encodes sample values as strings: "NaN", "+Inf", "-Inf" or a decimal. */
function sampleValue(raw: string): number | null {
  if (raw === 'NaN' || raw === '+Inf' || raw === '-Inf' || raw === 'Inf') return null;
  const value = Number(raw);
  if (raw.trim() === '' || Number.isNaN(value)) {
    throw new MetricError('BadResponse', `prometheus returned a sample that is not a number: ${JSON.stringify(raw.slice(0, 40))}`);
  }
  return Number.isFinite(value) ? value : null;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

function describeBody(contentType: string, body: string): string {
  const text = body.trim();
  if (text === '') return ' with an empty body';
  if (contentType.includes('text/html') || /^<(!doctype|html)/i.test(text)) {
    return ' with an HTML page: is the address the Prometheus base URL (not a UI, login page or proxy)?';
  }
  const snippet = text.length > SNIPPET_CHARS ? `${text.slice(0, SNIPPET_CHARS)}…` : text;
  return `: ${snippet}`;
}
