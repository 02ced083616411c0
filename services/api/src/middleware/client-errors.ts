/**
 * Failures a client caused before any route ran: a body the parser could not read (bad JSON,
 * too large, an unknown or corrupt content encoding, a wrong charset, a cut-off upload) and a
 * path whose percent-encoding does not decode. Each is a 4xx of its own; none is a server error.
 */
import type { FieldIssue } from '@ones-m365/shared/errors';

export interface ClientError {
  status: number;
  code: string;
  message: string;
  details?: FieldIssue[];
}

/** What body-parser (through http-errors) and the router put on the errors they raise. */
interface HttpParseError extends Error {
  type?: string;
  status?: number;
  expose?: boolean;
  limit?: number;
  code?: string;
}

const MAX_ECHOED_PATH = 200;

const BY_TYPE: Record<string, (e: HttpParseError) => ClientError> = {
  'entity.parse.failed': () => ({ status: 400, code: 'invalid_json', message: 'The request body is not valid JSON' }),
  'entity.too.large': (e) => ({
    status: 413,
    code: 'payload_too_large',
    message: `The request body is larger than ${e.limit} bytes`,
  }),
  'charset.unsupported': (e) => ({ status: 415, code: 'unsupported_encoding', message: e.message }),
  'encoding.unsupported': (e) => ({ status: 415, code: 'unsupported_encoding', message: e.message }),
  'request.size.invalid': () => ({
    status: 400,
    code: 'invalid_body',
    message: 'The request body does not match its Content-Length',
  }),
  'request.aborted': () => ({ status: 400, code: 'invalid_body', message: 'The request body was cut off' }),
};

/** zlib's codes (gzip, deflate: `Z_DATA_ERROR`, …) and its brotli and zstd decoders' (`ERR__ERROR_FORMAT_…`). */
const DECOMPRESSION_CODES = /^(Z_|ERR__ERROR_|ERR_BROTLI|ERR_ZSTD)/;

function isDecompressionError(e: HttpParseError): boolean {
  return typeof e.code === 'string' && DECOMPRESSION_CODES.test(e.code);
}

function undecodablePath(path: string): ClientError {
  const shown = path.length > MAX_ECHOED_PATH ? `${path.slice(0, MAX_ECHOED_PATH)}…` : path;
  return {
    status: 400,
    code: 'invalid_path',
    message: `The path ${shown} is not valid percent-encoding`,
    details: [{ field: 'path', message: 'is not valid percent-encoding (UTF-8)' }],
  };
}

/** The answer for a client's own mistake, or null when `err` is not one of these. */
export function clientErrorOf(err: unknown, path: string): ClientError | null {
  if (!(err instanceof Error)) return null;
  const e = err as HttpParseError;
  if (err instanceof URIError && e.status === 400) return undecodablePath(path);
  const byType = e.type ? BY_TYPE[e.type] : undefined;
  if (byType) return byType(e);
  if (isDecompressionError(e)) {
    return {
      status: 400,
      code: 'invalid_body',
      message: 'The request body could not be decompressed as its Content-Encoding says',
    };
  }
  // Any other error http-errors marked as the client's (`expose`), with its own 4xx status.
  if (e.expose === true && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return { status: e.status, code: 'bad_request', message: 'The request could not be read' };
  }
  return null;
}
