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
    // Fastify takes its request serializer from the logger: ours keeps query parameter names
    // but never their values (a token passed as ?access_token= must not land in the log).
    serializers: { req: serializeRequest },
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

interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

export function serializeRequest(req: LoggedRequest) {
  return {
    method: req.method,
    url: redactQuery(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/** `/a?token=x&limit=5` -> `/a?token=***&limit=***`. */
export function redactQuery(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const names = url
    .slice(q + 1)
    .split('&')
    .filter(Boolean)
    .map((pair) => `${pair.split('=')[0]!.slice(0, 64)}=***`);
  return `${url.slice(0, q)}?${names.join('&')}`;
}
