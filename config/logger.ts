import pino, { type Logger } from 'pino';
import type { Config } from './schema.js';

/** One JSON log format for API and worker. Credentials and payment details never reach the log. */
export function createLogger(config: Pick<Config, 'LOG_LEVEL'>, name: string): Logger {
  return pino({
    name,
    level: config.LOG_LEVEL,
    redact: {
      paths: ['req.headers.authorization', 'req.headers["x-api-key"]', '*.apiKey', '*.authToken', '*.password', '*.cardNumber', '*.iban', '*.accountNumber'],
      censor: '[redacted]',
    },
  });
}
