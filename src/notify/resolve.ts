import { ALERT_PROVIDER_TYPES, alertProvider, type AlertProvider, type Canary } from '../api/index.js';
import type { ResourceType } from '../kube/types.js';
import type { ObjectReader } from '../workloads/types.js';
import { secret } from '../workloads/k8s-types.js';
import { NotifyError } from './errors.js';
import { type CanaryAlert, DEFAULT_CHANNEL, DEFAULT_USERNAME, type Destination, type ProviderType } from './types.js';

export const ALERT_PROVIDER: ResourceType = { apiVersion: 'pennant.dev/v1beta1', kind: 'AlertProvider' };
export const SECRET: ResourceType = { apiVersion: 'v1', kind: 'Secret' };

export interface ResolvedProvider {
  type: ProviderType;
  destination: Destination;
}

export interface ResolveOptions {
  /** providerRef.namespace other than the Canary's (default true, as in Flagger). */
  allowCrossNamespaceRefs?: boolean;
}

/**
 * The AlertProvider an alert entry points at, from the informer cache: its type and where to post.
 * The provider lives in providerRef.namespace, else the Canary's; its secretRef in the provider's.
 * The Secret's `address` wins over spec.address and its `token` becomes a Bearer header.
 * Throws a NotifyError that names the objects and what to fix, never a URL.
 */
export function resolveAlertProvider(reader: ObjectReader, canary: Canary, alert: CanaryAlert, options: ResolveOptions = {}): ResolvedProvider {
  const canaryNamespace = canary.metadata.namespace ?? 'default';
  const namespace = alert.providerRef.namespace || canaryNamespace;
  const ref = `AlertProvider ${namespace}/${alert.providerRef.name}`;
  if (namespace !== canaryNamespace && options.allowCrossNamespaceRefs === false) {
    throw new NotifyError('Config', `${ref}: cross-namespace references are disabled (--deny-cross-namespace-refs); create the AlertProvider in ${canaryNamespace}`);
  }
  const provider = parseProvider(reader.get(ALERT_PROVIDER, namespace, alert.providerRef.name), ref);
  const { spec } = provider;
  const at: Where = { reader, namespace, label: `${spec.type} ${ref}`, type: spec.type };
  return { type: spec.type, destination: destinationOf(at, spec) };
}

/** The Secret an alert entry's AlertProvider reads (to fetch it first when the cache holds only metadata). */
export function secretsOfAlert(reader: ObjectReader, canary: Canary, alert: CanaryAlert): { apiVersion: string; kind: string; namespace: string; name: string }[] {
  const namespace = alert.providerRef.namespace || (canary.metadata.namespace ?? 'default');
  const raw = reader.get(ALERT_PROVIDER, namespace, alert.providerRef.name) as { spec?: { secretRef?: { name?: unknown } } } | undefined;
  const name = raw?.spec?.secretRef?.name;
  return typeof name === 'string' && name !== '' ? [{ ...SECRET, namespace, name }] : [];
}

/** The provider being resolved: where it lives, how messages name it. */
interface Where {
  reader: ObjectReader;
  namespace: string;
  label: string;
  type: ProviderType;
}

const problem = (at: Where, code: NotifyError['code'], detail: string): NotifyError =>
  new NotifyError(code, `${at.label}: ${detail}`, { providerType: at.type });

function destinationOf(at: Where, spec: AlertProvider['spec']): Destination {
  const fromSecret = spec.secretRef ? secretCredentials(at, spec.secretRef.name) : {};
  const address = fromSecret.address ?? nonEmpty(spec.address);
  if (address === undefined) {
    throw problem(at, 'Config', spec.secretRef
      ? `Secret ${at.namespace}/${spec.secretRef.name} has no "address" key and spec.address is empty`
      : 'no address: set spec.secretRef (a Secret with an "address" key) or spec.address');
  }
  if (!isHttpUrl(address)) throw problem(at, 'Config', 'the address is not an http(s) URL');
  return {
    label: at.label,
    address,
    channel: nonEmpty(spec.channel) ?? DEFAULT_CHANNEL,
    username: nonEmpty(spec.username) ?? DEFAULT_USERNAME,
    ...(fromSecret.token ? { token: fromSecret.token } : {}),
    ...(nonEmpty(spec.proxy) ? { proxy: spec.proxy } : {}),
    ...(spec.link ? { link: spec.link } : {}),
  };
}

function parseProvider(raw: unknown, ref: string): AlertProvider {
  if (raw === undefined) throw new NotifyError('NotFound', `${ref} not found`);
  const parsed = alertProvider.safeParse(raw);
  if (parsed.success) return parsed.data;
  const type = (raw as { spec?: { type?: unknown } }).spec?.type;
  const typeIssue = parsed.error.issues.find((i) => i.path.join('.') === 'spec.type');
  if (typeIssue && typeof type === 'string') throw new NotifyError('Config', `${ref}: unknown type "${type}" (one of ${ALERT_PROVIDER_TYPES.join(', ')})`);
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new NotifyError('Config', `${ref} is invalid: ${problems.join('; ')}`);
}

/** `address` and `token` from the Secret (trimmed: files often end in a newline). */
function secretCredentials(at: Where, name: string): { address?: string; token?: string } {
  const parsed = secret.safeParse(at.reader.get(SECRET, at.namespace, name));
  if (!parsed.success) throw problem(at, 'NotFound', `Secret ${at.namespace}/${name} (spec.secretRef) not found`);
  const value = (key: string): string | undefined => {
    const stringValue = parsed.data.stringData?.[key];
    const encoded = parsed.data.data?.[key];
    const decoded = stringValue ?? (encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8'));
    return nonEmpty(decoded?.trim());
  };
  const address = value('address');
  const token = value('token');
  return { ...(address ? { address } : {}), ...(token ? { token } : {}) };
}

const nonEmpty = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value);

function isHttpUrl(raw: string): boolean {
  try {
    const { protocol } = new URL(raw);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
