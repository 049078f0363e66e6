import type { Discovery } from './discovery.js';
import { resourcePath } from './discovery.js';
import { isObject } from './json.js';
import { asKubeObject } from './object-ref.js';
import type { ListWatchEvent, ListWatchSource } from './real-informer.js';
import type { RestClient } from './rest-client.js';
import type { InformerOptions, KubeObject, ResourceType } from './types.js';
import { runWatch } from './watch-stream.js';

const PAGE_SIZE = 500;
/** Metadata only, for kinds whose content is read on demand; plain JSON from servers that cannot. */
const METADATA_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
const METADATA_WATCH = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';
/** Server-side watch length; randomised like client-go's reflector so watches do not end in step. */
const watchSeconds = (): number => 300 + Math.floor(Math.random() * 300);

/** The list and watch requests behind a RealInformer, for one resource type and selector. */
export class RealListWatch implements ListWatchSource {
  constructor(
    private readonly rest: RestClient,
    private readonly discovery: Discovery,
    private readonly type: ResourceType,
    private readonly options: InformerOptions,
  ) {}

  async list(): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    return RealListWatch.listAll(this.rest, this.type, await this.path(), this.options.labelSelector, this.options.metadataOnly ? METADATA_LIST : undefined, this.options.fieldSelector);
  }

  async watch(resourceVersion: string, onEvent: (event: ListWatchEvent) => void, signal: AbortSignal): Promise<void> {
    const req = { path: await this.path(), resourceVersion, labelSelector: this.options.labelSelector, fieldSelector: this.options.fieldSelector, timeoutSeconds: watchSeconds(), ...(this.options.metadataOnly ? { accept: METADATA_WATCH } : {}) };
    await runWatch(
      this.rest,
      req,
      (raw) => {
        if (raw.type !== 'ADDED' && raw.type !== 'MODIFIED' && raw.type !== 'DELETED' && raw.type !== 'BOOKMARK') return;
        onEvent({ type: raw.type, object: asKubeObject(this.type, raw.object) });
      },
      signal,
    );
  }

  /** Every page of a list; items get apiVersion and kind, which list responses leave out. */
  static async listAll(rest: RestClient, type: ResourceType, path: string, labelSelector?: string, accept?: string, fieldSelector?: string): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    const items: KubeObject[] = [];
    let resourceVersion = '';
    let continueToken: string | undefined;
    do {
      const query = { labelSelector, fieldSelector, limit: String(PAGE_SIZE), continue: continueToken };
      const page = await rest.request({ method: 'GET', path, query, ...(accept ? { accept } : {}) });
      const metadata = isObject(page) && isObject(page.metadata) ? page.metadata : {};
      for (const item of isObject(page) && Array.isArray(page.items) ? page.items : []) {
        if (isObject(item)) items.push(asKubeObject(type, item));
      }
      resourceVersion = typeof metadata.resourceVersion === 'string' ? metadata.resourceVersion : resourceVersion;
      continueToken = typeof metadata.continue === 'string' && metadata.continue !== '' ? metadata.continue : undefined;
    } while (continueToken);
    return { items, resourceVersion };
  }

  private async path(): Promise<string> {
    const info = await this.discovery.resolve(this.type);
    return resourcePath(this.type.apiVersion, info, { namespace: this.options.namespace });
  }
}
