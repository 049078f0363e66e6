import type { Canary, StringMatch } from '../api/index.js';
import type { Routes } from '../engine/types.js';
import { RouterError } from './types.js';

const PREFIX = 'nginx.ingress.kubernetes.io';
export const CANARY = `${PREFIX}/canary`;
export const CANARY_WEIGHT = `${PREFIX}/canary-weight`;
export const BY_HEADER = `${PREFIX}/canary-by-header`;
export const BY_HEADER_VALUE = `${PREFIX}/canary-by-header-value`;
export const BY_HEADER_PATTERN = `${PREFIX}/canary-by-header-pattern`;
export const BY_COOKIE = `${PREFIX}/canary-by-cookie`;

/** Every `nginx.ingress.kubernetes.io/canary*` annotation is Pennant's to set on the canary Ingress. */
export const isCanaryAnnotation = (key: string): boolean => key.startsWith(`${PREFIX}/canary`);

type AbMatch = NonNullable<Canary['spec']['analysis']['match']>[number];

/** What ingress-nginx can route to the canary besides a weight: one header and one cookie, either of which sends a request there. */
export interface NginxMatch {
  header?: { name: string; value?: string; pattern?: string };
  /** The cookie's name: requests with it set to "always" go to the canary. */
  cookie?: string;
}

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const cannot = (why: string): RouterError =>
  new RouterError(`nginx: analysis.match cannot be expressed with ingress-nginx's canary annotations: ${why}`);

/**
 * analysis.match as ingress-nginx's canary-by-* annotations. ingress-nginx sends a request to the
 * canary if it carries the one header (with the value or pattern, if given) or the one cookie set to
 * "always"; so the entries of analysis.match (any of which may hold) can name one header and one
 * cookie between them, one per entry. Anything else is a RouterError saying what cannot be expressed.
 */
export function nginxMatch(match: readonly AbMatch[]): NginxMatch {
  const result: NginxMatch = {};
  match.forEach((entry, i) => {
    const where = `analysis.match[${i}]`;
    if (Object.keys(entry.queryParams ?? {}).length) throw cannot(`${where}.queryParams: ingress-nginx cannot route by query parameter`);
    if (Object.keys(entry.sourceLabels ?? {}).length) throw cannot(`${where}.sourceLabels: requests through an ingress carry no source workload labels`);
    const headers = Object.entries(entry.headers ?? {});
    if (headers.length !== 1) {
      throw cannot(`${where} has ${headers.length} headers; each entry must name exactly one header (or cookie), since ingress-nginx cannot require several at once`);
    }
    const [name, value] = headers[0] as [string, StringMatch];
    if (name.toLowerCase() === 'cookie') {
      if (value.exact === undefined) {
        throw cannot(`${where}.headers.cookie: ingress-nginx matches a cookie by name only (canary-by-cookie: the cookie set to "always"); write cookie: { exact: <cookie name> }`);
      }
      if (result.cookie !== undefined && result.cookie !== value.exact) throw cannot(`two cookies (${result.cookie}, ${value.exact}); ingress-nginx routes by one`);
      result.cookie = value.exact;
      return;
    }
    const header = { name, ...headerValue(value, `${where}.headers.${name}`) };
    if (result.header && JSON.stringify(result.header) !== JSON.stringify(header)) {
      throw cannot(`two header matches (${result.header.name}, ${name}); ingress-nginx routes by one header (and one cookie)`);
    }
    result.header = header;
  });
  return result;
}

function headerValue(m: StringMatch, where: string): { value?: string; pattern?: string } {
  if (m.exact !== undefined) return { value: m.exact };
  if (m.regex !== undefined) return { pattern: m.regex };
  if (m.prefix !== undefined) return { pattern: `^${escapeRegex(m.prefix)}.*` };
  if (m.suffix !== undefined) return { pattern: `.*${escapeRegex(m.suffix)}$` };
  throw cannot(`${where} has no exact, regex, prefix or suffix`);
}

/**
 * The canary annotations for these routes. Always `canary: "true"`: a canary Ingress turned off would
 * be a second ordinary Ingress for the same host and path, which ingress-nginx's admission webhook
 * rejects (Flagger turns it off at weight 0; Pennant sets weight 0 and drops the match instead).
 */
export function routeAnnotations(canary: Canary, routes: Routes): Record<string, string> {
  if (!routes.matchedOnly) return { [CANARY]: 'true', [CANARY_WEIGHT]: String(routes.canary) };
  if (routes.canary !== 100) {
    throw new RouterError(`nginx: matching requests go all to the canary or not at all; cannot send ${routes.canary}% of them`);
  }
  const { header, cookie } = nginxMatch(canary.spec.analysis.match ?? []);
  if (!header && cookie === undefined) throw new RouterError('nginx: A/B routes need spec.analysis.match');
  return {
    [CANARY]: 'true',
    [CANARY_WEIGHT]: '0',
    ...(header ? { [BY_HEADER]: header.name } : {}),
    ...(header?.value !== undefined ? { [BY_HEADER_VALUE]: header.value } : {}),
    ...(header?.pattern !== undefined ? { [BY_HEADER_PATTERN]: header.pattern } : {}),
    ...(cookie !== undefined ? { [BY_COOKIE]: cookie } : {}),
  };
}

/** Routes from a canary Ingress' annotations (also one Flagger wrote: `canary: "false"` is weight 0). */
export function routesOf(annotations: Record<string, string>): Routes {
  if (annotations[CANARY] !== 'true') return { primary: 100, canary: 0, mirror: false };
  if (annotations[BY_HEADER] !== undefined || annotations[BY_COOKIE] !== undefined) {
    return { primary: 0, canary: 100, mirror: false, matchedOnly: true };
  }
  const weight = Number.parseInt(annotations[CANARY_WEIGHT] ?? '0', 10);
  const canary = Number.isFinite(weight) ? Math.min(100, Math.max(0, weight)) : 0;
  return { primary: 100 - canary, canary, mirror: false };
}
