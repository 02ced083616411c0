/**
 * fast-check generators of what a hostile client sends: path segments, query strings, headers
 * and bodies that no route should act on. Each yields raw bytes and header pairs, so nothing
 * on the way (fetch, URL parsing) cleans them up.
 */
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';

export type HeaderPair = [string, string];

export interface HostileBody {
  what: string;
  bytes: Buffer;
  headers: HeaderPair[];
}

const JSON_TYPE: HeaderPair = ['content-type', 'application/json'];
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

const encodedText = (maxLength: number) => fc.string({ unit: 'grapheme', maxLength }).map(encodeURIComponent);

export const hostileSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '%FF',
    '%',
    '%E0%A4%A',
    '%C0%AF',
    '%00',
    '..',
    '.',
    '%2e%2e',
    '%2F..%2F',
    ';',
    '%20',
    'id',
    'meta',
    'events',
    'completed',
    'repeat',
    'stalled-check',
    'repeat:prune-sync-runs',
    '__proto__',
    'constructor',
    'x'.repeat(4_000),
    '0',
    '-1',
    '1e3',
    'NaN',
  ),
  encodedText(40).filter((s) => s.length > 0),
  fc.uuid(),
);

const queryKey = fc.oneof(
  fc.constantFrom(
    'limit',
    'cursor',
    'active',
    'validationToken',
    '__proto__',
    'constructor[prototype][polluted]',
    'a[b][c]',
    'limit[]',
    '%FF',
    '',
  ),
  encodedText(12),
);
const queryValue = fc.oneof(
  fc.constantFrom(
    '%FF',
    '%',
    '0x10',
    '1e2',
    '%205',
    '-1',
    '0',
    '99999999999999999999',
    'true',
    'false',
    '',
    '%00',
    'x'.repeat(3_000),
    '[]',
    '{}',
  ),
  encodedText(30),
);
export const hostileQuery: fc.Arbitrary<string> = fc
  .array(fc.tuple(queryKey, queryValue), { maxLength: 5 })
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : ''));

export const hostileHeaders: fc.Arbitrary<HeaderPair[]> = fc.array(
  fc.constantFrom<HeaderPair>(
    ['content-type', 'text/plain'],
    ['content-type', 'application/json; charset=utf-16'],
    ['content-type', 'application/json; charset=klingon'],
    ['content-type', 'application/x-www-form-urlencoded'],
    ['content-type', 'multipart/form-data; boundary=x'],
    ['content-type', 'application/json'],
    ['content-type', 'application/merge-patch+json'],
    ['content-type', ''],
    ['content-encoding', 'gzip'],
    ['content-encoding', 'deflate'],
    ['content-encoding', 'br'],
    ['content-encoding', 'x-hostile'],
    ['content-encoding', 'gzip, gzip'],
    ['content-encoding', 'identity'],
    ['accept', 'text/html'],
    ['accept-encoding', 'gzip'],
    ['cookie', '__proto__=polluted'],
    ['x-forwarded-for', '127.0.0.1, 10.0.0.1'],
    ['x-http-method-override', 'DELETE'],
    ['if-none-match', '*'],
    ['range', 'bytes=0-1'],
    ['x-hostile', 'x'.repeat(2_000)],
  ),
  { maxLength: 4 },
);

const malformedJson = fc.oneof(
  fc.constantFrom(
    '{',
    '{"name":',
    '[1,2',
    '{"a":1,}',
    'nul',
    '"\\uD800"',
    '{"name":"\\u0000"}',
    '\u0000',
    'NaN',
    '1e999999',
    '{"a":1}{"b":2}',
    "{'a':1}",
    '',
  ),
  fc.string({ maxLength: 200 }).map((s) => `{${s}`),
);

/** Objects nested far deeper than any schema: arrays or objects, up to 150,000 levels. */
const deeplyNested = fc
  .tuple(fc.constantFrom('array', 'object'), fc.integer({ min: 1_000, max: 150_000 }))
  .map(([kind, depth]) =>
    kind === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
  );

/** Prototype keys at the top and nested, next to plausible fields. */
const protoKeyed = (fields: string[]) =>
  fc
    .tuple(fc.constantFrom(...PROTO_KEYS), fc.jsonValue({ maxDepth: 2 }), fc.subarray(fields))
    .map(([key, value, keep]) => {
      const plausible = keep.map((f) => `${JSON.stringify(f)}:${JSON.stringify(value)}`);
      return `{${[...plausible, `${JSON.stringify(key)}:{"polluted":true,"prototype":{"polluted":true}}`, `"nested":{${JSON.stringify(key)}:{"polluted":true}}`].join(',')}}`;
    });

/** The route's own field names with values of any JSON type (and a stray key or two). */
const schemaShaped = (fields: string[]) =>
  fc
    .dictionary(
      fc.oneof(fc.constantFrom(...(fields.length ? fields : ['name'])), fc.string({ maxLength: 10 })),
      fc.jsonValue({ maxDepth: 3 }),
      { maxKeys: 6 },
    )
    .map((o) => JSON.stringify(o));

const asJson =
  (what: string) =>
  (text: string): HostileBody => ({ what, bytes: Buffer.from(text), headers: [JSON_TYPE] });

/** Every kind of body, shaped after the route's fields where that helps get past the first check. */
export function hostileBody(fields: string[]): fc.Arbitrary<HostileBody> {
  return fc.oneof(
    malformedJson.map(asJson('malformed JSON')),
    deeplyNested.map(asJson('deeply nested')),
    protoKeyed(fields).map(asJson('prototype keys')),
    schemaShaped(fields).map(asJson('schema-shaped, wrong types')),
    fc.jsonValue({ maxDepth: 4 }).map((v) => asJson('any JSON value')(JSON.stringify(v) ?? 'null')),
    fc.constantFrom(1_100_000, 2_500_000).map((n) => asJson('huge')(`{"name":"${'x'.repeat(n)}"}`)),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => ({
      what: 'invalid UTF-8',
      bytes: Buffer.concat([Buffer.from('{"name":"'), Buffer.from(b), Buffer.from('"}')]),
      headers: [JSON_TYPE],
    })),
    schemaShaped(fields).map((text) => ({
      what: 'gzip announced, plain sent',
      bytes: Buffer.from(text),
      headers: [JSON_TYPE, ['content-encoding', 'gzip']] as HeaderPair[],
    })),
    fc.tuple(schemaShaped(fields), fc.nat()).map(([text, cut]) => {
      const gz = gzipSync(text);
      return {
        what: 'truncated gzip',
        bytes: gz.subarray(0, cut % gz.length),
        headers: [JSON_TYPE, ['content-encoding', 'gzip']] as HeaderPair[],
      };
    }),
    fc.integer({ min: 1_000, max: 100_000 }).map((depth) => {
      const bomb = gzipSync(`${'['.repeat(depth)}${']'.repeat(depth)}`);
      return {
        what: 'compressed deep nesting',
        bytes: bomb,
        headers: [JSON_TYPE, ['content-encoding', 'gzip']] as HeaderPair[],
      };
    }),
    fc.constant({
      what: 'compressed, too large inflated',
      bytes: gzipSync(Buffer.alloc(3_000_000, 0x20)),
      headers: [JSON_TYPE, ['content-encoding', 'gzip']] as HeaderPair[],
    }),
  );
}

/** What a forger of Graph notifications can send: the right subscription id, never its clientState. */
export function forgedNotifications(knownSubscriptionId: string, tenantId: string): fc.Arbitrary<unknown> {
  const item = fc.record({
    subscriptionId: fc.oneof(fc.constant(knownSubscriptionId), fc.uuid(), fc.string({ minLength: 1, maxLength: 128 })),
    clientState: fc.oneof(fc.string({ maxLength: 128 }), fc.constant(null), fc.constant(undefined)),
    tenantId: fc.oneof(fc.constant(tenantId), fc.uuid()),
    changeType: fc.constantFrom('updated', 'deleted', 'created'),
    resource: fc.constantFrom('Users/x', 'Users', '/users'),
    lifecycleEvent: fc.option(fc.constantFrom('reauthorizationRequired', 'subscriptionRemoved', 'missed'), {
      nil: undefined,
    }),
  });
  return fc.array(item, { minLength: 1, maxLength: 20 }).map((value) => ({ value }));
}
