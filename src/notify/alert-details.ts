import type { Canary, CheckStatus } from '../api/index.js';
import type { KubeObject } from '../kube/types.js';

/** A check that did not pass, with the numbers that judged it. */
export interface FailingCheck {
  name: string;
  verdict: CheckStatus['verdict'];
  /** The measured value; null when there was no data. */
  value: number | null | undefined;
  min?: number;
  max?: number;
  message?: string;
}

/** What the rich formats (Slack Block Kit, Teams Adaptive Cards) show beside the message and fields. */
export interface AlertDetails {
  phase?: string;
  /** The canary's share of traffic, in percent. */
  weight?: number;
  failingChecks: FailingCheck[];
  /** The images of the target's containers (then its init containers), each once. */
  images: string[];
  /** A link configured by the AlertProvider's spec.link or --alert-link, placeholders filled in. */
  link?: string;
}

/** The details of a Canary as its status is after the decision that sent the alert. */
export function alertDetails(canary: Canary, images: readonly string[], linkTemplate?: string): AlertDetails {
  const status = canary.status ?? {};
  const failing = (status.checks ?? []).filter((check) => check.verdict !== 'pass').map(failingCheck);
  const link = linkTemplate ? expandLink(linkTemplate, canary) : undefined;
  return {
    ...(status.phase ? { phase: status.phase } : {}),
    ...(status.canaryWeight !== undefined ? { weight: status.canaryWeight } : {}),
    failingChecks: failing,
    images: [...new Set(images)],
    ...(link ? { link } : {}),
  };
}

function failingCheck(check: CheckStatus): FailingCheck {
  return {
    name: check.name,
    verdict: check.verdict,
    value: check.value,
    ...(check.min !== undefined ? { min: check.min } : {}),
    ...(check.max !== undefined ? { max: check.max } : {}),
    ...(check.message ? { message: check.message } : {}),
  };
}

/** `{namespace}` and `{name}` in a link template become the Canary's (URL-encoded). */
export function expandLink(template: string, canary: Canary): string {
  const values: Record<string, string> = { namespace: canary.metadata.namespace ?? 'default', name: canary.metadata.name ?? '' };
  return template.replace(/\{(namespace|name)\}/g, (_, key: string) => encodeURIComponent(values[key] ?? ''));
}

/** "71.2 (min 99)", "no data (max 500)", "failed": a check's value against its threshold. */
export function describeCheck(check: FailingCheck): string {
  const bounds = [check.min !== undefined ? `min ${check.min}` : '', check.max !== undefined ? `max ${check.max}` : ''].filter(Boolean).join(', ');
  const value = check.value === null ? 'no data' : check.value === undefined ? check.verdict : String(round(check.value));
  const judged = bounds ? `${value} (${bounds})` : value;
  return check.message && check.value === undefined ? `${judged}: ${check.message}` : judged;
}

const round = (value: number): number => Number(value.toPrecision(6));

/** The images of a workload object's pod template; none when it is not one. */
export function templateImages(workload: KubeObject | undefined): string[] {
  const pod = (workload as { spec?: { template?: { spec?: PodImages } } } | undefined)?.spec?.template?.spec;
  const containers = [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])];
  return containers.map((c) => c.image).filter((image): image is string => typeof image === 'string' && image !== '');
}

interface PodImages {
  containers?: { image?: unknown }[];
  initContainers?: { image?: unknown }[];
}
