import { KubeError } from './errors.js';
import type { KubeObject } from './types.js';

/**
 * Parses the equality subset of a Kubernetes field selector ("involvedObject.kind=Canary,type!=Normal")
 * into a predicate over an object's fields, as the API server applies it to the kinds that support
 * them (Events: involvedObject.*, reason, type). An empty selector matches everything.
 */
export function parseFieldSelector(selector: string | undefined): (obj: KubeObject) => boolean {
  const requirements = (selector ?? '').split(',').filter((part) => part.trim() !== '').map(parseRequirement);
  return (obj) => requirements.every(({ path, value, equal }) => (fieldText(obj, path) === value) === equal);
}

function parseRequirement(text: string): { path: string[]; value: string; equal: boolean } {
  const match = /^\s*([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(text);
  if (!match?.[1] || match[3] === undefined) throw new KubeError('Invalid', `field selector "${text}": expected field=value or field!=value`);
  return { path: match[1].split('.'), value: match[3], equal: match[2] !== '!=' };
}

/** A missing field reads as "", as the API server's field sets do. */
function fieldText(obj: KubeObject, path: readonly string[]): string {
  let at: unknown = obj;
  for (const key of path) at = typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[key] : undefined;
  return typeof at === 'string' || typeof at === 'number' || typeof at === 'boolean' ? String(at) : '';
}
