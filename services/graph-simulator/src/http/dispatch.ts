/**
 * One request through the simulator: route match, faults (hang, latency, injected errors),
 * handler, counters. Used for top-level requests and for each request inside a $batch.
 */
import type { Counters } from '../counters.js';
import type { Faults, FaultTarget } from '../faults/faults.js';
import { SimulatorError } from '../tenant/mutations.js';
import { graphError, oauthError } from './errors.js';
import { MailboxGate } from './mailbox-gate.js';
import type { Router } from './router.js';
import type { SimRequest, SimResponse } from './types.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Outlook's per-mailbox concurrency limit, and the gate that holds it. */
export interface MailboxLimit {
  gate: MailboxGate;
  limit(): number;
}

export function createDispatch(
  router: Router,
  faults: Faults,
  counters: Counters,
  mailboxes?: MailboxLimit,
): (req: SimRequest) => Promise<SimResponse> {
  return async (req) => {
    const target: FaultTarget = /^\/v1\.0(\/|$)/i.test(req.path) ? 'graph' : 'login';
    const m = router.match(req.method, req.path);
    const template = m && 'template' in m ? m.template : 'unmatched';
    const mailbox = mailboxes ? MailboxGate.mailboxOf(req.path) : null;
    let res: SimResponse;
    if (mailbox !== null && !mailboxes!.gate.enter(mailbox, mailboxes!.limit())) res = mailboxConcurrency(req);
    else {
      try {
        res = await run(req, target, template, m, faults);
      } finally {
        if (mailbox !== null) mailboxes!.gate.leave(mailbox);
      }
    }
    if (!res.hang) counters.add(req.method, template, res.status);
    return res;
  };
}

function mailboxConcurrency(req: SimRequest): SimResponse {
  return graphError(req, 429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', {
    'retry-after': '1',
  });
}

async function run(
  req: SimRequest,
  target: FaultTarget,
  template: string,
  m: ReturnType<Router['match']>,
  faults: Faults,
): Promise<SimResponse> {
  if (target === 'login' && faults.loginHang) return { status: 0, hang: true };
  const delay = faults.latencyFor(target, req.path, template);
  if (delay > 0) await sleep(delay);
  const fault = faults.pickError(target, req.path, template);
  if (fault) return faultResponse(req, target, fault.status, fault.retryAfterSeconds);
  if (!m) {
    return target === 'graph'
      ? graphError(
          req,
          400,
          'BadRequest',
          `Resource not found for the segment '${req.path.split('/').filter(Boolean).pop() ?? ''}'.`,
        )
      : { status: 404, body: { error: 'not_found', error_description: `No login endpoint at ${req.path}` } };
  }
  if ('allowed' in m) {
    return graphError(
      req,
      405,
      'Request_BadRequest',
      `The HTTP method '${req.method}' is not allowed for this resource.`,
      { allow: m.allowed.join(', ') },
    );
  }
  req.params = m.params;
  try {
    return await m.handler(req);
  } catch (err) {
    if (err instanceof SimulatorError)
      return graphError(req, err.status, err.status === 404 ? 'ResourceNotFound' : 'BadRequest', err.message);
    return graphError(req, 500, 'InternalServerError', `Simulator error: ${(err as Error).message}`);
  }
}

function faultResponse(
  req: SimRequest,
  target: FaultTarget,
  status: number,
  retryAfter: number | null | undefined,
): SimResponse {
  const headers: Record<string, string> =
    retryAfter === null || retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) };
  if (target === 'login') {
    const r = oauthError(
      status,
      status === 429 ? 'temporarily_unavailable' : 'server_error',
      status === 429 ? 50196 : 90033,
      status === 429
        ? 'The server terminated an operation because it encountered a client request loop.'
        : 'A transient error has occurred. Please try again.',
    );
    return { ...r, headers: { ...r.headers, ...headers } };
  }
  const code =
    status === 429
      ? 'TooManyRequests'
      : status === 503
        ? 'ServiceUnavailable'
        : status === 504
          ? 'GatewayTimeout'
          : 'InternalServerError';
  const message =
    status === 429
      ? 'Too many requests. Please retry after the time in the Retry-After header.'
      : 'The service is temporarily unavailable.';
  return graphError(req, status, code, message, headers);
}
