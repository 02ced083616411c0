/**
 * Redaction: secrets, tokens and clientState values never reach a log line, whatever a caller
 * passes. Two nets: sensitive keys (at any depth) and sensitive patterns inside strings.
 */
const SENSITIVE_KEY =
  /(secret|token|password|passwd|authorization|cookie|clientstate|client_state|apikey|api_key|encryption|assertion|code_verifier|^code$|credential|ticket)/i;

const PATTERNS: [RegExp, string][] = [
  [/\bBearer\s+[A-Za-z0-9\-._~+/]+=*/gi, 'Bearer [REDACTED]'],
  [/\bBasic\s+[A-Za-z0-9+/]+=*/gi, 'Basic [REDACTED]'],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[REDACTED_JWT]'],
  [
    /((?:client_secret|clientSecret|client_assertion|refresh_token|access_token|id_token|validationToken|clientState|password|code_verifier|code|ticket)=)[^&\s"']+/gi,
    '$1[REDACTED]',
  ],
  [
    /("(?:client_secret|clientSecret|clientState|access_token|refresh_token|id_token|password|apiToken|ticket)"\s*:\s*")[^"]*"/gi,
    '$1[REDACTED]"',
  ],
  [/(\/\/[^/\s:@]+:)[^@\s/]+@/g, '$1[REDACTED]@'],
];

export const REDACTED = '[REDACTED]';

export function redactString(s: string): string {
  let out = s;
  for (const [re, rep] of PATTERNS) out = out.replace(re, rep);
  return out;
}

export function redactValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[…]';
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (Buffer.isBuffer(value)) return REDACTED;
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redactString(value.message),
      stack: value.stack ? redactString(value.stack) : undefined,
      code: (value as { code?: unknown }).code,
    };
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      SENSITIVE_KEY.test(k) && v !== undefined && v !== null && typeof v !== 'boolean'
        ? REDACTED
        : redactValue(v, depth + 1, seen);
  }
  return out;
}
