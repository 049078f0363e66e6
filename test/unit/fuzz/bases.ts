import { parseAllDocuments } from 'yaml';
import { validateYamlText } from '../../../src/cli/validate-report.js';
import { loadExamples } from '../api/flagger-examples.js';

const PENNANT_KINDS = new Set(['Canary', 'MetricTemplate', 'AlertProvider']);

/** Every valid Pennant document of Flagger's vendored examples, one base to mutate each. */
export function fuzzBases(): { name: string; text: string }[] {
  const examples = [...loadExamples('complete'), ...loadExamples('fragments'), ...loadExamples('e2e')];
  return examples.flatMap((example) => {
    const docs = parseAllDocuments(example.text);
    return (Array.isArray(docs) ? docs : []).flatMap((doc, i) => {
      const text = doc.toString();
      const [report] = validateYamlText(example.file, text).documents;
      return report?.status === 'valid' && PENNANT_KINDS.has(report.kind ?? '') ? [{ name: `${example.file}[${i}]`, text }] : [];
    });
  });
}

/** An error "names the field" when it is on the mutated path, above it or below it. */
export function namesField(field: string, mutated: string): boolean {
  const under = (a: string, b: string): boolean => a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[`);
  return under(field, mutated) || under(mutated, field);
}
