import { expect } from 'chai';
import { GraphError } from '@microsoft/microsoft-graph-client';
import {
  GraphAuthError,
  GraphConfigError,
  GraphConflictError,
  GraphDeltaExpiredError,
  GraphForbiddenError,
  GraphNotFoundError,
  GraphRequestError,
  GraphThrottledError,
  GraphTransientError,
  parseRetryAfter,
  toGraphError,
} from '../../../shared/graph/index.js';

const NOW = Date.parse('2025-03-01T12:00:00Z');

function graphBody(code: string, message = 'm') {
  return { error: { code, message, innerError: { 'request-id': 'inner-rid', date: '2025-03-01T12:00:00' } } };
}

describe('graph/graph-errors', () => {
  describe('parseRetryAfter', () => {
    const cases: [string | null | undefined, number | null][] = [
      ['120', 120_000],
      ['0', 0],
      [' 7 ', 7_000],
      ['1.5', 1_500],
      ['Sat, 01 Mar 2025 12:00:30 GMT', 30_000],
      ['Sat, 01 Mar 2025 11:59:00 GMT', 0],
      ['soon', null],
      ['-5', null],
      ['', null],
      [null, null],
      [undefined, null],
    ];
    for (const [value, expected] of cases) {
      it(`${JSON.stringify(value)} → ${String(expected)}`, () => {
        expect(parseRetryAfter(value, NOW)).to.equal(expected);
      });
    }
  });

  describe('HTTP answers', () => {
    const table: [string, number, Record<string, string>, unknown, new (...a: never[]) => Error, boolean][] = [
      ['429 with seconds', 429, { 'retry-after': '30' }, graphBody('TooManyRequests'), GraphThrottledError, true],
      ['429 without Retry-After', 429, {}, graphBody('TooManyRequests'), GraphThrottledError, true],
      [
        '503 with Retry-After is throttling',
        503,
        { 'retry-after': '10' },
        graphBody('ServiceUnavailable'),
        GraphThrottledError,
        true,
      ],
      ['503 without Retry-After is transient', 503, {}, graphBody('ServiceUnavailable'), GraphTransientError, true],
      ['500', 500, {}, graphBody('InternalServerError'), GraphTransientError, true],
      ['504', 504, {}, null, GraphTransientError, true],
      ['401', 401, {}, graphBody('InvalidAuthenticationToken'), GraphAuthError, false],
      [
        '403 Authorization_RequestDenied',
        403,
        {},
        graphBody('Authorization_RequestDenied'),
        GraphForbiddenError,
        false,
      ],
      [
        '403 ErrorAccessDenied',
        403,
        {},
        graphBody('ErrorAccessDenied', 'Access to OData is disabled.'),
        GraphForbiddenError,
        false,
      ],
      ['404', 404, {}, graphBody('Request_ResourceNotFound'), GraphNotFoundError, false],
      ['409', 409, {}, graphBody('Conflict', 'Subscription Id 1 already exists'), GraphConflictError, false],
      ['410 Gone', 410, { location: 'https://g/users/delta?$deltatoken=' }, null, GraphDeltaExpiredError, false],
      ['400 syncStateNotFound', 400, {}, graphBody('syncStateNotFound'), GraphDeltaExpiredError, false],
      ['400 resyncRequired', 400, {}, graphBody('resyncRequired'), GraphDeltaExpiredError, false],
      ['400 SyncStateInvalid', 400, {}, graphBody('SyncStateInvalid'), GraphDeltaExpiredError, false],
      ['400 other', 400, {}, graphBody('BadRequest'), GraphRequestError, false],
      ['422', 422, {}, graphBody('Unprocessable'), GraphRequestError, false],
    ];
    for (const [name, status, headers, body, cls, retryable] of table) {
      it(`${name} → ${cls.name} (retryable=${retryable})`, () => {
        const err = toGraphError(
          { status, headers: new Headers({ 'request-id': 'rid-1', ...headers }), body },
          { now: NOW },
        );
        expect(err).to.be.instanceOf(cls);
        expect(err.retryable).to.equal(retryable);
        expect(err.graphStatus).to.equal(status);
        expect(err.requestId).to.equal('rid-1');
        expect(err.status).to.equal(retryable ? 503 : 422);
      });
    }

    it('keeps the Graph code and the Retry-After in milliseconds', () => {
      const err = toGraphError(
        { status: 429, headers: { 'Retry-After': '12' }, body: graphBody('TooManyRequests') },
        { now: NOW },
      );
      expect(err).to.be.instanceOf(GraphThrottledError);
      expect((err as GraphThrottledError).retryAfterMs).to.equal(12_000);
      expect(err.graphCode).to.equal('TooManyRequests');
    });

    it('reads an HTTP-date Retry-After and a missing one as null', () => {
      const dated = toGraphError(
        { status: 429, headers: { 'retry-after': 'Sat, 01 Mar 2025 12:01:00 GMT' }, body: null },
        { now: NOW },
      );
      expect((dated as GraphThrottledError).retryAfterMs).to.equal(60_000);
      const missing = toGraphError({ status: 429, headers: {}, body: null }, { now: NOW });
      expect((missing as GraphThrottledError).retryAfterMs).to.equal(null);
    });

    it('falls back to the request-id inside the error body', () => {
      const err = toGraphError({ status: 404, headers: {}, body: graphBody('NotFound') });
      expect(err.requestId).to.equal('inner-rid');
    });

    it('carries the 410 Location so the caller can resync', () => {
      const err = toGraphError({
        status: 410,
        headers: { Location: 'https://g/v1.0/users/delta?$deltatoken=' },
        body: null,
      });
      expect((err as GraphDeltaExpiredError).resyncLocation).to.equal('https://g/v1.0/users/delta?$deltatoken=');
    });

    it('never echoes a bearer token or JWT that a message might contain', () => {
      const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJyb2xlcyI6WyJ4Il19.c2lnbmF0dXJl';
      const err = toGraphError({
        status: 400,
        headers: {},
        body: graphBody('BadRequest', `bad header Bearer ${jwt} and ${jwt}`),
      });
      expect(err.message).to.not.include(jwt);
      expect(err.message).to.include('[redacted');
    });
  });

  describe('graph-client GraphError and thrown errors', () => {
    it('maps a GraphError with status, headers and body', () => {
      const g = new GraphError(429, 'slow down');
      g.code = 'TooManyRequests';
      g.body = JSON.stringify({ code: 'TooManyRequests', message: 'slow down' });
      g.headers = new Headers({ 'retry-after': '3', 'request-id': 'r-9' });
      const err = toGraphError(g);
      expect(err).to.be.instanceOf(GraphThrottledError);
      expect((err as GraphThrottledError).retryAfterMs).to.equal(3_000);
      expect(err.requestId).to.equal('r-9');
    });

    it('maps a GraphError that wraps a timeout (statusCode -1)', () => {
      const g = new GraphError(-1, 'The operation was aborted due to timeout');
      g.code = 'TimeoutError';
      const err = toGraphError(g);
      expect(err).to.be.instanceOf(GraphTransientError);
      expect((err as GraphTransientError).reason).to.equal('timeout');
    });

    it('maps fetch network failures (code on the cause) to transient', () => {
      const e = new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) });
      const err = toGraphError(e);
      expect(err).to.be.instanceOf(GraphTransientError);
      expect((err as GraphTransientError).reason).to.equal('network');
      expect(err.graphStatus).to.equal(null);
    });

    it('maps AbortSignal.timeout to a transient timeout', async () => {
      const err = toGraphError(new DOMException('timed out', 'TimeoutError'));
      expect(err).to.be.instanceOf(GraphTransientError);
      expect((err as GraphTransientError).reason).to.equal('timeout');
    });

    it('maps an untrusted TLS certificate to a non-retryable configuration error naming NODE_EXTRA_CA_CERTS', () => {
      const e = new TypeError('fetch failed', {
        cause: Object.assign(new Error('self-signed'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }),
      });
      const err = toGraphError(e);
      expect(err).to.be.instanceOf(GraphConfigError);
      expect(err.retryable).to.equal(false);
      expect(err.message).to.include('NODE_EXTRA_CA_CERTS');
    });

    it('returns a GraphFailure unchanged', () => {
      const original = new GraphNotFoundError('gone');
      expect(toGraphError(original)).to.equal(original);
    });
  });
});
