import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { editYamlDocument, renderScalar, type YamlEdit } from '../../../src/gitops/yaml-edit.js';
import { CANARY_YAML, PODINFO_YAML } from './fixtures.js';

const containers = ['spec', 'template', 'spec', 'containers'];

/** Lines of `after` that differ from `before`, as [line number, text] (same line count assumed). */
function changedLines(before: string, after: string): [number, string][] {
  const a = before.split('\n');
  return after.split('\n').flatMap((line, i) => (line === a[i] ? [] : [[i + 1, line] as [number, string]]));
}

describe('editYamlDocument', () => {
  it.each<[string, YamlEdit[], [number, string][]]>([
    ['a single-quoted image keeps its quotes and its comment', [{ op: 'set', path: [...containers, 0, 'image'], value: 'ghcr.io/stefanprodan/podinfo:6.0.0' }],
      [[25, "        image: 'ghcr.io/stefanprodan/podinfo:6.0.0'   # bump me"]]],
    ['a plain image of the second container', [{ op: 'set', path: [...containers, 1, 'image'], value: 'envoy:1.29' }],
      [[29, '        image: envoy:1.29  # sidecar']]],
    ['a double-quoted init container image', [{ op: 'set', path: ['spec', 'template', 'spec', 'initContainers', 0, 'image'], value: 'migrate:1.0' }],
      [[22, '        image: "migrate:1.0"']]],
    ['a double-quoted annotation stays quoted', [{ op: 'set', path: ['spec', 'template', 'metadata', 'annotations', 'sim.pennant.dev/error-rate'], value: '0' }],
      [[17, '        sim.pennant.dev/error-rate: "0"   # the faulty release']]],
    ['several edits at once', [
      { op: 'set', path: [...containers, 0, 'image'], value: 'p:1' },
      { op: 'set', path: ['spec', 'template', 'metadata', 'annotations', 'sim.pennant.dev/latency-ms'], value: '50' },
    ], [[18, "        sim.pennant.dev/latency-ms: '50'"], [25, "        image: 'p:1'   # bump me"]]],
  ])('%s: only that line changes', (_name, edits, expected) => {
    const after = editYamlDocument(PODINFO_YAML, 0, edits);
    expect(after.split('\n')).toHaveLength(PODINFO_YAML.split('\n').length);
    expect(changedLines(PODINFO_YAML, after)).toEqual(expected);
  });

  it('a plain value that would read as another type gets quoted', () => {
    expect(renderScalar('0', 'PLAIN')).toBe('"0"');
    expect(renderScalar('podinfo:6.0.0', 'PLAIN')).toBe('podinfo:6.0.0');
    expect(renderScalar("it's", 'QUOTE_SINGLE')).toBe("'it''s'");
    expect(renderScalar('a "b"', 'QUOTE_DOUBLE')).toBe('"a \\"b\\""');
    expect(renderScalar('x', 'BLOCK_LITERAL')).toBeUndefined();
  });

  it('adds an annotation to a flow-style metadata map in its style, on its line', () => {
    const after = editYamlDocument(CANARY_YAML, 0, [{ op: 'set', path: ['metadata', 'annotations', 'pennant.dev/promoted'], value: 'podinfo:6.0.1 at 2026-11-25T10:00:00.000Z' }]);
    expect(changedLines(CANARY_YAML, after)).toEqual([[3, 'metadata: { name: podinfo, annotations: { pennant.dev/promoted: podinfo:6.0.1 at 2026-11-25T10:00:00.000Z } }   # flow style on purpose']]);
  });

  it('adds a key to a block map at its indentation, after its last key', () => {
    const after = editYamlDocument(PODINFO_YAML, 0, [{ op: 'set', path: ['metadata', 'annotations', 'note'], value: 'x' }]);
    expect(after.split('\n').slice(3, 8)).toEqual(['metadata:', '  name: podinfo', '  labels: { app: podinfo }', '  annotations:', '    note: x']);
    expect(after.replace('  annotations:\n    note: x\n', '')).toBe(PODINFO_YAML);
  });

  it('deletes an entry, replaces a list, appends an item, without touching other lines', () => {
    const after = editYamlDocument(PODINFO_YAML, 0, [
      { op: 'delete', path: ['spec', 'template', 'metadata', 'annotations', 'sim.pennant.dev/latency-ms'] },
      { op: 'set', path: [...containers, 0, 'ports'], value: [{ name: 'http', containerPort: 8080 }] },
      { op: 'append', path: containers, value: { name: 'log', image: 'fluent:2' } },
    ]);
    expect(after).toBe(PODINFO_YAML
      .replace("        sim.pennant.dev/latency-ms: '40'\n", '')
      .replace('        - { name: http, containerPort: 9898 }\n', '        - name: http\n          containerPort: 8080\n')
      .replace('        image: envoy:1.30  # sidecar\n', '        image: envoy:1.30  # sidecar\n      - name: log\n        image: fluent:2\n'));
  });

  it('leaves the other documents byte for byte', () => {
    const after = editYamlDocument(PODINFO_YAML, 1, [{ op: 'set', path: ['spec', 'ports', 0, 'port'], value: 80 }]);
    const [first] = PODINFO_YAML.split('---\n');
    expect(after.startsWith(`${first}---\n# the Service in front of it\n`)).toBe(true);
    expect(parseAllDocuments(after)[1]?.toJS()).toMatchObject({ spec: { ports: [{ port: 80 }] } });
  });

  it('falls back to re-rendering the one document when an edit cannot be made in place, keeping comments and quotes', () => {
    const text = 'a: |\n  line\nb: "q" # c\n---\nother: 1 #  spaced\n';
    const after = editYamlDocument(text, 0, [{ op: 'set', path: ['a'], value: 'new' }]);
    expect(after).toBe('a: new\nb: "q" # c\n---\nother: 1 #  spaced\n');
  });

  it('no edits, no change', () => {
    expect(editYamlDocument(PODINFO_YAML, 0, [])).toBe(PODINFO_YAML);
  });
});
