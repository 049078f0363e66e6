import { stringify } from 'yaml';
import type { z } from 'zod';
import { alertProvider } from './alert-provider.js';
import { API_GROUP, API_VERSION, canary } from './canary.js';
import { gitSource } from './git-source.js';
import { inputJsonSchema, type JsonSchema } from './json-schema.js';
import { metricTemplate } from './metric-template.js';
import { toStructural } from './structural.js';

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  priority?: number;
  description?: string;
}

export interface CelRule {
  rule: string;
  message: string;
}

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string };
  spec: {
    group: string;
    names: { kind: string; listKind: string; plural: string; singular: string; categories: string[] };
    scope: 'Namespaced';
    versions: Array<{
      name: string;
      served: boolean;
      storage: boolean;
      subresources: { status: Record<string, never> };
      additionalPrinterColumns: PrinterColumn[];
      schema: { openAPIV3Schema: JsonSchema };
    }>;
  };
}

interface KindDefinition {
  kind: string;
  plural: string;
  description: string;
  schema: z.ZodType;
  columns: PrinterColumn[];
  /** Constraints zod cannot say in JSON Schema (Flagger's required fields, oneOf rules as CEL). */
  refine?: (root: JsonSchema) => void;
}

const AGE: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };
/** Shown by `kubectl get -o wide` only. */
const wide = (name: string, type: PrinterColumn['type'], jsonPath: string): PrinterColumn => ({
  name,
  type,
  jsonPath,
  priority: 1,
});

/** Flagger's columns (string-typed, as Flagger has them, so numbers and lists print as written) plus Age. */
const CANARY_COLUMNS: PrinterColumn[] = [
  { name: 'Status', type: 'string', jsonPath: '.status.phase' },
  { name: 'Weight', type: 'string', jsonPath: '.status.canaryWeight' },
  { name: 'FailedChecks', type: 'string', jsonPath: '.status.failedChecks' },
  wide('Suspended', 'boolean', '.spec.suspend'),
  wide('Interval', 'string', '.spec.analysis.interval'),
  wide('Mirror', 'boolean', '.spec.analysis.mirror'),
  wide('StepWeight', 'string', '.spec.analysis.stepWeight'),
  wide('StepWeights', 'string', '.spec.analysis.stepWeights'),
  wide('MaxWeight', 'string', '.spec.analysis.maxWeight'),
  { name: 'LastTransitionTime', type: 'string', jsonPath: '.status.lastTransitionTime' },
  AGE,
];

/** `has()` only: constant cost, whatever the size of the object. */
export const ONE_STRATEGY_RULE: CelRule = {
  rule: '[has(self.stepWeight), has(self.stepWeights), has(self.iterations)].exists_one(set, set)',
  message: 'set exactly one of stepWeight (canary), stepWeights (canary) or iterations (A/B testing, blue/green)',
};

export const ALERT_ADDRESS_RULE: CelRule = {
  rule: 'has(self.address) || has(self.secretRef)',
  message: 'set address or secretRef (a Secret with the address); when both are set, secretRef wins',
};

export const GIT_REF_RULE: CelRule = {
  rule: '(has(self.branch) ? 1 : 0) + (has(self.tag) ? 1 : 0) + (has(self.commit) ? 1 : 0) <= 1',
  message: 'set one of branch, tag or commit',
};

const DEFINITIONS: KindDefinition[] = [
  {
    kind: 'Canary',
    plural: 'canaries',
    description:
      'Canary rolls out a new version of a workload in steps, checking metrics and webhooks, and promotes or ' +
      'rolls it back. Field-compatible with Flagger (flagger.app/v1beta1).',
    schema: canary,
    columns: CANARY_COLUMNS,
    refine: (root) => {
      const analysis = nodeAt(root, 'spec', 'analysis');
      analysis.required = [...new Set([...(analysis.required ?? []), 'interval', 'threshold'])];
      analysis['x-kubernetes-validations'] = [ONE_STRATEGY_RULE];
    },
  },
  {
    kind: 'MetricTemplate',
    plural: 'metrictemplates',
    description: 'MetricTemplate is a query against a metrics provider, referenced by Canary analysis metrics.',
    schema: metricTemplate,
    columns: [{ name: 'Provider', type: 'string', jsonPath: '.spec.provider.type' }, AGE],
  },
  {
    kind: 'AlertProvider',
    plural: 'alertproviders',
    description:
      'AlertProvider is where Canary alerts are sent (Slack, Microsoft Teams, Discord, Rocket, Google Chat, ' +
      'or a generic webhook).',
    schema: alertProvider,
    columns: [{ name: 'Type', type: 'string', jsonPath: '.spec.type' }, AGE],
    refine: (root) => {
      nodeAt(root, 'spec')['x-kubernetes-validations'] = [ALERT_ADDRESS_RULE];
    },
  },
  {
    kind: 'GitSource',
    plural: 'gitsources',
    description:
      'GitSource keeps a namespace in step with manifests in a Git repository, applying them as a ServiceAccount, ' +
      'and takes back the outcome of Canary rollouts as commits.',
    schema: gitSource,
    columns: [
      { name: 'URL', type: 'string', jsonPath: '.spec.url' },
      { name: 'Revision', type: 'string', jsonPath: '.status.lastAppliedRevision' },
      { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
      AGE,
    ],
    refine: (root) => {
      nodeAt(root, 'spec', 'ref')['x-kubernetes-validations'] = [GIT_REF_RULE];
    },
  },
];

function nodeAt(root: JsonSchema, ...path: string[]): JsonSchema {
  let node = root;
  for (const name of path) {
    const next = node.properties?.[name];
    if (next === undefined) throw new Error(`CRD schema has no ${path.join('.')}`);
    node = next;
  }
  return node;
}

/** The object's schema; apiVersion, kind and metadata are the API server's business, as usual in CRDs. */
function openApiSchema(definition: KindDefinition): JsonSchema {
  const generated = toStructural(inputJsonSchema(definition.schema));
  const { spec, status } = generated.properties ?? {};
  if (spec === undefined) throw new Error(`${definition.kind}: schema has no spec`);
  const root: JsonSchema = {
    description: definition.description,
    type: 'object',
    properties: {
      apiVersion: { description: 'Versioned schema of this object: pennant.dev/v1beta1.', type: 'string' },
      kind: { description: `${definition.kind}.`, type: 'string' },
      metadata: { type: 'object' },
      spec,
      ...(status === undefined ? {} : { status }),
    },
    required: ['spec'],
  };
  definition.refine?.(root);
  return root;
}

function buildCrd(definition: KindDefinition): CustomResourceDefinition {
  const singular = definition.kind.toLowerCase();
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${definition.plural}.${API_GROUP}` },
    spec: {
      group: API_GROUP,
      names: {
        kind: definition.kind,
        listKind: `${definition.kind}List`,
        plural: definition.plural,
        singular,
        categories: ['all', 'pennant'],
      },
      scope: 'Namespaced',
      versions: [{
        name: API_VERSION,
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: definition.columns,
        schema: { openAPIV3Schema: openApiSchema(definition) },
      }],
    },
  };
}

export function buildCrds(): CustomResourceDefinition[] {
  return DEFINITIONS.map(buildCrd);
}

export const GENERATED_HEADER = '# generated by `npm run gen:crds`; do not edit\n';

export interface GeneratedFile {
  /** Relative to the output directory. */
  path: string;
  content: string;
}

const toYaml = (value: unknown): string =>
  GENERATED_HEADER + stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });

/** Every file of crds/: one CRD per file and a kustomization listing them. Pure, so a test can diff it. */
export function crdFiles(): GeneratedFile[] {
  const files = buildCrds().map((crd) => ({ path: `${crd.metadata.name}.yaml`, content: toYaml(crd) }));
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: files.map((file) => file.path),
  };
  return [...files, { path: 'kustomization.yaml', content: toYaml(kustomization) }];
}
