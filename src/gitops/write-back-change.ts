import { parseAllDocuments } from 'yaml';
import type { Canary } from '../api/index.js';
import type { KubeObject } from '../kube/types.js';
import { hashPodTemplate } from '../workloads/revision.js';
import type { Manifest } from './manifests.js';
import type { MessageVariables } from './message.js';
import { promotedTemplate } from './primary-template.js';
import { describeImages, imageEdits, imagesOf, templateEdits } from './template-diff.js';
import { editYamlDocument, type YamlEdit } from './yaml-edit.js';
import { isMap, isSubset, type PlainMap } from './yaml-values.js';
import type { PendingWriteBack } from './write-back.js';

/** Set on the Canary's manifest after a promotion: `<images> at <time of the promotion>`. */
export const PROMOTED_ANNOTATION = 'pennant.dev/promoted';

/** The cluster side of a write-back, from the informer caches. */
export interface WorkloadFacts {
  /** `<target>-primary`: it runs the promoted revision. */
  primary: KubeObject;
  /** The target as the cluster has it (Git's last applied version plus defaults). */
  target: KubeObject;
  isPrimaryCopy: (kind: 'ConfigMap' | 'Secret', name: string) => boolean;
}

export type Change =
  | { kind: 'none'; message: string }
  | { kind: 'edit'; file: string; text: string; summary: string; vars: MessageVariables };

export interface ChangeInput {
  canary: Canary;
  pending: PendingWriteBack;
  manifests: readonly Manifest[];
  facts: WorkloadFacts;
  readText: (file: string) => Promise<string>;
}

/** What to change in Git for this outcome, given the manifests at the branch's tip. Pure but for reading the file. */
export async function planChange(input: ChangeInput): Promise<Change> {
  const { canary, pending, facts } = input;
  const namespace = canary.metadata.namespace ?? 'default';
  const images = imagesOf(templateOf(facts.primary).spec);
  const vars: MessageVariables = { canary: canary.metadata.name ?? '', namespace, outcome: pending.outcome, reason: pending.reason, images: describeImages(images) };
  if (pending.outcome === 'promoted') {
    const manifest = input.manifests.find(({ object: o }) => o.kind === 'Canary' && o.apiVersion.startsWith('pennant.dev/') && o.metadata.name === canary.metadata.name && o.metadata.namespace === namespace);
    // The Canary itself may live outside Git (only its target does): then there is nowhere to record.
    if (!manifest) return { kind: 'none', message: `Git does not declare Canary ${namespace}/${canary.metadata.name}: nowhere to record the promotion` };
    const text = await input.readText(manifest.file);
    const value = `${vars.images} at ${pending.since}`;
    const declared = declaredObject(text, manifest.index);
    if ((declared.metadata as PlainMap | undefined)?.annotations && ((declared.metadata as PlainMap).annotations as PlainMap)[PROMOTED_ANNOTATION] === value) {
      return { kind: 'none', message: `Git already records the promotion of ${vars.images}` };
    }
    const edits: YamlEdit[] = [{ op: 'set', path: ['metadata', 'annotations', PROMOTED_ANNOTATION], value }];
    return { kind: 'edit', file: manifest.file, text: editYamlDocument(text, manifest.index, edits), summary: `recorded the promotion of ${vars.images} on Canary ${namespace}/${canary.metadata.name}`, vars };
  }
  const target = canary.spec.targetRef.name;
  const manifest = find(input.manifests, (o) => o.kind === 'Deployment' && o.apiVersion.startsWith('apps/') && o.metadata.name === target && o.metadata.namespace === namespace, `Deployment ${namespace}/${target}`);
  const stale = staleRollback(canary, facts);
  if (stale) return { kind: 'none', message: stale };
  const text = await input.readText(manifest.file);
  const declared = declaredObject(text, manifest.index);
  const revert = canary.spec.writeBack?.revert ?? 'Images';
  const edits = revert === 'PodTemplate' ? podTemplateEdits(declared, facts) : imagesEdits(declared, facts);
  if (typeof edits === 'string') return { kind: 'none', message: edits };
  if (edits.length === 0) return { kind: 'none', message: `Git already declares what the primary runs (${vars.images})` };
  const what = revert === 'PodTemplate' ? 'the pod template' : `${vars.images}`;
  return { kind: 'edit', file: manifest.file, text: editYamlDocument(text, manifest.index, edits), summary: `reverted Deployment ${namespace}/${target} to ${what}`, vars };
}

/**
 * A rollback is only written while it is the latest news: the Canary is still Failed and the target
 * still runs the revision that failed. Otherwise Git has moved on (a fix was pushed and applied)
 * and reverting would undo it.
 */
function staleRollback(canary: Canary, facts: WorkloadFacts): string | undefined {
  if (canary.status?.phase !== 'Failed') return `the Canary is ${canary.status?.phase ?? 'new'}, not Failed: a newer revision superseded the rollback, nothing to revert`;
  const live = hashPodTemplate(templateOf(facts.target));
  if (canary.status.lastAppliedSpec && live !== canary.status.lastAppliedSpec) return 'the target changed since the rollback (Git has moved on): nothing to revert';
  return undefined;
}

function imagesEdits(declared: PlainMap, facts: WorkloadFacts): YamlEdit[] | string {
  const podSpec = templateOf(declared).spec;
  const edits = imageEdits(['spec', 'template', 'spec'], podSpec, imagesOf(templateOf(facts.primary).spec));
  const running = imagesOf(templateOf(facts.target).spec);
  for (const edit of edits) {
    const [, , , list, index] = edit.path as [string, string, string, 'containers' | 'initContainers', number];
    const container = (podSpec as PlainMap)[list] as PlainMap[];
    const name = container[index]?.name as string;
    if (running[list].get(name) !== container[index]?.image) return `Git declares ${String(container[index]?.image)} for container ${name}, not the rolled-back ${running[list].get(name) ?? '(none)'}: Git has moved on, nothing to revert`;
  }
  return edits;
}

function podTemplateEdits(declared: PlainMap, facts: WorkloadFacts): YamlEdit[] | string {
  const targetSpec = isMap(facts.target.spec) ? facts.target.spec : {};
  const selector = isMap(targetSpec.selector) && isMap(targetSpec.selector.matchLabels) ? (targetSpec.selector.matchLabels as Record<string, string>) : {};
  const wanted = promotedTemplate({ primary: templateOf(facts.primary), targetSelector: selector, isPrimaryCopy: facts.isPrimaryCopy });
  const gitTemplate = templateOf(declared);
  const live = templateOf(facts.target);
  const edits = templateEdits(['spec', 'template'], gitTemplate, live, wanted);
  if (edits.length && !isSubset(gitTemplate, live)) return 'Git declares a pod template other than the rolled-back one: Git has moved on, nothing to revert';
  return edits;
}

function find(manifests: readonly Manifest[], match: (o: KubeObject) => boolean, what: string): Manifest {
  const found = manifests.find((m) => match(m.object));
  if (!found) throw new Error(`Git does not declare ${what} (looked in every manifest the GitSource applies)`);
  return found;
}

/** The document as written in Git (no namespace filled in). */
function declaredObject(text: string, index: number): PlainMap {
  const value: unknown = parseAllDocuments(text)[index]?.toJS();
  return isMap(value) ? value : {};
}

function templateOf(object: unknown): PlainMap & { spec?: unknown } {
  const spec = isMap(object) && isMap(object.spec) ? object.spec : {};
  return isMap(spec.template) ? spec.template : {};
}
