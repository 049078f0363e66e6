import { type Provider, providerSupport, unsupportedProvider } from '../api/index.js';
import type { RouterCapabilities } from '../engine/types.js';
import { RouterError } from './types.js';

/** A router's capabilities are the capability table's row: one truth for validate, engine and router. */
export function capabilitiesOf(provider: Provider): RouterCapabilities {
  const support = providerSupport(provider);
  if (support === undefined) throw new RouterError(unsupportedProvider(provider));
  return { provider, ...support.routing };
}
