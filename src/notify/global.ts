import { DEFAULT_CHANNEL, DEFAULT_USERNAME, type Destination } from './types.js';

/** The `pennant run` flags of the global notifier (a subset of ControllerConfig). */
export interface GlobalNotifierFlags {
  slackUrl?: string | undefined;
  slackChannel?: string | undefined;
  slackUser?: string | undefined;
  msteamsUrl?: string | undefined;
}

export interface GlobalNotifier {
  type: 'slack' | 'msteams';
  destination: Destination;
}

/**
 * The notifier for Canaries without `analysis.alerts`, as Flagger's `-slack-url`/`-msteams-url`:
 * Teams wins when both are set; none when neither is. It gets every severity.
 */
export function globalNotifierFrom(flags: GlobalNotifierFlags): GlobalNotifier | undefined {
  const common = { channel: flags.slackChannel || DEFAULT_CHANNEL, username: flags.slackUser || DEFAULT_USERNAME };
  if (flags.msteamsUrl) return { type: 'msteams', destination: { label: 'msteams global notifier (--msteams-url)', address: flags.msteamsUrl, ...common } };
  if (flags.slackUrl) return { type: 'slack', destination: { label: 'slack global notifier (--slack-url)', address: flags.slackUrl, ...common } };
  return undefined;
}
