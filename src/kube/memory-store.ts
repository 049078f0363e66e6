import { randomUUID } from 'node:crypto';
import { KubeError } from './errors.js';
import { deepCopy, deepEqual, kubeTime } from './json.js';
import { afterUpdate, copyManagers, type Managers, type Writer } from './memory-ownership.js';
import { checkPrecondition, mergeWrite, bumpsGeneration, type KindPolicy } from './memory-rules.js';
import type { KubeObject, ObjectRef, ResourceType, WatchEventType } from './types.js';

export type StoreListener = (type: WatchEventType, obj: KubeObject, old: KubeObject | undefined) => void;

interface Stored {
  obj: KubeObject;
  /** Who owns which fields (server-side apply), as managedFields would say. */
  managers: Managers;
}

export const storeKey = (type: ResourceType, namespace: string | undefined, name: string): string =>
  JSON.stringify([type.apiVersion, type.kind, namespace ?? '', name]);

const notFound = (): KubeError => new KubeError('NotFound', 'not found', 404);

/**
 * The state of the in-memory API server: objects, one global resourceVersion counter and the
 * write rules (preconditions, generation, status subresource, finalizers, garbage collection).
 * Stored objects are never mutated in place: every write stores a new object, so references
 * handed to listeners stay valid snapshots.
 */
export class MemoryStore {
  private readonly objects = new Map<string, Stored>();
  private readonly listeners = new Set<StoreListener>();
  private revision = 0;

  constructor(
    private readonly policy: KindPolicy,
    private readonly now: () => Date,
  ) {}

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(ref: ObjectRef): KubeObject | undefined {
    return this.objects.get(storeKey(ref, ref.namespace, ref.name))?.obj;
  }

  /** Objects of one type, sorted by namespace then name like an etcd range read. */
  list(type: ResourceType, namespace?: string): KubeObject[] {
    const found: KubeObject[] = [];
    for (const { obj } of this.objects.values()) {
      if (obj.apiVersion !== type.apiVersion || obj.kind !== type.kind) continue;
      if (namespace && obj.metadata.namespace !== namespace) continue;
      found.push(obj);
    }
    return found.sort((a, b) => keyOrder(a).localeCompare(keyOrder(b)));
  }

  /** A copy of the field managers of an object (none for a missing one). */
  managers(ref: ObjectRef): Managers {
    return copyManagers(this.objects.get(storeKey(ref, ref.namespace, ref.name))?.managers ?? new Map());
  }

  /** Replaces the field managers of an object (after a successful apply). */
  setManagers(ref: ObjectRef, managers: Managers): void {
    const stored = this.objects.get(storeKey(ref, ref.namespace, ref.name));
    if (stored) stored.managers = managers;
  }

  create(input: KubeObject, writer: Writer): KubeObject {
    const obj = deepCopy(input);
    const name = obj.metadata.name || generatedName(obj.metadata.generateName);
    const key = storeKey(obj, obj.metadata.namespace, name);
    if (this.objects.has(key)) throw new KubeError('AlreadyExists', `"${name}" already exists`, 409);
    const { resourceVersion: _rv, deletionTimestamp: _dt, generation: _g, ...metadata } = obj.metadata;
    obj.metadata = { ...metadata, name, uid: randomUUID(), creationTimestamp: kubeTime(this.now()), resourceVersion: this.nextRevision() };
    if (this.policy.tracksGeneration(obj.kind)) obj.metadata.generation = 1;
    // A real server resets the status of kinds with a status subresource on create.
    if (this.policy.hasStatusSubresource(obj.kind)) delete obj.status;
    const managers = writer.operation === 'Update' ? afterUpdate(new Map(), undefined, obj, writer.manager, this.policy) : new Map();
    this.objects.set(key, { obj, managers });
    this.emit('ADDED', obj, undefined);
    return obj;
  }

  /**
   * A write (update, patch, apply, or of the status); `candidate.metadata.resourceVersion` is the
   * precondition. An Update writer of the main resource takes the fields it changes.
   */
  replace(ref: ObjectRef, candidate: KubeObject, mode: 'main' | 'status', writer: Writer): KubeObject {
    const stored = this.objects.get(storeKey(ref, ref.namespace, ref.name));
    if (!stored) throw notFound();
    const current = stored.obj;
    checkPrecondition(current, candidate.metadata.resourceVersion);
    const next = deepCopy(mergeWrite(current, candidate, mode, this.policy));
    if (deepEqual(next, current)) return current; // a no-op write keeps the resourceVersion
    if (current.metadata.generation !== undefined && bumpsGeneration(current, next)) {
      next.metadata.generation = current.metadata.generation + 1;
    }
    next.metadata.resourceVersion = this.nextRevision();
    if (mode === 'main' && writer.operation === 'Update') stored.managers = afterUpdate(stored.managers, current, next, writer.manager, this.policy);
    if (next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0) {
      this.remove(storeKey(ref, ref.namespace, ref.name), next);
    } else {
      stored.obj = next;
      this.emit('MODIFIED', next, current);
    }
    return next;
  }

  delete(ref: ObjectRef): void {
    const key = storeKey(ref, ref.namespace, ref.name);
    const stored = this.objects.get(key);
    if (!stored) throw notFound();
    const current = stored.obj;
    if ((current.metadata.finalizers ?? []).length === 0) {
      this.remove(key, { ...current, metadata: { ...current.metadata, resourceVersion: this.nextRevision() } });
      return;
    }
    if (current.metadata.deletionTimestamp) return; // already being deleted
    const metadata = { ...current.metadata, deletionTimestamp: kubeTime(this.now()), deletionGracePeriodSeconds: 0 };
    stored.obj = { ...current, metadata: { ...metadata, resourceVersion: this.nextRevision() } };
    this.emit('MODIFIED', stored.obj, current);
  }

  private remove(key: string, last: KubeObject): void {
    this.objects.delete(key);
    this.emit('DELETED', last, undefined);
    this.collectGarbage();
  }

  /** Background cascading deletion: delete objects all of whose owners are gone. */
  private collectGarbage(): void {
    const uids = new Set([...this.objects.values()].map(({ obj }) => obj.metadata.uid));
    for (const { obj } of [...this.objects.values()]) {
      const owners = ownerUids(obj);
      if (owners.length === 0 || owners.some((uid) => uids.has(uid))) continue;
      if (obj.metadata.deletionTimestamp) continue;
      const ref = { apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name ?? '' };
      if (this.get(ref)) this.delete(ref);
    }
  }

  private nextRevision(): string {
    this.revision += 1;
    return String(this.revision);
  }

  private emit(type: WatchEventType, obj: KubeObject, old: KubeObject | undefined): void {
    for (const listener of this.listeners) listener(type, obj, old);
  }
}

function ownerUids(obj: KubeObject): string[] {
  const refs = obj.metadata.ownerReferences;
  if (!Array.isArray(refs)) return [];
  return refs.flatMap((r: unknown) => (typeof r === 'object' && r !== null && 'uid' in r && typeof r.uid === 'string' ? [r.uid] : []));
}

function generatedName(prefix: unknown): string {
  if (typeof prefix !== 'string' || prefix === '') {
    throw new KubeError('Invalid', 'metadata.name or metadata.generateName is required', 422);
  }
  return prefix + randomUUID().replace(/-/g, '').slice(0, 5);
}

const keyOrder = (obj: KubeObject): string => `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
