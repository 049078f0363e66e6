import type { z } from 'zod';
import { alertProvider } from './alert-provider.js';
import { API_GROUP, API_VERSION, canary, FLAGGER_GROUP, type Provider } from './canary.js';
import { DEFAULT_PROVIDER } from './capabilities.js';
import { type GitSourceSpec, gitSource } from './git-source.js';
import { describeValue, errorIssue, type PathSegment, type RuleIssue, type ValidationIssue } from './issues.js';
import { inputJsonSchema } from './json-schema.js';
import { metricTemplate } from './metric-template.js';
import { checkMetricTemplateSupport, checkProviderSupport } from './provider-rules.js';
import { checkAlertProviderRules, checkCanaryRules } from './rules.js';
import { closest } from './suggest.js';
import { findUnknownFields } from './unknown-fields.js';
import { formatZodIssues } from './zod-issues.js';

export const PENNANT_API_VERSION = `${API_GROUP}/${API_VERSION}`;

export interface ValidationOptions {
  /** The provider of a Canary that sets none: the controller's `--provider` (default kubernetes). */
  defaultProvider?: Provider;
}

interface KindCheck {
  schema: z.ZodType;
  rules: (parsed: unknown, options: Required<ValidationOptions>) => ValidationIssue[];
}

const kindCheck = <T>(schema: z.ZodType<T>, rules: (parsed: T, options: Required<ValidationOptions>) => ValidationIssue[]): KindCheck => ({
  schema,
  rules: (parsed, options) => rules(parsed as T, options),
});

const errors = (issues: RuleIssue[]): ValidationIssue[] => issues.map((issue) => errorIssue(issue));

const KINDS: Record<string, KindCheck> = {
  Canary: kindCheck(canary, (c, o) => [...checkCanaryRules(c.spec), ...checkProviderSupport(c.spec, o.defaultProvider)]),
  MetricTemplate: kindCheck(metricTemplate, (m) => checkMetricTemplateSupport(m.spec)),
  AlertProvider: kindCheck(alertProvider, (a) => errors(checkAlertProviderRules(a.spec))),
  GitSource: kindCheck(gitSource, (g) => errors(checkGitSourceRules(g.spec))),
};

/** What the GitSource schema cannot say: one ref kind, and paths inside the repository. */
export function checkGitSourceRules(spec: GitSourceSpec): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const refs = (['branch', 'tag', 'commit'] as const).filter((k) => spec.ref?.[k] !== undefined);
  if (refs.length > 1) {
    issues.push({ path: ['spec', 'ref', refs[1] as string], message: `${refs.join(' and ')} are both set; set one of branch, tag or commit`, hint: 'keep the one to check out and remove the other' });
  }
  (spec.paths ?? []).forEach((path, i) => {
    const parts = path.replace(/\\/g, '/').split('/');
    if (path.startsWith('/') || parts.includes('..')) {
      issues.push({ path: ['spec', 'paths', i], message: `must be a path inside the repository, got ${describeValue(path)}`, hint: 'write it relative to the repository root, without ".." (e.g. apps/podinfo)' });
    }
  });
  return issues;
}
export const PENNANT_KINDS = Object.keys(KINDS);

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const isMap = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Everything wrong with one parsed YAML document, as the API server and the controller would see it
 * (and a little stricter: unknown fields, which the API server silently drops, are errors here), and
 * every warning: what Pennant accepts but ignores or runs differently. A document of another kind
 * yields a single `skip` issue.
 */
export function validateManifest(doc: unknown, options: ValidationOptions = {}): ValidationIssue[] {
  if (!isMap(doc)) {
    return [errorIssue({
      path: [],
      message: `expected a Kubernetes object (a map with apiVersion, kind and metadata), got ${describeValue(doc)}`,
      hint: 'each YAML document must be one object; separate objects with "---"',
    })];
  }
  const check = typeof doc.kind === 'string' ? KINDS[doc.kind] : undefined;
  if (check === undefined) return [unknownKind(doc)];
  const issues = [...apiVersionIssues(doc.apiVersion), ...metadataIssues(doc.metadata)];
  const root = inputJsonSchema(check.schema);
  const parsed = check.schema.safeParse(pruneNulls(doc));
  const schemaIssues = parsed.success ? [] : formatZodIssues(parsed.error.issues, doc, root);
  issues.push(...withoutDuplicates(schemaIssues, issues), ...findUnknownFields(doc, root));
  if (parsed.success) issues.push(...check.rules(parsed.data, { defaultProvider: options.defaultProvider ?? DEFAULT_PROVIDER }));
  return issues;
}

/** Other kinds are skipped, but a misspelt kind in our own groups is a mistake worth naming. */
function unknownKind(doc: Record<string, unknown>): ValidationIssue {
  const { kind, apiVersion } = doc;
  const group = typeof apiVersion === 'string' ? apiVersion.split('/')[0] : undefined;
  if (typeof kind === 'string' && (group === API_GROUP || group === FLAGGER_GROUP)) {
    const near = closest(kind, PENNANT_KINDS);
    return errorIssue({
      path: ['kind'],
      message: `must be one of ${PENNANT_KINDS.join(', ')}; got ${describeValue(kind)}`,
      hint: near === undefined ? `${group} has no kind ${kind}` : `did you mean "${near}"?`,
    });
  }
  const what = typeof kind === 'string' ? `${kind} is not a Pennant kind` : 'not a Kubernetes object (no kind)';
  return { severity: 'skip', anchor: 'value', path: typeof kind === 'string' ? ['kind'] : [], message: what, hint: '' };
}

function apiVersionIssues(apiVersion: unknown): ValidationIssue[] {
  if (apiVersion === PENNANT_API_VERSION) return [];
  const flagger = typeof apiVersion === 'string' && apiVersion.startsWith(`${FLAGGER_GROUP}/`);
  const issue: RuleIssue = {
    path: ['apiVersion'],
    message: apiVersion === undefined ? 'required' : `must be ${PENNANT_API_VERSION}, got ${describeValue(apiVersion)}`,
    hint: flagger
      ? `change apiVersion to ${PENNANT_API_VERSION}: Pennant is field-compatible with Flagger's API, ` +
        'only the group differs'
      : `set apiVersion: ${PENNANT_API_VERSION}`,
  };
  return [errorIssue(issue)];
}

interface NameRule {
  field: 'name' | 'namespace';
  pattern: RegExp;
  max: number;
  what: string;
}

const NAME_RULES: readonly NameRule[] = [
  {
    field: 'name',
    pattern: DNS_SUBDOMAIN,
    max: 253,
    what: 'a DNS-1123 subdomain (lowercase letters, digits, "-" and "."; at most 253)',
  },
  {
    field: 'namespace',
    pattern: DNS_LABEL,
    max: 63,
    what: 'a DNS-1123 label (lowercase letters, digits and "-"; at most 63)',
  },
];

function metadataIssues(metadata: unknown): ValidationIssue[] {
  const meta = isMap(metadata) ? metadata : {};
  if (meta.name === undefined || meta.name === null) {
    const hint = 'add metadata.name: a lowercase DNS name such as podinfo';
    return [errorIssue({ path: ['metadata', 'name'], message: 'required', hint })];
  }
  return NAME_RULES.flatMap((rule) => {
    const value = meta[rule.field];
    if (value === undefined || value === null) return [];
    if (typeof value === 'string' && value.length <= rule.max && rule.pattern.test(value)) return [];
    return [errorIssue({
      path: ['metadata', rule.field],
      message: `must be ${rule.what}, got ${describeValue(value)}`,
      hint: typeof value === 'string' ? `try "${dnsName(value, rule)}"` : `quote the ${rule.field}`,
    })];
  });
}

/** The nearest valid name: lowercased, other characters turned into "-", trimmed to size. */
function dnsName(value: string, rule: NameRule): string {
  const allowed = rule.field === 'name' ? /[^a-z0-9.-]+/g : /[^a-z0-9-]+/g;
  const name = value.toLowerCase().replace(allowed, '-').slice(0, rule.max).replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return name === '' ? 'my-name' : name;
}

/**
 * Our own apiVersion and metadata checks say it better: drop zod's issue on the same path or on a
 * parent of it (`metadata: required` next to our `metadata.name: required`).
 */
function withoutDuplicates(issues: ValidationIssue[], ours: ValidationIssue[]): ValidationIssue[] {
  const covers = (parent: readonly PathSegment[], child: readonly PathSegment[]): boolean =>
    parent.length <= child.length && parent.every((segment, i) => segment === child[i]);
  return issues.filter((issue) => !ours.some((own) => covers(issue.path, own.path)));
}

/** The API server drops `key: null` before validating (`query:` left blank means absent); so do we. */
export function pruneNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pruneNulls);
  if (!isMap(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (child !== null) out[key] = pruneNulls(child);
  }
  return out;
}
