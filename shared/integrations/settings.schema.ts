/**
 * The settings of an integration, as the ONES settings pages edit them (contract.md). These
 * schemas validate the API bodies, describe them in the OpenAPI document, and type what the
 * worker reads back from the database.
 */
import { z } from 'zod';

export const CARD_ATTRIBUTES = [
  'pager',
  'employeeId',
  ...Array.from({ length: 15 }, (_, i) => `extensionAttribute${i + 1}`),
] as const;

/** `extension_<appId without dashes>_<name>`: a directory extension synced by Entra Connect. */
export const EXTENSION_PROPERTY = /^extension_[0-9a-f]{32}_[A-Za-z0-9_]{1,100}$/;

export const cardAttributeSchema = z.union(
  [
    z.enum(CARD_ATTRIBUTES),
    z
      .string()
      .regex(EXTENSION_PROPERTY, 'must be pager, employeeId, extensionAttribute1..15 or extension_<appId>_<name>'),
  ],
  { message: 'must be pager, employeeId, extensionAttribute1..15 or extension_<appId>_<name>' },
);

/** Entra object ids are GUIDs; they go into Graph paths (`/groups/{id}/…`), so nothing else is let in. */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const entraGroupId = z.string().regex(GUID, 'must be an Entra group id (a GUID)');

export const roomSettingsSchema = z
  .strictObject({
    mode: z.enum(['all', 'selected'], { message: 'must be all or selected' }),
    roomEmails: z
      .array(z.email({ message: 'must be an email address' }).max(320))
      .max(10_000)
      .optional(),
  })
  .superRefine((v, ctx) => {
    if (v.mode === 'selected' && (!v.roomEmails || v.roomEmails.length === 0)) {
      ctx.addIssue({
        code: 'custom',
        path: ['roomEmails'],
        message: 'must list at least one room when mode is selected',
      });
    }
  });
export type RoomSettings = z.infer<typeof roomSettingsSchema>;

/**
 * An origin ONES's login page may be sent back to after sign-in: `scheme://host[:port]` only, https,
 * or http on localhost / 127.0.0.1 (a developer's machine). Stored in its canonical form.
 */
export const returnOriginSchema = z
  .string()
  .trim()
  .max(300, 'must be at most 300 characters')
  .transform((v, ctx) => {
    const origin = canonicalOrigin(v);
    if (!origin)
      ctx.addIssue({
        code: 'custom',
        message:
          'must be an origin such as https://ones.example.com (https, or http on localhost/127.0.0.1; no path, query or credentials)',
      });
    return origin ?? v;
  });

export const signInSettingsSchema = z
  .strictObject({
    enabled: z.boolean(),
    allowedReturnOrigins: z.array(returnOriginSchema).max(20, 'must list at most 20 origins'),
  })
  .superRefine((v, ctx) => {
    if (v.enabled && v.allowedReturnOrigins.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['allowedReturnOrigins'],
        message: 'must list at least one origin when sign-in is enabled',
      });
    }
  });
export type SignInSettings = z.infer<typeof signInSettingsSchema>;

export const userSettingsSchema = z.strictObject({
  defaultGroupIds: z.array(z.string().min(1).max(36)).max(100),
  cardNumber: z.strictObject({
    enabled: z.boolean(),
    /**
     * Where the card number comes from. `pager` means the AD pager attribute synced by Entra
     * Connect as a directory extension (`extension_<appId>_pager`); Graph has no `pager` property.
     */
    attribute: cardAttributeSchema.optional(),
  }),
  loginButtonName: z.string().trim().min(1, 'must be 1-40 characters').max(40, 'must be 1-40 characters'),
  userScope: z.strictObject({ groupIds: z.array(entraGroupId).max(50) }).optional(),
  signIn: signInSettingsSchema.optional(),
});
export type UserSettings = z.infer<typeof userSettingsSchema>;

export const DEFAULT_ROOM_SETTINGS: RoomSettings = { mode: 'all' };
export const DEFAULT_USER_SETTINGS: UserSettings = {
  defaultGroupIds: [],
  cardNumber: { enabled: false },
  loginButtonName: 'Sign in with Microsoft',
};

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1']);

/** `scheme://host[:port]` of an allowed return origin, or null when the value is not one. */
export function canonicalOrigin(value: string): string | null {
  if (!/^https?:\/\/[^/?#\\@]+\/?$/i.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.username || url.password) return null;
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) return url.origin;
  return null;
}

/** What the database holds, read defensively (older rows, hand edits). */
export function readRoomSettings(raw: unknown): RoomSettings {
  const r = roomSettingsSchema.safeParse(raw);
  return r.success ? r.data : DEFAULT_ROOM_SETTINGS;
}

export function readUserSettings(raw: unknown): UserSettings & { resolvedCardAttribute?: string } {
  const r = userSettingsSchema.safeParse(stripResolved(raw));
  const resolved = (raw as { resolvedCardAttribute?: unknown } | null)?.resolvedCardAttribute;
  return {
    ...(r.success ? r.data : DEFAULT_USER_SETTINGS),
    ...(typeof resolved === 'string' ? { resolvedCardAttribute: resolved } : {}),
  };
}

function stripResolved(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object') return raw;
  const { resolvedCardAttribute: _ignored, ...rest } = raw as Record<string, unknown>;
  return rest;
}
