/**
 * Horizontal scale: several controllers, each with its own share of the Canaries (and GitSources),
 * chosen by a label. `--shard blue` handles what is labelled `pennant.dev/shard: blue`; a controller
 * without `--shard` is the default shard and handles what has no such label, as Argo Rollouts'
 * controllers do with their instance id. Each shard elects its own leader (its own Lease).
 */
export const SHARD_LABEL = 'pennant.dev/shard';

/** The label selector of the objects one shard handles. */
export const shardSelector = (shard: string | undefined): string => (shard ? `${SHARD_LABEL}=${shard}` : `!${SHARD_LABEL}`);

export const leaseName = (base: string, shard: string | undefined): string => (shard ? `${base}-${shard}` : base);
