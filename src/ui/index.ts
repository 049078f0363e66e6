import type { KubeClient } from '../kube/types.js';
import type { RequestWriter } from './actions.js';
import { UiHub } from './hub.js';
import { UI_PATH, uiRoutes } from './routes.js';
import { type CanaryFeed, canaryEventsInformer } from './source.js';

export { requestWriter, UI_VERBS, type RequestWriter } from './actions.js';
export { UiHub } from './hub.js';
export { UI_PATH, uiRoutes } from './routes.js';
export { CANARY, type CanaryFeed, canaryEventsInformer } from './source.js';

export interface WebViewDeps {
  canaries: CanaryFeed;
  /** For the Events informer (a watch of the Canaries' Events only). */
  kube: KubeClient;
  namespace?: string;
  write?: RequestWriter;
  ready?: () => boolean;
}

export interface WebView {
  hub: UiHub;
  routes: ReturnType<typeof uiRoutes>;
  path: typeof UI_PATH;
}

/** The hub over the feed, and the routes that serve it; `hub.start()` once the feed has listed. */
export function webView(deps: WebViewDeps): WebView {
  const hub = new UiHub({ canaries: deps.canaries, events: canaryEventsInformer(deps.kube, deps.namespace) });
  return { hub, routes: uiRoutes({ hub, ...(deps.write ? { write: deps.write } : {}), ...(deps.ready ? { ready: deps.ready } : {}) }), path: UI_PATH };
}
