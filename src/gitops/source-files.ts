import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, posix, relative, sep } from 'node:path';
import { parse } from 'yaml';
import { KUSTOMIZATION_FILES, parseKustomization } from './kustomization.js';

/** One YAML file to read, and the namespace a kustomization above it imposes. */
export interface SourceFile {
  /** Path relative to the repository root, with forward slashes. */
  path: string;
  text: string;
  namespaceOverride?: string;
}

export interface SourceProblem {
  file: string;
  line: number;
  message: string;
}

const YAML = /\.ya?ml$/i;

/**
 * The YAML files under `paths` (relative to the repository root `root`): a file is read as is; a
 * directory with a kustomization lists its resources; any other directory is read recursively
 * (hidden directories skipped, a subdirectory with a kustomization taken as that kustomization).
 * Nothing outside the repository is read, symbolic links included.
 */
export async function collectSourceFiles(root: string, paths: readonly string[]): Promise<{ files: SourceFile[]; problems: SourceProblem[] }> {
  const reader = new Reader(await realpath(root));
  for (const path of paths.length ? paths : ['.']) await reader.visit(path, undefined, `spec.paths entry ${path}`);
  return { files: [...reader.files.values()], problems: reader.problems };
}

class Reader {
  readonly files = new Map<string, SourceFile>();
  readonly problems: SourceProblem[] = [];

  constructor(private readonly root: string) {}

  async visit(path: string, namespace: string | undefined, from: string): Promise<void> {
    const rel = posix.normalize(path.replace(/\\/g, '/')).replace(/^\/+/, '');
    const absolute = await this.inside(rel);
    if (!absolute) return this.problem(from, `${path} is not inside the repository`);
    const info = await stat(absolute).catch(() => undefined);
    if (!info) return this.problem(from, `${rel} does not exist in the repository`);
    if (info.isDirectory()) return this.directory(absolute, namespace);
    return this.file(absolute, namespace);
  }

  private async directory(dir: string, namespace: string | undefined): Promise<void> {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const kustomization = entries.find((e) => e.isFile() && KUSTOMIZATION_FILES.includes(e.name));
    if (kustomization) return this.kustomization(join(dir, kustomization.name), namespace);
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = this.relative(join(dir, entry.name));
      if (entry.isDirectory()) await this.visit(path, namespace, path);
      else if (entry.isFile() && YAML.test(entry.name)) await this.file(join(dir, entry.name), namespace);
    }
  }

  private async kustomization(file: string, outer: string | undefined): Promise<void> {
    const path = this.relative(file);
    let value: unknown;
    try {
      value = parse(await readFile(file, 'utf8'));
    } catch (err) {
      return this.problem(path, `cannot parse: ${err instanceof Error ? err.message : String(err)}`);
    }
    const parsed = parseKustomization(value);
    if (!parsed.ok) return this.problem(path, parsed.message);
    // An outer kustomization's namespace wins, as kustomize applies the outermost transformer last.
    const namespace = outer ?? parsed.kustomization.namespace;
    const base = posix.dirname(path);
    for (const resource of parsed.kustomization.resources) await this.visit(posix.join(base, resource), namespace, path);
  }

  private async file(file: string, namespace: string | undefined): Promise<void> {
    const path = this.relative(file);
    if (this.files.has(path)) return;
    this.files.set(path, { path, text: await readFile(file, 'utf8'), ...(namespace ? { namespaceOverride: namespace } : {}) });
  }

  /** The real path of `rel` if it (and whatever its links point at) is inside the repository. */
  private async inside(rel: string): Promise<string | undefined> {
    if (rel === '..' || rel.startsWith('../')) return undefined;
    const real = await realpath(join(this.root, rel)).catch(() => join(this.root, rel));
    return real === this.root || real.startsWith(this.root + sep) ? real : undefined;
  }

  private relative(absolute: string): string {
    return relative(this.root, absolute).split(sep).join('/') || '.';
  }

  private problem(file: string, message: string): void {
    this.problems.push({ file, line: 1, message });
  }
}
