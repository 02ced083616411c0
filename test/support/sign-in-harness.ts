/**
 * "Sign in with Microsoft" end to end in process: the api on a known loopback port (its
 * PUBLIC_BASE_URL, so the Redirect URI really reaches it), a Graph simulator as the tenant's login
 * host, and a small browser (fetch, cookies, redirects) that signs in as a chosen user.
 */
import { UserRepository } from '@ones-m365/shared/db';
import type { GraphSimulator } from '@ones-m365/graph-simulator';
import { freePort } from './processes.js';
import { startSettingsHarness, type SettingsHarness } from './settings-harness.js';

export const ONES_ORIGIN = 'https://ones.example.com';

export interface SignInHarness extends SettingsHarness {
  base: string;
  /** An integration with sign-in enabled for ONES_ORIGIN. */
  createSignIn(over?: Record<string, unknown>): Promise<string>;
  /** Puts simulator users into the database as the users sync would (active unless said otherwise). */
  syncUsers(integrationId: string, users: { id: string; upn: string; active?: boolean }[]): Promise<void>;
}

export async function startSignInHarness(
  simOptions: Parameters<typeof startSettingsHarness>[0] = {},
): Promise<SignInHarness> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const s = await startSettingsHarness(simOptions, { PORT: String(port), PUBLIC_BASE_URL: base });
  return {
    ...s,
    base,
    async createSignIn(over = {}) {
      const id = await s.create(over);
      const r = await s.h.call(`/api/v1/integrations/${id}/user-settings`, {
        method: 'PUT',
        json: {
          defaultGroupIds: [],
          cardNumber: { enabled: false },
          loginButtonName: 'Sign in with Contoso',
          signIn: { enabled: true, allowedReturnOrigins: [ONES_ORIGIN] },
        },
      });
      if (r.status !== 200) throw new Error(`user settings failed: ${r.status} ${JSON.stringify(r.body)}`);
      return id;
    },
    async syncUsers(integrationId, users) {
      await new UserRepository(s.h.db.ds).upsertBatch(
        users.map((u) => ({
          integrationId,
          graphId: u.id,
          userPrincipalName: u.upn,
          mail: u.upn,
          displayName: u.upn,
          accountEnabled: true,
          active: u.active !== false,
          inactiveReason: u.active === false ? 'disabled' : null,
          cardNumber: null,
        })),
      );
    },
  };
}

/** The index-th user of the simulator's tenant whose account is enabled (Entra refuses disabled ones). */
export function simUser(sim: GraphSimulator, index: number): { id: string; upn: string } {
  const u = sim.listUsers({ limit: 1000 }).filter((v) => v.props.accountEnabled !== false)[index]!;
  return { id: u.id, upn: String(u.props.userPrincipalName) };
}

export interface Hop {
  url: string;
  status: number;
  location: string | null;
  setCookie: string[];
  body: string;
}

/**
 * A browser as far as sign-in needs one: keeps cookies per origin, follows redirects, and on the
 * simulator's "Pick an account" page clicks the given account. Stops at the first answer that is
 * not a redirect, or at a redirect to `stopAt` (ONES's origin, which does not exist here).
 */
export class TestBrowser {
  private readonly jar = new Map<string, Map<string, string>>();
  readonly hops: Hop[] = [];

  constructor(private readonly account: string | null = null) {}

  async go(url: string, stopAt = ONES_ORIGIN): Promise<Hop> {
    let next = url;
    for (let i = 0; i < 10; i++) {
      const hop = await this.get(next);
      if (hop.location) {
        next = new URL(hop.location, next).toString();
        if (new URL(next).origin === stopAt) return { ...hop, location: next };
        continue;
      }
      const pick = this.account ? accountLink(hop.body, this.account) : null;
      if (!pick) return hop;
      next = new URL(pick, next).toString();
    }
    throw new Error('too many redirects');
  }

  async get(url: string): Promise<Hop> {
    const origin = new URL(url).origin;
    const cookies = [...(this.jar.get(origin) ?? new Map<string, string>()).entries()]
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
    const res = await fetch(url, { redirect: 'manual', headers: cookies ? { cookie: cookies } : {} });
    const setCookie = res.headers.getSetCookie();
    for (const c of setCookie) {
      const [pair] = c.split(';');
      const [name, ...value] = pair!.split('=');
      if (!this.jar.has(origin)) this.jar.set(origin, new Map());
      this.jar.get(origin)!.set(name!.trim(), value.join('='));
    }
    const hop = { url, status: res.status, location: res.headers.get('location'), setCookie, body: await res.text() };
    this.hops.push(hop);
    return hop;
  }
}

function accountLink(html: string, upn: string): string | null {
  const escaped = upn.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`<a data-upn="${escaped}" href="([^"]+)"`).exec(html);
  return m ? m[1]!.replace(/&#38;/g, '&').replace(/&amp;/g, '&') : null;
}
