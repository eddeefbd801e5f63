import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

export interface LoggerSettings {
  level: string;
  format: 'auto' | 'json' | 'pretty';
}

/**
 * Structured JSON logs (one object a line) for machines; pretty, coloured lines when a person
 * watches a terminal. Secrets that may ride on requests are redacted.
 */
export function createLogger(settings: LoggerSettings, destination?: NodeJS.WritableStream): Logger {
  const pretty =
    settings.format === 'pretty' || (settings.format === 'auto' && process.stdout.isTTY === true);
  const options: LoggerOptions = {
    level: settings.level,
    base: { service: 'uservm' },
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', '*.secretKey', '*.token'],
      censor: '***',
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (destination) return pino(options, destination as pino.DestinationStream);
  if (pretty) {
    return pino({
      ...options,
      transport: {
        target: 'pino-pretty',
        options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' },
      },
    });
  }
  return pino(options);
}
