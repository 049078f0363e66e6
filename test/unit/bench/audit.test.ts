import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditTail, countRequests, parseAuditLine } from '../../bench/fleet/audit.js';

interface Logged { stage: string; verb: string; user?: string; resource?: string; subresource?: string }

const event = (o: Logged): string =>
  JSON.stringify({
    kind: 'Event', stage: o.stage, verb: o.verb, user: o.user === undefined ? { username: 'pennant-bench' } : { username: o.user },
    ...(o.resource ? { objectRef: { resource: o.resource, ...(o.subresource ? { subresource: o.subresource } : {}) } } : {}),
  });

describe('the audit log of the benchmark', () => {
  it.each<[string, Logged, { verb: string; resource: string } | null]>([
    ['a get when it completes', { stage: 'ResponseComplete', verb: 'get', resource: 'canaries' }, { verb: 'get', resource: 'canaries' }],
    ['a get not before it completes', { stage: 'ResponseStarted', verb: 'get', resource: 'canaries' }, null],
    ['a watch when it starts', { stage: 'ResponseStarted', verb: 'watch', resource: 'deployments' }, { verb: 'watch', resource: 'deployments' }],
    ['a watch not again when it ends', { stage: 'ResponseComplete', verb: 'watch', resource: 'deployments' }, null],
    ['a status write under its subresource', { stage: 'ResponseComplete', verb: 'update', resource: 'canaries', subresource: 'status' }, { verb: 'update', resource: 'canaries/status' }],
    ['a request with no object as non-resource', { stage: 'ResponseComplete', verb: 'get' }, { verb: 'get', resource: '(non-resource)' }],
    ['a request with no user not at all', { stage: 'ResponseComplete', verb: 'get', user: '', resource: 'pods' }, null],
  ])('counts %s', (_label, input, expected) => {
    const parsed = parseAuditLine(event(input));
    expect(parsed).toEqual(expected ? { user: input.user === undefined ? 'pennant-bench' : input.user, ...expected } : null);
  });

  it('skips lines that are not JSON', () => {
    expect(parseAuditLine('{"kind":"Ev')).toBeNull();
  });

  it("counts one client's requests, reads apart, leases not in the total", () => {
    const requests = [
      { user: 'pennant-bench', verb: 'list', resource: 'canaries' },
      { user: 'pennant-bench', verb: 'get', resource: 'services' },
      { user: 'pennant-bench', verb: 'patch', resource: 'services' },
      { user: 'pennant-bench', verb: 'patch', resource: 'services' },
      { user: 'pennant-bench', verb: 'update', resource: 'leases' },
      { user: 'flagger-bench', verb: 'get', resource: 'services' },
    ];
    expect(countRequests(requests, 'pennant-bench')).toEqual({
      total: 4, reads: 2, leases: 1, byVerbResource: { 'list canaries': 1, 'get services': 1, 'patch services': 2 },
    });
  });

  it('reads only what was appended since the last read, and leaves a half-written line for the next', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'audit-')), 'audit.log');
    writeFileSync(path, `${event({ stage: 'ResponseComplete', verb: 'get', resource: 'pods' })}\n`);
    const tail = new AuditTail(path);
    expect(tail.read()).toEqual([]);
    const line = event({ stage: 'ResponseComplete', verb: 'list', resource: 'secrets' });
    appendFileSync(path, `${line}\n${line.slice(0, 20)}`);
    expect(tail.read()).toEqual([{ user: 'pennant-bench', verb: 'list', resource: 'secrets' }]);
    appendFileSync(path, `${line.slice(20)}\n`);
    expect(tail.read()).toEqual([{ user: 'pennant-bench', verb: 'list', resource: 'secrets' }]);
    expect(tail.read()).toEqual([]);
  });

  it('refuses to count on when the log was rotated under it, rather than reporting nothing', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'audit-')), 'audit.log');
    writeFileSync(path, `${event({ stage: 'ResponseComplete', verb: 'get', resource: 'pods' })}\n`);
    const tail = new AuditTail(path);
    writeFileSync(path, '');
    expect(() => tail.read()).toThrow('the audit log was rotated, so requests were missed');
  });
});
