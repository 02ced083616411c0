/**
 * Reads a Graph notification POST (a changeNotificationCollection: `{value: [...]}`), change and
 * lifecycle items alike. Hand-written rather than a zod schema: it runs on every POST of a
 * burst, and only the fields checked here are used.
 */
import { ValidationError } from '@ones-m365/shared/errors';

/** Graph batches at most a few hundred per POST; far more is not Graph. */
export const MAX_BATCH = 1_000;
const MAX_ID = 128;

export interface IncomingNotification {
  subscriptionId: string;
  clientState: string | null;
  tenantId: string | null;
  /** Set on lifecycle notifications (`reauthorizationRequired`, `subscriptionRemoved`, `missed`, …). */
  lifecycleEvent: string | null;
}

function invalid(message: string): ValidationError {
  return new ValidationError(`Not a Graph notification batch: ${message}`, [{ field: 'body', message }]);
}

const optionalString = (v: unknown): string | null | undefined =>
  v === undefined || v === null ? null : typeof v === 'string' ? v : undefined;

export function readBatch(body: unknown): IncomingNotification[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid('expected a JSON object');
  const value = (body as { value?: unknown }).value;
  if (!Array.isArray(value) || value.length === 0) throw invalid('`value` must be a non-empty array');
  if (value.length > MAX_BATCH) throw invalid(`\`value\` holds more than ${MAX_BATCH} notifications`);
  const out = new Array<IncomingNotification>(value.length);
  for (let i = 0; i < value.length; i++) {
    const item = value[i] as Record<string, unknown> | null;
    if (!item || typeof item !== 'object') throw invalid(`value.${i} is not an object`);
    const subscriptionId = item.subscriptionId;
    if (typeof subscriptionId !== 'string' || subscriptionId.length === 0 || subscriptionId.length > MAX_ID) {
      throw invalid(`value.${i}.subscriptionId must be a string`);
    }
    const clientState = optionalString(item.clientState);
    const tenantId = optionalString(item.tenantId);
    const lifecycleEvent = optionalString(item.lifecycleEvent);
    if (clientState === undefined || tenantId === undefined || lifecycleEvent === undefined) {
      throw invalid(`value.${i}: clientState, tenantId and lifecycleEvent must be strings`);
    }
    if (lifecycleEvent === null && typeof item.changeType !== 'string')
      throw invalid(`value.${i} has neither changeType nor lifecycleEvent`);
    out[i] = { subscriptionId, clientState, tenantId, lifecycleEvent };
  }
  return out;
}

/**
 * The `validationToken` of a handshake, URL-decoded (`+` and `%20` are spaces), or null when the
 * request is not a handshake. Read from the raw query so no parser setting can change it.
 */
export function validationTokenOf(originalUrl: string): string | null {
  const q = originalUrl.indexOf('?');
  if (q < 0 || !originalUrl.includes('validationToken', q)) return null;
  return new URLSearchParams(originalUrl.slice(q + 1)).get('validationToken');
}
