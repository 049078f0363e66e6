import type { Canary, StringMatch } from '../api/index.js';
import { RouterError } from './types.js';

/** One HTTPProxy match condition (projectcontour.io/v1 MatchCondition); a route's conditions must all hold. */
export type Condition = Record<string, unknown>;

type ServiceMatch = NonNullable<NonNullable<Canary['spec']['service']>['match']>[number];
type AbMatch = NonNullable<Canary['spec']['analysis']['match']>[number];

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The path conditions of the routes, one route each: every service.match uri (prefix, exact or
 * regex), else everything (`prefix: /`). A route holds at most one path condition in Contour.
 */
export function pathConditions(match: readonly ServiceMatch[] | undefined): Condition[] {
  const paths = (match ?? []).flatMap((m): Condition[] => {
    const uri = m.uri;
    if (uri?.prefix !== undefined) return [{ prefix: uri.prefix }];
    if (uri?.exact !== undefined) return [{ exact: uri.exact }];
    if (uri?.regex !== undefined) return [{ regex: uri.regex }];
    return [];
  });
  return paths.length ? paths : [{ prefix: '/' }];
}

/** A header or query parameter match as Contour writes it: exact or regex (prefix and suffix become an escaped regex). */
function stringCondition(name: string, m: StringMatch, where: string): Record<string, string> {
  if (m.exact !== undefined) return { name, exact: m.exact };
  if (m.regex !== undefined) return { name, regex: m.regex };
  if (m.prefix !== undefined) return { name, regex: `^${escapeRegex(m.prefix)}.*` };
  if (m.suffix !== undefined) return { name, regex: `.*${escapeRegex(m.suffix)}$` };
  throw new RouterError(`contour: ${where} has no exact, regex, prefix or suffix`);
}

/**
 * analysis.match as HTTPProxy conditions: one list per entry (entries are alternatives, so each
 * becomes its own route), holding a condition per header and query parameter (all must hold).
 */
export function abConditions(match: readonly AbMatch[]): Condition[][] {
  return match.map((entry, i) => {
    const where = `analysis.match[${i}]`;
    if (Object.keys(entry.sourceLabels ?? {}).length) {
      throw new RouterError(`contour: ${where}.sourceLabels cannot be expressed: requests through Envoy at the edge carry no source workload labels`);
    }
    const headers = Object.entries(entry.headers ?? {}).map(([name, m]) => ({ header: stringCondition(name, m, `${where}.headers.${name}`) }));
    const queries = Object.entries(entry.queryParams ?? {}).map(([name, m]) => ({ queryParameter: stringCondition(name, m, `${where}.queryParams.${name}`) }));
    if (!headers.length && !queries.length) throw new RouterError(`contour: ${where} names no header or query parameter`);
    return [...headers, ...queries];
  });
}

/** A route that only requests with these headers or query parameters take (A/B testing). */
export const isMatchRoute = (conditions: readonly Condition[] | undefined): boolean =>
  (conditions ?? []).some((c) => c.header !== undefined || c.queryParameter !== undefined);
