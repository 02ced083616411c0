/** What the organizer reads when the room declines: the policy's message, then the rule's sentence. */
import type { RoomPolicy, RuleKey } from './policy.schema.js';

export const DEFAULT_DECLINE_MESSAGE = "This room's booking policy does not allow this booking.";
export const RELEASE_MESSAGE =
  'This booking was released because nobody checked in at the room; the room is free for others now.';

/** The stored `policyViolation` of a booking: the rule's key and its sentence. */
export interface PolicyViolation {
  rule: RuleKey;
  message: string;
}

export function declineComment(policy: Pick<RoomPolicy, 'declineMessage'>, sentence: string): string {
  return `${policy.declineMessage ?? DEFAULT_DECLINE_MESSAGE} ${sentence}`;
}

export function releaseComment(reason: string | undefined): string {
  return reason ? `${RELEASE_MESSAGE} ${reason}` : RELEASE_MESSAGE;
}

/**
 * The people a meeting invites: the organizer and each attendee that is not a resource (the room
 * itself, other rooms, equipment), counted once per address.
 */
export function countInvited(
  organizerEmail: string | null,
  attendees: readonly { address: string | null; type: string | null }[],
): number {
  const people = new Set<string>();
  if (organizerEmail) people.add(organizerEmail.toLowerCase());
  for (const a of attendees) if (a.type !== 'resource' && a.address) people.add(a.address.toLowerCase());
  return Math.max(1, people.size);
}
