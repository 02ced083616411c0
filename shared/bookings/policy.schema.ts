/**
 * The booking policy as ONES saves it (contract: Booking policy): per integration, with per-room
 * overrides. The schema validates a PUT body (400 naming each bad field: an unknown IANA zone,
 * `25:00`, a negative duration) and is also what the stored JSON is read back through.
 */
import { IANAZone } from 'luxon';
import { z } from 'zod';

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The rules' keys, in the order they are checked (the first one broken names the verdict). */
export const RULE_KEYS = [
  'allowedGroupIds',
  'allowRecurring',
  'maxRecurrenceDays',
  'enforceCapacity',
  'minDurationMinutes',
  'maxDurationMinutes',
  'minNoticeMinutes',
  'bookingWindowDays',
  'workingHours',
  'allowConflicts',
] as const;
export type RuleKey = (typeof RULE_KEYS)[number];

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
/** "HH:MM" → minutes after midnight ("24:00" only where `allowMidnightEnd`). */
export function minutesOf(hhmm: string): number {
  if (hhmm === '24:00') return 1440;
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

const clock = (allowMidnightEnd: boolean) =>
  z.string().refine((v) => HHMM.test(v) || (allowMidnightEnd && v === '24:00'), {
    message: allowMidnightEnd ? 'must be a time HH:MM from 00:01 to 24:00' : 'must be a time HH:MM from 00:00 to 23:59',
  });

const workingHours = z
  .object({
    timeZone: z
      .string()
      .max(64)
      .refine((v) => IANAZone.isValidZone(v), { message: 'must be an IANA time zone, e.g. Asia/Shanghai' }),
    days: z
      .array(z.enum(WEEKDAYS, { message: `must be one of ${WEEKDAYS.join(', ')}` }))
      .min(1, { message: 'must name at least one day' })
      .refine((d) => new Set(d).size === d.length, { message: 'must not repeat a day' }),
    start: clock(false),
    end: clock(true),
  })
  .strict()
  .refine((w) => !HHMM.test(w.start) || minutesOf(w.end) > minutesOf(w.start), {
    message: 'must be after start',
    path: ['end'],
  });
export type WorkingHours = z.infer<typeof workingHours>;

const minutes = (max: number) =>
  z
    .number({ message: 'must be a number of minutes' })
    .int({ message: 'must be a whole number' })
    .min(1, { message: 'must be at least 1' })
    .max(max, { message: `must be at most ${max}` });
const days = (max: number) =>
  z
    .number({ message: 'must be a number of days' })
    .int({ message: 'must be a whole number' })
    .min(1, { message: 'must be at least 1' })
    .max(max, { message: `must be at most ${max}` });
const flag = z.boolean({ message: 'must be true or false' });
const groupIds = z
  .array(z.string().min(1).max(64))
  .min(1, { message: 'must name at least one group (leave the rule out to let anyone book)' })
  .max(200);

const ruleShape = {
  maxDurationMinutes: minutes(525_600),
  minDurationMinutes: minutes(525_600),
  bookingWindowDays: days(3650),
  minNoticeMinutes: minutes(525_600),
  allowRecurring: flag,
  maxRecurrenceDays: days(3650),
  workingHours,
  allowConflicts: flag,
  enforceCapacity: flag,
  allowedGroupIds: groupIds,
};

const minNotAboveMax = (r: { minDurationMinutes?: number | null; maxDurationMinutes?: number | null }) =>
  r.minDurationMinutes == null || r.maxDurationMinutes == null || r.minDurationMinutes <= r.maxDurationMinutes;

export const policyRulesSchema = z
  .object({
    maxDurationMinutes: ruleShape.maxDurationMinutes.optional(),
    minDurationMinutes: ruleShape.minDurationMinutes.optional(),
    bookingWindowDays: ruleShape.bookingWindowDays.optional(),
    minNoticeMinutes: ruleShape.minNoticeMinutes.optional(),
    allowRecurring: ruleShape.allowRecurring.optional(),
    maxRecurrenceDays: ruleShape.maxRecurrenceDays.optional(),
    workingHours: ruleShape.workingHours.optional(),
    allowConflicts: ruleShape.allowConflicts.optional(),
    enforceCapacity: ruleShape.enforceCapacity.optional(),
    allowedGroupIds: ruleShape.allowedGroupIds.optional(),
  })
  .strict()
  .refine(minNotAboveMax, { message: 'must not be more than maxDurationMinutes', path: ['minDurationMinutes'] });
export type PolicyRules = z.infer<typeof policyRulesSchema>;

/** A room's own rules: a key given replaces the integration's; `null` stops checking that rule in the room. */
const overrideRulesSchema = z
  .object({
    maxDurationMinutes: ruleShape.maxDurationMinutes.nullable().optional(),
    minDurationMinutes: ruleShape.minDurationMinutes.nullable().optional(),
    bookingWindowDays: ruleShape.bookingWindowDays.nullable().optional(),
    minNoticeMinutes: ruleShape.minNoticeMinutes.nullable().optional(),
    allowRecurring: ruleShape.allowRecurring.nullable().optional(),
    maxRecurrenceDays: ruleShape.maxRecurrenceDays.nullable().optional(),
    workingHours: ruleShape.workingHours.nullable().optional(),
    allowConflicts: ruleShape.allowConflicts.nullable().optional(),
    enforceCapacity: ruleShape.enforceCapacity.nullable().optional(),
    allowedGroupIds: ruleShape.allowedGroupIds.nullable().optional(),
  })
  .strict();
export type OverrideRules = z.infer<typeof overrideRulesSchema>;

const roomOverrideSchema = z.object({ enabled: flag.optional(), rules: overrideRulesSchema.optional() }).strict();
export type RoomOverride = z.infer<typeof roomOverrideSchema>;

export const bookingPolicySchema = z
  .object({
    enabled: flag,
    mode: z.enum(['enforce', 'audit'], { message: 'must be enforce or audit' }).default('enforce'),
    rules: policyRulesSchema.default({}),
    declineMessage: z.string().trim().min(1).max(1000).optional(),
    roomOverrides: z
      .record(
        z
          .string()
          .trim()
          .toLowerCase()
          .pipe(z.email({ message: 'must be a room email address' })),
        roomOverrideSchema,
      )
      .default({}),
  })
  .strict();
export type BookingPolicy = z.infer<typeof bookingPolicySchema>;
export type PolicyMode = BookingPolicy['mode'];

export const DISABLED_POLICY: BookingPolicy = { enabled: false, mode: 'enforce', rules: {}, roomOverrides: {} };

/** The stored JSON read back (a row written by another version that no longer parses reads as disabled). */
export function parseStoredPolicy(raw: unknown): BookingPolicy {
  const r = bookingPolicySchema.safeParse(raw);
  return r.success ? r.data : DISABLED_POLICY;
}

/** What applies in one room: the integration's rules with the room's override on top. */
export interface RoomPolicy {
  enabled: boolean;
  mode: PolicyMode;
  rules: PolicyRules;
  declineMessage: string | undefined;
}

export function policyForRoom(policy: BookingPolicy, roomEmail: string): RoomPolicy {
  const o = policy.roomOverrides[roomEmail.toLowerCase()];
  const rules: Record<string, unknown> = { ...policy.rules };
  for (const [k, v] of Object.entries(o?.rules ?? {})) {
    if (v === null) delete rules[k];
    else if (v !== undefined) rules[k] = v;
  }
  return {
    enabled: o?.enabled ?? policy.enabled,
    mode: policy.mode,
    rules: rules,
    declineMessage: policy.declineMessage,
  };
}

/** Every group id the policy names (the api checks they exist: 422 otherwise). */
export function policyGroupIds(policy: BookingPolicy): { field: string; id: string }[] {
  const out = (policy.rules.allowedGroupIds ?? []).map((id, i) => ({ field: `body.rules.allowedGroupIds.${i}`, id }));
  for (const [email, o] of Object.entries(policy.roomOverrides))
    (o.rules?.allowedGroupIds ?? []).forEach((id, i) =>
      out.push({ field: `body.roomOverrides.${email}.rules.allowedGroupIds.${i}`, id }),
    );
  return out;
}
