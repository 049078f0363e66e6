import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Fields that may hold secrets are censored wherever they appear, as a second
 * line of defence behind the modules that never put secrets into messages.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { component: 'pennant' },
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ['token', 'password', 'address', 'url', 'secret', 'slackUrl', 'msteamsUrl', '*.token', '*.password', '*.address', '*.url', '*.slackUrl', '*.msteamsUrl', 'headers.authorization'],
        censor: '[redacted]',
      },
    },
    destination as pino.DestinationStream | undefined,
  );
}
