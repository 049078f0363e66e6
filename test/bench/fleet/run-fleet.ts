import { measure } from './measure.js';
import type { FleetOptions } from './options.js';
import { formatTable, type BenchResult } from './report.js';
import { stopBenchCluster } from './bench-cluster.js';
import { buildFlagger, buildPennant, flagger, pennant } from './subjects.js';

/**
 * `npm run bench -- --canaries N …`: Pennant (and with --peer, Flagger after it, on a new cluster
 * with the same fleet) on the real control plane, KWOK and real Prometheus. Progress goes to stderr;
 * stdout gets the table, or with --json one line.
 */
export async function runFleetBench(o: FleetOptions): Promise<void> {
  const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  buildPennant();
  if (o.peer) buildFlagger(log);
  try {
    const ours = await measure(pennant, o, log);
    const result: BenchResult = o.peer ? { ...ours, peer: await measure(flagger, o, log) } : ours;
    process.stdout.write(o.json ? `${JSON.stringify(result)}\n` : `${formatTable(result)}\n`);
  } finally {
    stopBenchCluster();
  }
}
