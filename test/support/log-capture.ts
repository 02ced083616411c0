/**
 * A real logger (redaction and formatting included) whose lines a test can read: every level,
 * as the JSON objects a production deployment would write.
 */
import Transport from 'winston-transport';
import { createLogger, type Logger } from '@ones-m365/shared/logging';

export interface LogLine {
  level: string;
  message: string;
  stack?: string;
  [field: string]: unknown;
}

class Collect extends Transport {
  readonly lines: LogLine[] = [];
  override log(info: Record<string | symbol, unknown>, next: () => void) {
    this.lines.push(JSON.parse(String(info[Symbol.for('message')])) as LogLine);
    next();
  }
}

export interface CapturedLogs {
  logger: Logger;
  lines(): LogLine[];
  /** Lines at warn or error: what an operator is asked to look at. */
  alarming(): LogLine[];
  clear(): void;
}

export function captureLogs(service = 'api'): CapturedLogs {
  const sink = new Collect();
  const logger = createLogger({ service, level: 'debug', format: 'json', transports: [sink] });
  return {
    logger,
    lines: () => [...sink.lines],
    alarming: () => sink.lines.filter((l) => l.level === 'error' || l.level === 'warn'),
    clear: () => void sink.lines.splice(0),
  };
}
