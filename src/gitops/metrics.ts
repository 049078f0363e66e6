import { Counter, Histogram, type Registry } from 'prom-client';

/** GitOps metrics, on the controller's registry. */
export class GitOpsMetrics {
  readonly syncs: Counter<'result'>;
  readonly syncDuration: Histogram<'result'>;
  readonly writeBacks: Counter<'outcome' | 'result'>;
  readonly pushes: Counter<'result'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.syncs = new Counter({ name: 'pennant_gitsource_sync_total', help: 'GitSource syncs by result (Succeeded or the failure reason)', labelNames: ['result'], registers });
    this.syncDuration = new Histogram({ name: 'pennant_gitsource_sync_duration_seconds', help: 'Time of one GitSource sync (fetch, read, apply, prune)', labelNames: ['result'], buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120], registers });
    this.writeBacks = new Counter({ name: 'pennant_gitsource_write_backs_total', help: 'Rollout outcomes written back to Git: committed, unchanged (Git already agreed) or failed', labelNames: ['outcome', 'result'], registers });
    this.pushes = new Counter({ name: 'pennant_gitsource_push_notifications_total', help: 'Push notifications received, by HTTP status answered', labelNames: ['result'], registers });
  }
}
