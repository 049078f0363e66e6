import { KubeError } from './errors.js';

export type Labels = Readonly<Record<string, string>>;

type Requirement =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string };

const KEY = String.raw`[A-Za-z0-9][A-Za-z0-9._/-]*`;
const VALUE = String.raw`[A-Za-z0-9._-]*`;
const EQUALITY = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`);
const SET = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^()]*)\\)$`);
const EXISTS = new RegExp(`^(!?)\\s*(${KEY})$`);

/**
 * Parses a Kubernetes label selector ("app=web,tier!=db,env in (a,b),!canary") into a predicate.
 * An empty selector matches everything. A malformed one is a KubeError 'Invalid'.
 */
export function parseLabelSelector(selector: string | undefined): (labels: Labels | undefined) => boolean {
  const requirements = splitTopLevel(selector ?? '').map(parseRequirement);
  return (labels) => requirements.every((r) => matches(r, labels ?? {}));
}

function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(selector.slice(start));
  const trimmed = parts.map((p) => p.trim());
  return trimmed.length === 1 && trimmed[0] === '' ? [] : trimmed;
}

function parseRequirement(text: string): Requirement {
  const eq = EQUALITY.exec(text);
  if (eq) return { op: eq[2] === '!=' ? 'neq' : 'eq', key: eq[1] ?? '', value: eq[3] ?? '' };
  const set = SET.exec(text);
  if (set) {
    const values = (set[3] ?? '').split(',').map((v) => v.trim());
    if (values.some((v) => !new RegExp(`^${VALUE}$`).test(v))) throw invalid(text);
    return { op: set[2] === 'in' ? 'in' : 'notin', key: set[1] ?? '', values };
  }
  const exists = EXISTS.exec(text);
  if (exists) return { op: exists[1] === '!' ? 'notexists' : 'exists', key: exists[2] ?? '' };
  throw invalid(text);
}

function matches(r: Requirement, labels: Labels): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key];
  switch (r.op) {
    case 'eq': return has && value === r.value;
    case 'neq': return !has || value !== r.value;
    case 'in': return has && r.values.includes(value ?? '');
    case 'notin': return !has || !r.values.includes(value ?? '');
    case 'exists': return has;
    case 'notexists': return !has;
  }
}

function invalid(requirement: string): KubeError {
  return new KubeError('Invalid', `invalid label selector requirement "${requirement}"`, 400);
}
