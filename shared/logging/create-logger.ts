/**
 * winston, JSON in production and readable in development. Fixed messages, data in fields;
 * child loggers carry `integrationId`, `jobId`, … Every line passes through redaction first.
 */
import winston from 'winston';
import { redactValue } from './redact.js';

export type Logger = winston.Logger;

export interface LoggerOptions {
  service: string;
  level?: string;
  format?: 'json' | 'pretty';
  /** Extra transports (tests collect lines with one). */
  transports?: winston.transport[];
}

const MESSAGE = Symbol.for('message');
const LEVEL = Symbol.for('level');
const SPLAT = Symbol.for('splat');

/** Rebuilds the info object from its redacted copy, keeping winston's symbol keys. */
const redaction = winston.format((info) => {
  const clean = redactValue({ ...info }) as Record<string, unknown>;
  for (const key of Object.keys(info)) delete (info as Record<string, unknown>)[key];
  Object.assign(info, clean);
  const level = (info as Record<symbol, unknown>)[LEVEL];
  if (level === undefined) (info as Record<symbol, unknown>)[LEVEL] = info.level;
  delete (info as Record<symbol, unknown>)[SPLAT];
  return info;
});

export function createLogger(opts: LoggerOptions): Logger {
  const base = [winston.format.errors({ stack: true }), winston.format.timestamp(), redaction()];
  const fmt =
    opts.format === 'json'
      ? winston.format.combine(...base, winston.format.json())
      : winston.format.combine(
          ...base,
          ...(process.stdout.isTTY ? [winston.format.colorize()] : []),
          winston.format.printf((info) => {
            const { level, message, timestamp, service, stack, ...rest } = info as Record<string, unknown>;
            const fields = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
            return `${String(timestamp)} ${String(level)} [${String(service)}] ${String(message)}${fields}${stack ? `\n${String(stack)}` : ''}`;
          }),
        );
  return winston.createLogger({
    level: opts.level ?? 'info',
    defaultMeta: { service: opts.service },
    format: fmt,
    transports: opts.transports ?? [new winston.transports.Console()],
  });
}

/** A logger that writes nowhere (tests that do not look at logs). */
export function silentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console({ silent: true })] });
}

export { MESSAGE as LOG_MESSAGE_SYMBOL };
