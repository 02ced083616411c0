import { z } from 'zod';
import { bookingPolicySchema, parseStoredPolicy, policyGroupIds, DISABLED_POLICY } from '@ones-m365/shared/bookings';
import type {
  BookingPolicyRepository,
  GroupRepository,
  IntegrationRepository,
  RoomRepository,
} from '@ones-m365/shared/db';
import { UnprocessableError, type FieldIssue } from '@ones-m365/shared/errors';
import type { Producer } from '@ones-m365/shared/queue';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { existingIntegration } from '../services/existing-integration.js';

export interface BookingPolicyRoutesDeps {
  integrations: Pick<IntegrationRepository, 'get'>;
  rooms: Pick<RoomRepository, 'byEmails'>;
  groups: Pick<GroupRepository, 'existing'>;
  bookingPolicies: Pick<BookingPolicyRepository, 'get' | 'save'>;
  producer: Pick<Producer, 'enqueue'>;
}

const idParams = z.object({ id: z.string().min(1).max(64) });
const instant = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone (Z or ±hh:mm)' })
  .transform((v) => new Date(v));
const recheckBody = z
  .object({
    from: instant.optional(),
    to: instant.optional(),
    dryRun: z.boolean({ message: 'must be true or false' }).default(false),
  })
  .strict()
  .refine((b) => !b.from || !b.to || b.to > b.from, { message: 'must be after from', path: ['to'] });

/** The booking policy (contract: Booking policy) and its recheck. */
export function bookingPolicyRoutes(deps: BookingPolicyRoutesDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/integrations/:id/booking-policy',
      summary: 'The booking policy: its rules, per-room overrides, mode, and when it was saved',
      tag: 'booking-policy',
      params: idParams,
      responses: { 200: '{enabled, mode, rules, declineMessage?, roomOverrides, savedAt}', 404: 'No such integration' },
      async handler({ params }) {
        await existingIntegration(deps.integrations, params.id);
        const stored = await deps.bookingPolicies.get(params.id);
        return stored
          ? { ...parseStoredPolicy(stored.policy), savedAt: stored.savedAt.toISOString() }
          : { ...DISABLED_POLICY, savedAt: null };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/integrations/:id/booking-policy',
      summary:
        'Saves the booking policy; it applies to bookings made or changed from now on (recheck applies it to existing ones)',
      description:
        'A rule left out is not checked. A room override replaces rules for that room (null stops one there) and can switch the policy off there. enforce: a booking breaking a rule is declined by the room in Outlook, once per version; audit: the violation is recorded, nothing declined.',
      tag: 'booking-policy',
      params: idParams,
      body: bookingPolicySchema,
      responses: {
        200: 'the stored policy',
        400: 'Names each bad field',
        404: 'No such integration',
        422: 'Names unknown groups and rooms',
      },
      async handler({ params, body }) {
        await existingIntegration(deps.integrations, params.id);
        const issues: FieldIssue[] = [];
        const groups = policyGroupIds(body);
        const known = new Set(await deps.groups.existing([...new Set(groups.map((g) => g.id))]));
        for (const g of groups) if (!known.has(g.id)) issues.push({ field: g.field, message: `no ONES group ${g.id}` });
        const emails = Object.keys(body.roomOverrides);
        const rooms = new Set((await deps.rooms.byEmails(params.id, emails)).map((r) => r.email.toLowerCase()));
        for (const e of emails)
          if (!rooms.has(e))
            issues.push({ field: `body.roomOverrides.${e}`, message: 'is not a room of this integration' });
        if (issues.length)
          throw new UnprocessableError('unknown_references', 'The policy names unknown groups or rooms', issues);
        const stored = await deps.bookingPolicies.save(params.id, body);
        return { ...body, savedAt: stored.savedAt.toISOString() };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/integrations/:id/booking-policy/recheck',
      summary:
        "Applies today's policy to existing future bookings: the job's result lists each one it would decline (dryRun) or declined",
      tag: 'booking-policy',
      params: idParams,
      body: recheckBody,
      responses: {
        202: '{jobId}',
        400: 'Names each bad field',
        404: 'No such integration',
        503: 'The queue is unreachable (retry)',
      },
      async handler({ params, body }, res) {
        await existingIntegration(deps.integrations, params.id);
        const job = await deps.producer.enqueue('booking-policy.recheck', {
          integrationId: params.id,
          dryRun: body.dryRun,
          ...(body.from ? { from: body.from.toISOString() } : {}),
          ...(body.to ? { to: body.to.toISOString() } : {}),
        });
        res.status(202);
        return { jobId: job.id };
      },
    }),
  ];
}
