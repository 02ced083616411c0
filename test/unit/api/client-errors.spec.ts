import { expect } from 'chai';
import { clientErrorOf } from '../../../services/api/src/middleware/client-errors.js';

function httpError(status: number, props: Record<string, unknown> = {}): Error {
  return Object.assign(new Error('boom'), { status, expose: status < 500, ...props });
}

describe('api/client errors (what a client got wrong before any route ran)', () => {
  it('maps each body-parser failure to its own status and code', () => {
    expect(clientErrorOf(httpError(400, { type: 'entity.parse.failed' }), '/x')).to.include({
      status: 400,
      code: 'invalid_json',
    });
    expect(clientErrorOf(httpError(413, { type: 'entity.too.large', limit: 2048 }), '/x')).to.include({
      status: 413,
      code: 'payload_too_large',
      message: 'The request body is larger than 2048 bytes',
    });
    expect(clientErrorOf(httpError(415, { type: 'encoding.unsupported' }), '/x')).to.include({
      status: 415,
      code: 'unsupported_encoding',
    });
    expect(clientErrorOf(httpError(415, { type: 'charset.unsupported' }), '/x')).to.include({
      status: 415,
      code: 'unsupported_encoding',
    });
    expect(clientErrorOf(httpError(400, { type: 'request.size.invalid' }), '/x')).to.include({
      status: 400,
      code: 'invalid_body',
    });
  });

  it('reads a decompression failure of any zlib format as an unreadable body', () => {
    for (const code of [
      'Z_DATA_ERROR',
      'Z_BUF_ERROR',
      'ERR__ERROR_FORMAT_PADDING_1',
      'ERR_BROTLI_DECOMPRESSION_FAILED',
    ]) {
      expect(clientErrorOf(httpError(400, { code }), '/x'), code).to.include({ status: 400, code: 'invalid_body' });
    }
  });

  it('names the undecodable path, cut short when long', () => {
    const err = Object.assign(new URIError('URI malformed'), { status: 400 });
    expect(clientErrorOf(err, '/api/v1/jobs/%FF')).to.deep.equal({
      status: 400,
      code: 'invalid_path',
      message: 'The path /api/v1/jobs/%FF is not valid percent-encoding',
      details: [{ field: 'path', message: 'is not valid percent-encoding (UTF-8)' }],
    });
    expect(clientErrorOf(err, `/${'a'.repeat(5_000)}%FF`)!.message.length).to.be.below(260);
  });

  it("keeps any other 4xx the parser marked as the client's, and leaves everything else to the server path", () => {
    expect(clientErrorOf(httpError(400, { type: 'request.aborted' }), '/x')).to.include({ status: 400 });
    expect(clientErrorOf(httpError(411), '/x')).to.include({ status: 411, code: 'bad_request' });
    expect(clientErrorOf(httpError(500, { type: 'stream.encoding.set' }), '/x')).to.equal(null);
    expect(clientErrorOf(new URIError('URI malformed'), '/x'), 'a URIError of our own code').to.equal(null);
    expect(clientErrorOf(new TypeError('x is undefined'), '/x')).to.equal(null);
    expect(clientErrorOf('not an error', '/x')).to.equal(null);
  });
});
