import type { AlertMessage, ProviderFormat } from './types.js';

interface GChatSection {
  widgets: { textParagraph: { text: string } }[];
}

export interface GChatPayload {
  cards: { header: { title: string; subtitle: string; imageUrl: string }; sections: GChatSection[] }[];
}

const paragraph = (text: string): GChatSection => ({ widgets: [{ textParagraph: { text } }] });
const strong = (text: string): string => `<font color=#848484><strong>${text}</strong></font>`;

/**
 * Flagger's Google Chat card: one text widget for the message, one per field. The header says
 * "Pennant" (Flagger's says "Flagger" with Flagger's favicon; we have no image to point at).
 */
export function gchatPayload(message: AlertMessage): GChatPayload {
  return {
    cards: [
      {
        header: { title: 'Pennant', subtitle: `${message.name}.${message.namespace}`, imageUrl: '' },
        sections: [paragraph(strong(message.message)), ...Object.entries(message.fields).map(([name, value]) => paragraph(`${name}<br>${strong(value)}`))],
      },
    ],
  };
}

export const gchat: ProviderFormat = { payload: (message) => gchatPayload(message) };
