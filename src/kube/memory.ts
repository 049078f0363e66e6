import { inContext } from './error-context.js';
import { KubeError } from './errors.js';
import { EventRecorder } from './event-recorder.js';
import { deepCopy, isObject } from './json.js';
import { applyJsonPatch } from './json-patch.js';
import { parseFieldSelector } from './field-selector.js';
import { parseLabelSelector } from './label-selector.js';
import { applyObject } from './memory-apply.js';
import { MemoryInformer } from './memory-informer.js';
import type { Writer } from './memory-ownership.js';
import { DEFAULT_STATUS_SUBRESOURCE_KINDS, kindPolicy, type KindPolicy } from './memory-rules.js';
import { MemoryStore } from './memory-store.js';
import { applyMergePatch } from './merge-patch.js';
import { describeRef, describeType, refOf } from './object-ref.js';
import {
  FIELD_MANAGER,
  type ApplyOptions,
  type EventInput,
  type Informer,
  type KubeClient,
  type KubeObject,
  type InformerOptions,
  type ListOptions,
  type ObjectRef,
  type PatchType,
  type ResourceType,
} from './types.js';

export interface MemoryKubeOptions {
  /** Clock for creationTimestamp, deletionTimestamp and Event times. */
  now?: () => Date;
  /** Kinds with a status subresource; defaults to DEFAULT_STATUS_SUBRESOURCE_KINDS. */
  statusSubresourceKinds?: readonly string[];
  /** Field manager of creates, updates and patches (and of applies without their own); default FIELD_MANAGER. */
  fieldManager?: string;
}

/** What clients of one in-memory API server share. */
interface Server {
  policy: KindPolicy;
  store: MemoryStore;
  events: EventRecorder;
}

/**
 * An in-memory KubeClient that behaves like the API server where Pennant depends on it — for
 * unit tests and the offline demo. Every object going in or out is a deep copy.
 * Writes carry a field manager (server-side apply's ownership and conflicts: memory-apply.ts,
 * memory-ownership.ts, field-schema.ts); `withFieldManager` gives another writer on the same server.
 * Approximations: see those and memory-rules.ts (status, generation); no schema validation or
 * defaulting (so an empty map of a built-in kind is kept, where a real server drops it), no
 * admission, namespaces need not exist, and a missing namespace on a ref means "cluster-scoped"
 * (there is no discovery to know a kind's scope).
 */
export class MemoryKube implements KubeClient {
  private readonly policy: KindPolicy;
  private readonly store: MemoryStore;
  private readonly events: EventRecorder;
  private readonly fieldManager: string;

  constructor(options: MemoryKubeOptions = {}, server?: Server) {
    const now = options.now ?? (() => new Date());
    this.policy = server?.policy ?? kindPolicy(options.statusSubresourceKinds ?? DEFAULT_STATUS_SUBRESOURCE_KINDS);
    this.store = server?.store ?? new MemoryStore(this.policy, now);
    this.events = server?.events ?? new EventRecorder({ create: (e) => this.create(e), patch: (ref, p) => this.patch(ref, p, 'merge') }, now);
    this.fieldManager = options.fieldManager ?? FIELD_MANAGER;
  }

  /** Another client of the same server, writing as `fieldManager` (a human's kubectl, Argo CD, Flux…). */
  withFieldManager(fieldManager: string): MemoryKube {
    return new MemoryKube({ fieldManager }, { policy: this.policy, store: this.store, events: this.events });
  }

  get(ref: ObjectRef): Promise<KubeObject | null> {
    return inContext('get', describeRef(ref), async () => {
      const obj = this.store.get(ref);
      return obj ? deepCopy(obj) : null;
    });
  }

  list(type: ResourceType, options: ListOptions = {}): Promise<KubeObject[]> {
    return inContext('list', describeType(type, options.namespace), async () => {
      const selector = parseLabelSelector(options.labelSelector);
      const fields = parseFieldSelector(options.fieldSelector);
      return this.store.list(type, options.namespace).filter((o) => selector(o.metadata.labels) && fields(o)).map(deepCopy);
    });
  }

  apply(obj: KubeObject, options: ApplyOptions = {}): Promise<KubeObject> {
    return inContext('apply', describeRef(refOf(obj)), async () => {
      checkShape(obj);
      return deepCopy(applyObject(this.store, this.policy, deepCopy(obj), options.fieldManager ?? this.fieldManager, options.force ?? false));
    });
  }

  create(obj: KubeObject): Promise<KubeObject> {
    return inContext('create', describeRef(refOf(obj)), async () => {
      checkShape(obj);
      return deepCopy(this.store.create(obj, this.updater()));
    });
  }

  update(obj: KubeObject): Promise<KubeObject> {
    return inContext('update', describeRef(refOf(obj)), async () => {
      checkShape(obj);
      return deepCopy(this.store.replace(refOf(obj), deepCopy(obj), 'main', this.updater()));
    });
  }

  patch(ref: ObjectRef, patch: unknown, type: PatchType = 'merge'): Promise<KubeObject> {
    return inContext(`patch (${type})`, describeRef(ref), async () => {
      const current = this.store.get(ref);
      if (!current) throw new KubeError('NotFound', 'not found', 404);
      const patched = type === 'merge' ? applyMergePatch(current, patch) : applyJsonPatch(current, patch);
      if (!isObject(patched) || !isObject(patched.metadata)) throw new KubeError('Invalid', 'the patch removes the object', 422);
      // A resourceVersion the patch leaves in place is the current one; one it sets is a precondition.
      return deepCopy(this.store.replace(ref, patched as KubeObject, 'main', this.updater()));
    });
  }

  patchStatus(ref: ObjectRef, status: unknown, resourceVersion: string): Promise<KubeObject> {
    return inContext('patch status of', describeRef(ref), async () => {
      const current = this.store.get(ref);
      if (!current) throw new KubeError('NotFound', 'not found', 404);
      const candidate = applyMergePatch(current, { metadata: { resourceVersion }, status }) as KubeObject;
      return deepCopy(this.store.replace(ref, candidate, 'status', this.updater()));
    });
  }

  delete(ref: ObjectRef): Promise<void> {
    return inContext('delete', describeRef(ref), async () => this.store.delete(ref));
  }

  recordEvent(event: EventInput): Promise<void> {
    return inContext(`record event ${event.reason} for`, describeRef(event.regarding), () => this.events.record(event));
  }

  informer(type: ResourceType, options: InformerOptions = {}): Informer {
    return new MemoryInformer(this.store, type, options);
  }

  private updater(): Writer {
    return { manager: this.fieldManager, operation: 'Update' };
  }
}

function checkShape(obj: KubeObject): void {
  if (!obj.apiVersion || !obj.kind || !isObject(obj.metadata)) {
    throw new KubeError('Invalid', 'apiVersion, kind and metadata are required', 422);
  }
}
