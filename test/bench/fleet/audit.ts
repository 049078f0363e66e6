import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** One request to the API server, as its audit log (Metadata level, JSON lines) records it. */
export interface AuditRequest {
  user: string;
  verb: string;
  resource: string;
}

/** Requests by `verb resource`, with the Leases (leader election, node heartbeats) kept apart. */
export interface RequestCounts {
  total: number;
  reads: number;
  leases: number;
  byVerbResource: Record<string, number>;
}

const READ_VERBS = new Set(['get', 'list']);

/**
 * A request is logged at ResponseStarted (watches) and at ResponseComplete (all): each is counted
 * once, a watch when it starts, since one held open through the window never completes in it.
 */
export function parseAuditLine(line: string): AuditRequest | null {
  let event: { stage?: string; verb?: string; user?: { username?: string }; objectRef?: { resource?: string; subresource?: string } };
  try {
    event = JSON.parse(line) as typeof event;
  } catch {
    return null;
  }
  if (!event.verb || !event.user?.username) return null;
  const counted = event.verb === 'watch' ? event.stage === 'ResponseStarted' : event.stage === 'ResponseComplete';
  if (!counted) return null;
  const ref = event.objectRef;
  const resource = ref?.resource ? (ref.subresource ? `${ref.resource}/${ref.subresource}` : ref.resource) : '(non-resource)';
  return { user: event.user.username, verb: event.verb, resource };
}

export function countRequests(requests: readonly AuditRequest[], user: string): RequestCounts {
  const counts: RequestCounts = { total: 0, reads: 0, leases: 0, byVerbResource: {} };
  for (const r of requests) {
    if (r.user !== user) continue;
    if (r.resource === 'leases') {
      counts.leases++;
      continue;
    }
    counts.total++;
    if (READ_VERBS.has(r.verb)) counts.reads++;
    const key = `${r.verb} ${r.resource}`;
    counts.byVerbResource[key] = (counts.byVerbResource[key] ?? 0) + 1;
  }
  return counts;
}

/** Reads what the API server appended to its audit log since the last call. */
export class AuditTail {
  private offset: number;

  constructor(private readonly path: string) {
    this.offset = statSync(path).size;
  }

  /** The requests logged since the previous call (or since construction). */
  read(): AuditRequest[] {
    const size = statSync(this.path).size;
    // A shorter file is a new one (rotated or truncated): what was counted so far cannot be trusted.
    if (size < this.offset) throw new Error(`${this.path} shrank from ${this.offset} to ${size} bytes: the audit log was rotated, so requests were missed`);
    const length = size - this.offset;
    if (length <= 0) return [];
    const buffer = Buffer.alloc(length);
    const fd = openSync(this.path, 'r');
    try {
      readSync(fd, buffer, 0, length, this.offset);
    } finally {
      closeSync(fd);
    }
    const text = buffer.toString('utf8');
    // A line being written as we read is left for the next call.
    const complete = text.lastIndexOf('\n') + 1;
    this.offset += Buffer.byteLength(text.slice(0, complete));
    return text.slice(0, complete).split('\n').map(parseAuditLine).filter((r): r is AuditRequest => r !== null);
  }
}
