import type { ClusterConnection as KubeConfig } from './kubeconfig.js';
import { inContext } from './error-context.js';
import { isNotFound } from './errors.js';
import { EventRecorder } from './event-recorder.js';
import { Discovery, resourcePath } from './discovery.js';
import { asKubeObject, describeRef, describeType, refOf } from './object-ref.js';
import { keeperFor } from './informer-cache.js';
import { RealInformer, type RealInformerOptions } from './real-informer.js';
import { RealListWatch } from './real-list-watch.js';
import { RestClient } from './rest-client.js';
import {
  FIELD_MANAGER,
  type ApplyOptions,
  type EventInput,
  type KubeClient,
  type KubeObject,
  type InformerOptions,
  type ListOptions,
  type ObjectRef,
  type PatchType,
  type ResourceType,
} from './types.js';

export interface RealKubeOptions {
  /** Field manager for every write; apply's own option wins. Default FIELD_MANAGER. */
  fieldManager?: string;
  /** Clock for Event timestamps. */
  now?: () => Date;
  informer?: RealInformerOptions;
  /** Hears each failed list or watch of any informer, with its type, before the informer retries. */
  onWatchRestart?: (type: ResourceType, err: unknown, retryInMs: number) => void;
}

const PATCH_CONTENT_TYPE: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
};

/** KubeClient over a real API server, authenticated by a KubeConfig (see kubeConfigFrom). */
export class RealKube implements KubeClient {
  private readonly rest: RestClient;
  private readonly discovery: Discovery;
  private readonly events: EventRecorder;
  private readonly fieldManager: string;

  constructor(
    kc: KubeConfig,
    private readonly options: RealKubeOptions = {},
  ) {
    this.rest = new RestClient(kc);
    this.discovery = new Discovery(this.rest);
    this.fieldManager = options.fieldManager ?? FIELD_MANAGER;
    const sink = { create: (e: KubeObject) => this.create(e), patch: (ref: ObjectRef, p: unknown) => this.patch(ref, p, 'merge') };
    this.events = new EventRecorder(sink, options.now ?? (() => new Date()));
  }

  get(ref: ObjectRef): Promise<KubeObject | null> {
    return inContext('get', describeRef(ref), async () => {
      const path = await this.objectPath(ref);
      try {
        return asKubeObject(ref, await this.rest.request({ method: 'GET', path }));
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    });
  }

  list(type: ResourceType, options: ListOptions = {}): Promise<KubeObject[]> {
    return inContext('list', describeType(type, options.namespace), async () => {
      const info = await this.discovery.resolve(type);
      const path = resourcePath(type.apiVersion, info, { namespace: options.namespace });
      return (await RealListWatch.listAll(this.rest, type, path, options.labelSelector, undefined, options.fieldSelector)).items;
    });
  }

  apply(obj: KubeObject, options: ApplyOptions = {}): Promise<KubeObject> {
    const ref = refOf(obj);
    return inContext('apply', describeRef(ref), async () => {
      const query = { fieldManager: options.fieldManager ?? this.fieldManager, force: options.force ? 'true' : undefined };
      const path = await this.objectPath(ref);
      // SSA takes YAML or JSON; JSON is valid YAML.
      const body = { method: 'PATCH' as const, path, query, body: obj, contentType: 'application/apply-patch+yaml' };
      return asKubeObject(ref, await this.rest.request(body));
    });
  }

  create(obj: KubeObject): Promise<KubeObject> {
    const ref = refOf(obj);
    return inContext('create', describeRef(ref), async () => {
      const info = await this.discovery.resolve(ref);
      const path = resourcePath(ref.apiVersion, info, { namespace: ref.namespace ?? 'default' });
      return asKubeObject(ref, await this.rest.request({ method: 'POST', path, query: this.managerQuery(), body: obj }));
    });
  }

  update(obj: KubeObject): Promise<KubeObject> {
    const ref = refOf(obj);
    return inContext('update', describeRef(ref), async () => {
      const path = await this.objectPath(ref);
      return asKubeObject(ref, await this.rest.request({ method: 'PUT', path, query: this.managerQuery(), body: obj }));
    });
  }

  patch(ref: ObjectRef, patch: unknown, type: PatchType = 'merge'): Promise<KubeObject> {
    return inContext(`patch (${type})`, describeRef(ref), async () => {
      const path = await this.objectPath(ref);
      const req = { method: 'PATCH' as const, path, query: this.managerQuery(), body: patch, contentType: PATCH_CONTENT_TYPE[type] };
      return asKubeObject(ref, await this.rest.request(req));
    });
  }

  patchStatus(ref: ObjectRef, status: unknown, resourceVersion: string): Promise<KubeObject> {
    return inContext('patch status of', describeRef(ref), async () => {
      const path = await this.objectPath(ref, 'status');
      // The resourceVersion in a merge patch body is the server's optimistic-concurrency precondition.
      const body = { metadata: { resourceVersion }, status };
      const req = { method: 'PATCH' as const, path, query: this.managerQuery(), body, contentType: PATCH_CONTENT_TYPE.merge };
      return asKubeObject(ref, await this.rest.request(req));
    });
  }

  delete(ref: ObjectRef): Promise<void> {
    return inContext('delete', describeRef(ref), async () => {
      await this.rest.request({ method: 'DELETE', path: await this.objectPath(ref) });
    });
  }

  recordEvent(event: EventInput): Promise<void> {
    return inContext(`record event ${event.reason} for`, describeRef(event.regarding), () => this.events.record(event));
  }

  informer(type: ResourceType, options: InformerOptions = {}): RealInformer {
    const source = new RealListWatch(this.rest, this.discovery, type, options);
    const hear = this.options.onWatchRestart;
    return new RealInformer(source, hear ? { ...this.options.informer, onRestart: (err, ms) => hear(type, err, ms) } : this.options.informer, keeperFor(options));
  }

  private async objectPath(ref: ObjectRef, subresource?: string): Promise<string> {
    const info = await this.discovery.resolve(ref);
    return resourcePath(ref.apiVersion, info, { namespace: ref.namespace, name: ref.name, subresource });
  }

  private managerQuery(): Record<string, string> {
    return { fieldManager: this.fieldManager };
  }
}
