/** The JSON side of sign-in: login options for ONES's login page (no auth), ticket redemption (bearer). */
import { z } from 'zod';
import { AppError, NotFoundError } from '@ones-m365/shared/errors';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { idParams } from '../routes/integration.schemas.js';
import type { SignInService } from './sign-in.service.js';

const TAG = 'sign-in';

/** 410 `ticket_expired`: used, expired, unknown, or issued for another integration. */
export class TicketExpiredError extends AppError {
  constructor() {
    super('ticket_expired', 'The ticket was used before, has expired (60 s) or is not valid', 410);
  }
}

const redeemBody = z.strictObject({
  ticket: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  integrationId: z.string().uuid('must be an integration id').optional(),
});

/** Mounted under /api/v1 without authentication. */
export function loginOptionsRoutes(deps: { service: SignInService }): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/integrations/:id/login-options',
      tag: TAG,
      summary: "What ONES's login page shows: the button and where it leads (no auth)",
      params: idParams,
      responses: { 200: '{enabled, buttonName, loginUrl}', 400: 'Invalid id', 404: 'No such integration' },
      async handler({ params }) {
        const options = await deps.service.loginOptions(params.id);
        if (!options) throw new NotFoundError('Integration');
        return options;
      },
    }),
  ];
}

/** Mounted under /api/v1 behind the bearer token. */
export function redeemRoutes(deps: { service: SignInService }): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/sso/redeem',
      tag: TAG,
      summary: 'Who signed in: redeem a one-time ticket (once, within 60 s)',
      body: redeemBody,
      responses: {
        200: '{integrationId, user: {id, graphId, userPrincipalName, mail, displayName, cardNumber, groupIds}}',
        400: 'Invalid fields',
        410: 'ticket_expired: used, expired or unknown',
      },
      async handler({ body }) {
        const redeemed = await deps.service.redeem(body.ticket, body.integrationId);
        if (!redeemed) throw new TicketExpiredError();
        return redeemed;
      },
    }),
  ];
}
