import type { AlertMessage, ProviderFormat } from './types.js';

/** A legacy Office 365 connector MessageCard, as Flagger sends it. */
export interface MSTeamsPayload {
  '@type': 'MessageCard';
  '@context': string;
  themeColor: string;
  summary: string;
  sections: { activityTitle: string; activitySubtitle: string; facts: { name: string; value: string }[] }[];
}

export function msteamsPayload(message: AlertMessage): MSTeamsPayload {
  const subject = `${message.name}.${message.namespace}`;
  return {
    '@type': 'MessageCard',
    '@context': 'http://schema.org/extensions',
    themeColor: message.severity === 'error' ? 'FF0000' : '0076D7',
    summary: subject,
    sections: [
      {
        activityTitle: message.message,
        activitySubtitle: subject,
        facts: Object.entries(message.fields).map(([name, value]) => ({ name, value })),
      },
    ],
  };
}

export const msteams: ProviderFormat = { payload: (message) => msteamsPayload(message) };
