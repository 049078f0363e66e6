import { MetricError } from './errors.js';
import { finite } from './http-provider.js';

/** One server-sent event: its name and its (joined) data lines. */
export interface ServerSentEvent {
  event: string;
  data: string;
}

/** Events of a text/event-stream body (html.spec.whatwg.org/multipage/server-sent-events.html). */
export function parseEventStream(body: string): ServerSentEvent[] {
  const events: ServerSentEvent[] = [];
  let event = 'message';
  let data: string[] = [];
  for (const line of `${body}\n\n`.split(/\r?\n/)) {
    if (line === '') {
      if (data.length > 0) events.push({ event, data: data.join('\n') });
      event = 'message';
      data = [];
    } else if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  return events;
}

/**
 * The value of a SignalFlow computation's stream (dev.splunk.com/observability/docs/signalflow/
 * messages): the last `data` message's value, each `data` message holding `{tsId, value}` pairs.
 * More than one time series is an error (as in Flagger): the program must publish one. An `error`
 * event, or an `ABORT_CHANNEL`/`JOB_RUNNING_*` failure, is the program's error.
 */
export function readSignalFlowStream(body: string): number | null {
  const series = new Set<string>();
  let last: number | null = null;
  for (const { event, data } of parseEventStream(body)) {
    const message = parseData(data);
    if (event === 'error') throw new MetricError('QueryError', `program failed: ${String(message.message ?? message.errorType ?? data)}`);
    if (event === 'control-message' && message.event === 'ABORT_CHANNEL') throw new MetricError('QueryError', `program aborted: ${String((message.abortInfo as { sf_job_abortReason?: unknown } | undefined)?.sf_job_abortReason ?? 'no reason given')}`);
    if (event !== 'data') continue;
    for (const point of Array.isArray(message.data) ? (message.data as { tsId?: unknown; value?: unknown }[]) : []) {
      const value = finite(point.value);
      if (value === null) continue;
      series.add(String(point.tsId));
      last = value;
    }
  }
  if (series.size > 1) throw new MetricError('QueryError', `the program published ${series.size} time series, not one`);
  return last;
}

function parseData(data: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(data) as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    throw new MetricError('BadResponse', `a message of the stream is not JSON: ${data.slice(0, 80)}`);
  }
}
