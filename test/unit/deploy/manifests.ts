import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const deployDir = path.join(repoRoot, 'deploy');
export const dashboardsDir = path.join(repoRoot, 'dashboards');

export interface Manifest {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

export const yamlFiles = (): string[] => readdirSync(deployDir).filter((f) => /\.ya?ml$/.test(f)).sort();

/** Every document of one file in deploy/; a YAML error throws with the file name. */
export function loadFile(file: string): Manifest[] {
  const docs = parseAllDocuments(readFileSync(path.join(deployDir, file), 'utf8'));
  const manifests: Manifest[] = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    manifests.push({ ...(value as Omit<Manifest, 'file'>), file } as Manifest);
  }
  return manifests;
}

/** The Kubernetes objects of deploy/ (the kustomization itself excluded). */
export function loadObjects(): Manifest[] {
  return yamlFiles().filter((f) => f !== 'kustomization.yaml').flatMap(loadFile);
}

export function only(kind: string, objects = loadObjects()): Manifest {
  const found = objects.filter((o) => o.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind} in deploy/, found ${found.length}`);
  return found[0] as Manifest;
}
