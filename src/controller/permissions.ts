/**
 * Every Kubernetes API permission `pennant run` needs: the single source of truth for the RBAC in
 * deploy/ (test/unit/deploy checks that deploy/clusterrole.yaml grants exactly this) and for anyone
 * reviewing what Pennant may do. Nothing reads it at run time.
 *
 * Least privilege, derived from the code rather than from Flagger's chart:
 * - reads go through informers only (list + watch); the controller never GETs an object;
 * - writes are server-side apply (HTTP PATCH; `create` too, because the API server authorises an
 *   apply that creates the object as `create`), merge patches, and the Canary status subresource;
 * - nothing is ever deleted or replaced (PUT): owner references let the garbage collector remove
 *   the `-primary` objects when their Canary goes;
 * - GitSources apply and prune as their own ServiceAccount (impersonation), never with these rights.
 * When the code starts using a new verb or resource, add it here with the reason, then to
 * deploy/clusterrole.yaml, and run `npm run gen:chart` (the Helm chart's RBAC is generated from this
 * list); the deploy tests fail until all agree.
 */

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'impersonate';

export interface ResourcePermission {
  /** '' is the core group. */
  apiGroup: string;
  /** Plural resource name, or `resource/subresource`. */
  resource: string;
  verbs: readonly Verb[];
  why: string;
}

export interface NonResourcePermission {
  /** Exact paths: RBAC matches them literally unless they end in `*`, which we never use. */
  nonResourceURLs: readonly string[];
  verbs: readonly ['get'];
  why: string;
}

export type Permission = ResourcePermission | NonResourcePermission;

export const isResourcePermission = (p: Permission): p is ResourcePermission => 'resource' in p;

/**
 * What GitSource sync and write-back need as the controller itself (src/gitops/). The manifests are
 * applied and pruned as each GitSource's ServiceAccount, so the controller needs no write access to
 * what Git declares, only the right to act as those ServiceAccounts. Secrets, ConfigMaps,
 * Deployments, Canaries (read through the shared informers) and Events are granted above.
 */
export const GITOPS_PERMISSIONS: readonly ResourcePermission[] = [
  { apiGroup: 'pennant.dev', resource: 'gitsources', verbs: ['list', 'watch'], why: 'list, watch: informer cache of GitSources (what to sync, inventories for write-back, push webhooks)' },
  { apiGroup: 'pennant.dev', resource: 'gitsources/status', verbs: ['patch'], why: 'patch: the one status write per sync (revisions, inventory, Ready, lastWriteBack; resourceVersion precondition)' },
  {
    apiGroup: '',
    resource: 'serviceaccounts',
    verbs: ['impersonate'],
    why: 'impersonate: apply and prune each GitSource\'s manifests as system:serviceaccount:<namespace>:<serviceAccountName> (the API server adds its groups)',
  },
];

/**
 * The API versions RealKube resolves through discovery (src/kube/discovery.ts GETs
 * `/api/<v>` or `/apis/<group>/<v>` once per apiVersion to learn a kind's plural and scope):
 * what the informers watch, what the routers write, and v1 for Events.
 */
export const DISCOVERED_API_VERSIONS = [
  'v1',
  'apps/v1',
  'autoscaling/v2',
  'pennant.dev/v1beta1',
  'gateway.networking.k8s.io/v1',
  'gateway.networking.k8s.io/v1beta1',
  'networking.istio.io/v1beta1',
  'networking.k8s.io/v1',
  'projectcontour.io/v1',
  'traefik.io/v1alpha1',
  'split.smi-spec.io/v1alpha1',
  'split.smi-spec.io/v1alpha2',
  'split.smi-spec.io/v1alpha3',
] as const;

/** The discovery document of one API version, as src/kube/discovery.ts requests it. */
export const discoveryPath = (apiVersion: string): string => (apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`);

const INFORMER = 'list, watch: informer cache (all reads go through it)';
const SSA = 'create, patch: server-side apply (an apply that creates the object is authorised as create)';

export const CONTROLLER_PERMISSIONS: readonly Permission[] = [
  // pennant.dev: the controller's own API.
  {
    apiGroup: 'pennant.dev',
    resource: 'canaries',
    verbs: ['list', 'watch', 'patch'],
    why: `${INFORMER}; patch: merge patch of metadata.finalizers (revertOnDeletion)`,
  },
  {
    apiGroup: 'pennant.dev',
    resource: 'canaries/status',
    verbs: ['patch'],
    why: 'patch: the one status write per reconcile (merge patch with resourceVersion precondition)',
  },
  {
    apiGroup: 'pennant.dev',
    resource: 'canaries/finalizers',
    verbs: ['update'],
    why:
      'update: every object Pennant creates has an ownerReference to its Canary with blockOwnerDeletion: true; ' +
      'with the OwnerReferencesPermissionEnforcement admission plugin (OpenShift, hardened clusters) that needs update on the owner\'s finalizers',
  },
  { apiGroup: 'pennant.dev', resource: 'metrictemplates', verbs: ['list', 'watch'], why: `${INFORMER}: analysis.metrics[].templateRef` },
  { apiGroup: 'pennant.dev', resource: 'alertproviders', verbs: ['list', 'watch'], why: `${INFORMER}: analysis.alerts[].providerRef` },

  // The target and what Pennant makes from it.
  {
    apiGroup: 'apps',
    resource: 'deployments',
    verbs: ['list', 'watch', 'create', 'patch'],
    why: `${INFORMER}: targets and <target>-primary; ${SSA} of <target>-primary; patch also: merge patch of the target's spec.replicas (scale the canary)`,
  },
  {
    apiGroup: 'apps',
    resource: 'daemonsets',
    verbs: ['list', 'watch', 'create', 'patch'],
    why: `${INFORMER}: DaemonSet targets and <target>-primary; ${SSA} of <target>-primary; patch also: merge patch of the target's flagger.app/scale-to-zero nodeSelector (scale the canary)`,
  },
  {
    apiGroup: '',
    resource: 'configmaps',
    verbs: ['get', 'list', 'watch', 'create', 'patch'],
    why: `metadata-only ${INFORMER} (changes); get: the content of the configs the target uses, when they change; ${SSA} of their <name>-primary copies`,
  },
  {
    apiGroup: '',
    resource: 'secrets',
    verbs: ['get', 'list', 'watch', 'create', 'patch'],
    why:
      `metadata-only ${INFORMER} (changes); get: the content of Secrets the target uses (tracked), MetricTemplate provider, AlertProvider and GitSource secretRefs (credentials); ` +
      `${SSA} of tracked Secrets' <name>-primary copies`,
  },
  {
    apiGroup: '',
    resource: 'services',
    verbs: ['list', 'watch', 'create', 'patch'],
    why: `${INFORMER}: the kubernetes router reads the apex selector; ${SSA} of <svc>, <svc>-primary, <svc>-canary`,
  },
  {
    apiGroup: 'autoscaling',
    resource: 'horizontalpodautoscalers',
    verbs: ['list', 'watch', 'create', 'patch'],
    why: `${INFORMER}: spec.autoscalerRef; ${SSA} of <hpa>-primary`,
  },
  {
    apiGroup: 'gateway.networking.k8s.io',
    resource: 'httproutes',
    verbs: ['list', 'watch', 'create', 'patch'],
    why:
      `list at start-up: is the API served (else no informer); ${INFORMER}: current weights; ${SSA} of the route ` +
      '(gatewayapi:v1 and gatewayapi:v1beta1; RBAC does not distinguish versions)',
  },
  {
    apiGroup: 'networking.istio.io',
    resource: 'virtualservices',
    verbs: ['list', 'watch', 'create', 'patch'],
    why:
      `${INFORMER}, started when an istio Canary is reconciled: current weights, mirror and session-affinity cookies; ` +
      `${SSA} of the VirtualService <svc>`,
  },
  {
    apiGroup: 'networking.istio.io',
    resource: 'destinationrules',
    verbs: ['list', 'watch', 'create', 'patch'],
    why: `${INFORMER}, started with the VirtualServices: unchanged DestinationRules are not written; ${SSA} of <svc>-primary and <svc>-canary (istio)`,
  },
  {
    apiGroup: 'networking.k8s.io',
    resource: 'ingresses',
    verbs: ['list', 'watch', 'create', 'patch'],
    why:
      `${INFORMER}, started when an nginx Canary is reconciled: the user's Ingress (spec.ingressRef) to copy, the canary weight; ` +
      `${SSA} of <ingress>-canary (nginx); the user's Ingress is never written`,
  },
  {
    apiGroup: 'projectcontour.io',
    resource: 'httpproxies',
    verbs: ['list', 'watch', 'create', 'patch'],
    why: `${INFORMER}, started when a contour Canary is reconciled: current weights and mirror; ${SSA} of the HTTPProxy <svc> (contour)`,
  },
  {
    apiGroup: 'traefik.io',
    resource: 'traefikservices',
    verbs: ['list', 'watch', 'create', 'patch'],
    why: `${INFORMER}, started when a traefik Canary is reconciled: current weights; ${SSA} of the TraefikService <svc> (traefik)`,
  },
  {
    apiGroup: 'split.smi-spec.io',
    resource: 'trafficsplits',
    verbs: ['list', 'watch', 'create', 'patch'],
    why: `${INFORMER}, started when a linkerd or smi:* Canary is reconciled: current weights; ${SSA} of the TrafficSplit <svc> (linkerd, smi:*)`,
  },

  // Telling people.
  {
    apiGroup: '',
    resource: 'events',
    verbs: ['list', 'watch', 'create', 'patch'],
    why: 'list, watch: the web view at /ui shows each Canary\'s Events (one informer, only Events about Canaries, started when a page first asks: src/ui/source.ts); create: core/v1 Events on Canaries and GitSources; patch: a repeat within 10 minutes bumps the existing Event\'s count (src/kube/event-recorder.ts)',
  },

  // GitSources (src/gitops/).
  ...GITOPS_PERMISSIONS,

  // Discovery: usually already granted to every authenticated user by the built-in
  // system:discovery ClusterRole; listed so the controller still works where that binding was removed.
  {
    nonResourceURLs: DISCOVERED_API_VERSIONS.map(discoveryPath),
    verbs: ['get'],
    why: 'get: API discovery, to learn each kind\'s plural resource name and scope (src/kube/discovery.ts)',
  },
];

/**
 * `pennant run --leader-elect`: a namespaced Role in the Lease's namespace (deploy/role.yaml), so
 * the controller can only touch Leases there. `get` is a plain read, not an informer: one Lease,
 * read every retry period by the candidates.
 */
export const LEADER_ELECTION_PERMISSIONS: readonly ResourcePermission[] = [
  {
    apiGroup: 'coordination.k8s.io',
    resource: 'leases',
    verbs: ['get', 'create', 'update'],
    why: 'get: read the Lease; create: the first candidate makes it; update: renew it, take it over once expired, release it on shutdown (resourceVersion preconditions)',
  },
];
