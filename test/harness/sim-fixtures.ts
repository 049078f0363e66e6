import { ERROR_RATE_ANNOTATION, LATENCY_ANNOTATION } from '../../src/demo/traffic-annotations.js';
import type { KubeClient, KubeObject } from '../../src/kube/types.js';

/**
 * Objects for running the simulator without a cluster (MemoryKube): on a real one the Deployment
 * controller and KWOK make the pods, here a test makes them by hand.
 */
export interface SimDeploymentSpec {
  namespace: string;
  name: string;
  errorRate?: number;
  latencyMs?: number;
  replicas?: number;
}

export function simDeployment(spec: SimDeploymentSpec): KubeObject {
  const annotations: Record<string, string> = {};
  if (spec.errorRate !== undefined) annotations[ERROR_RATE_ANNOTATION] = String(spec.errorRate);
  if (spec.latencyMs !== undefined) annotations[LATENCY_ANNOTATION] = String(spec.latencyMs);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: spec.name, namespace: spec.namespace, labels: { app: spec.name } },
    spec: {
      replicas: spec.replicas ?? 1,
      selector: { matchLabels: { app: spec.name } },
      template: {
        metadata: { labels: { app: spec.name }, annotations },
        spec: { containers: [{ name: 'podinfo', image: 'ghcr.io/stefanprodan/podinfo:6.0.0', ports: [{ name: 'http', containerPort: 9898 }] }] },
      },
    },
  };
}

export const simService = (namespace: string, name: string, selector: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace },
  spec: { selector, ports: [{ name: 'http', port: 9898, targetPort: 9898 }] },
});

// Pod names as the ReplicaSet controller makes them: <deployment>-<template hash>-<5 chars>, from this alphabet.
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
/** A stable pseudo-hash of `seed` in that alphabet (FNV-1a), so pod names are the same every run. */
function hashName(seed: string, length: number): string {
  let h = 0x811c9dc5;
  let out = '';
  for (let i = 0; i < length; i++) {
    for (const c of `${seed}#${i}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
    out += ALPHABET[h % ALPHABET.length];
  }
  return out;
}

export interface SimPodsSpec {
  namespace: string;
  /** The Deployment (and `app` label) the pods belong to. */
  app: string;
  count: number;
  ready?: boolean;
  /** Pod-template hash; vary it to make a new ReplicaSet's pods. */
  templateHash?: string;
  /** The pods' own annotations (e.g. the behaviour of an older revision). */
  annotations?: Record<string, string>;
}

/** Creates the pods, then sets their status as the kubelet (KWOK) would. Returns their names. */
export async function createSimPods(kube: KubeClient, spec: SimPodsSpec): Promise<string[]> {
  const hash = spec.templateHash ?? hashName(spec.app, 9);
  const names: string[] = [];
  for (let i = 0; i < spec.count; i++) {
    const name = `${spec.app}-${hash}-${hashName(`${hash}/${i}`, 5)}`;
    const created = await kube.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: spec.namespace, labels: { app: spec.app, 'pod-template-hash': hash }, annotations: spec.annotations ?? {} },
      spec: { containers: [{ name: 'podinfo', image: 'ghcr.io/stefanprodan/podinfo:6.0.0' }] },
    });
    await setPodReady(kube, spec.namespace, name, spec.ready ?? true, created.metadata.resourceVersion ?? '');
    names.push(name);
  }
  return names;
}

export async function setPodReady(kube: KubeClient, namespace: string, name: string, ready: boolean, resourceVersion?: string): Promise<void> {
  const version = resourceVersion ?? (await kube.get({ apiVersion: 'v1', kind: 'Pod', namespace, name }))?.metadata.resourceVersion ?? '';
  await kube.patchStatus(
    { apiVersion: 'v1', kind: 'Pod', namespace, name },
    { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
    version,
  );
}
