/**
 * The users stream's round state, stored as JSON in sync_states.checkpoint after every committed
 * page (one round = a full load or a delta walk, across any number of job attempts and runs).
 *
 * Full load: `list` pages `/users?$top=999` → `catchup` follows the deltaLink taken before the
 * list (`bracket`), replaying changes made during the load → `sweep` deactivates the active users
 * the load did not stamp with `marker` → the catch-up's deltaLink is stored. Delta: `delta`
 * follows the stored deltaLink; its last page stores the next one. `link` is the next page to
 * read (none: the first list page).
 */
export type UsersPhase = 'list' | 'catchup' | 'sweep' | 'delta';

/** A card number a user claimed and was refused (an active user held it). */
export interface CardClaim {
  graphId: string;
  card: string;
}

export interface UsersCheckpoint {
  mode: 'full' | 'delta';
  phase: UsersPhase;
  link?: string;
  /** full: the `$deltatoken=latest` link taken before the list. */
  bracket?: string;
  /** sweep: the deltaLink to store once the sweep is done. */
  deltaLink?: string;
  /** full: the mark-and-sweep stamp (a random id, new for every full round). */
  marker?: string;
  /** Mass-deactivation guard: active users when the round began, users deactivated since. */
  activeAtStart: number;
  deactivated: number;
  /**
   * Card numbers refused in this round because an active user held them (the latest claim per
   * user; a later page with the user drops it). The round's end gives each one whose card is free
   * by then to its claimant: the holder may give it up in a later page.
   */
  refusedCards?: CardClaim[];
  /** Runs of this round that stopped at the guard; any of them confirmed lets the round go on. */
  pendingConfirmation?: string[];
  confirmed?: boolean;
}

export type Position = Pick<UsersCheckpoint, 'phase' | 'link' | 'deltaLink'>;

export function parseCheckpoint(raw: string | null | undefined): UsersCheckpoint | null {
  if (!raw) return null;
  try {
    const cp = JSON.parse(raw) as UsersCheckpoint;
    return cp && (cp.mode === 'full' || cp.mode === 'delta') && typeof cp.phase === 'string' ? cp : null;
  } catch {
    return null;
  }
}

/** The checkpoint after a page: its new position; links of the old position do not carry over. */
export function advance(cp: UsersCheckpoint, to: Position, deactivated: number): UsersCheckpoint {
  const { link: _l, deltaLink: _d, ...rest } = cp;
  return { ...rest, ...to, deactivated: cp.deactivated + deactivated };
}
