/**
 * "Sign in with Microsoft" (contract.md, design.md flow 9): start a sign-in for an integration,
 * complete it at the Redirect URI, and redeem the one-time ticket ONES's server receives.
 * Every failure is a SignInFailure, so no path issues a ticket by accident.
 */
import type { SecretBox } from '@ones-m365/shared/crypto';
import { sha256Hex, sameLengthConstantTimeEqual } from '@ones-m365/shared/crypto';
import type { IntegrationEntity, IntegrationRepository } from '@ones-m365/shared/db';
import { readUserSettings, toGraphConnection } from '@ones-m365/shared/integrations';
import type { Logger } from '@ones-m365/shared/logging';
import {
  allowedReturnTo,
  CodeRedemptionError,
  createPkce,
  IdTokenError,
  microsoftFailure,
  randomToken,
  signInFailures,
  verifyIdToken,
  withTicket,
  type PendingSignIn,
  type RedeemRequest,
  type SignInClient,
  type SignInStore,
} from '@ones-m365/shared/sso';
import { resolveCloud, type GraphConnection } from '@ones-m365/shared/graph';
import type { SignedInUser, SignedInUsers } from './signed-in-users.js';

export interface SignInServiceDeps {
  integrations: Pick<IntegrationRepository, 'get'>;
  users: SignedInUsers;
  store: Pick<SignInStore, 'savePending' | 'takePending' | 'issueTicket' | 'redeemTicket'>;
  client: SignInClient;
  secretBox: SecretBox;
  logger: Logger;
  config: { publicBaseUrl: string };
}

export interface CallbackQuery {
  state?: string;
  code?: string;
  error?: string;
  errorDescription?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class SignInService {
  constructor(private readonly deps: SignInServiceDeps) {}

  get redirectUri(): string {
    return `${this.deps.config.publicBaseUrl}/auth/callback`;
  }

  loginUrl(integrationId: string): string {
    return `${this.deps.config.publicBaseUrl}/auth/${integrationId}/login`;
  }

  async loginOptions(
    integrationId: string,
  ): Promise<{ enabled: boolean; buttonName: string; loginUrl: string } | null> {
    const integration = await this.deps.integrations.get(integrationId);
    if (!integration) return null;
    const settings = readUserSettings(integration.userSettings);
    return {
      enabled: settings.signIn?.enabled === true,
      buttonName: settings.loginButtonName,
      loginUrl: this.loginUrl(integration.id),
    };
  }

  /** The Microsoft authorize URL for a new sign-in, which is kept server-side under its state. */
  async start(integrationId: string, returnTo: string, browserId: string): Promise<string> {
    const integration = await this.deps.integrations.get(integrationId);
    if (!integration) throw signInFailures.unknownIntegration();
    const settings = readUserSettings(integration.userSettings).signIn;
    if (!settings?.enabled) throw signInFailures.disabled();
    const target = allowedReturnTo(returnTo, settings.allowedReturnOrigins);
    if (!target) throw signInFailures.returnToNotAllowed();
    const { verifier, challenge } = await createPkce();
    const state = randomToken();
    const nonce = randomToken();
    await this.deps.store.savePending(state, {
      integrationId,
      codeVerifier: verifier,
      nonce,
      returnTo: target.toString(),
      browserHash: sha256Hex(browserId),
    });
    this.deps.logger.info('sign-in started', { integrationId });
    return await this.deps.client.authCodes.authorizeUrl(this.connection(integration), {
      redirectUri: this.redirectUri,
      state,
      nonce,
      codeChallenge: challenge,
    });
  }

  /** Where the browser goes after Microsoft sent it back: `returnTo` with a one-time ticket. */
  async complete(query: CallbackQuery, browserId: string | null): Promise<string> {
    const pending = query.state ? await this.deps.store.takePending(query.state) : null;
    if (!pending) throw signInFailures.unknownState();
    const log = { integrationId: pending.integrationId };
    if (!browserId || !sameLengthConstantTimeEqual(sha256Hex(browserId), pending.browserHash))
      throw signInFailures.otherBrowser();
    if (query.error) {
      this.deps.logger.warn('sign-in refused by Microsoft', {
        ...log,
        error: query.error,
        aadsts: /AADSTS(\d+)/.exec(query.errorDescription ?? '')?.[1],
      });
      throw microsoftFailure(query.error, query.errorDescription ?? '');
    }
    if (!query.code) throw signInFailures.badRequest(['query.code: missing']);
    const integration = await this.deps.integrations.get(pending.integrationId);
    if (!integration) throw signInFailures.unknownIntegration();
    // The settings may have changed while the user was at Microsoft: they still have to allow it.
    const settings = readUserSettings(integration.userSettings).signIn;
    if (!settings?.enabled) throw signInFailures.disabled();
    if (!allowedReturnTo(pending.returnTo, settings.allowedReturnOrigins)) throw signInFailures.returnToNotAllowed();
    const user = await this.signedInUser(integration, query.code, query.state!, pending);
    const ticket = await this.deps.store.issueTicket({ integrationId: integration.id, userId: user.id });
    this.deps.logger.info('sign-in succeeded', { ...log, userId: user.id });
    return withTicket(new URL(pending.returnTo), ticket);
  }

  /** Who a ticket was issued to, once; null when unknown, used, expired or for another integration. */
  async redeem(
    ticket: string,
    integrationId?: string,
  ): Promise<{ integrationId: string; user: Omit<SignedInUser, 'active'> } | null> {
    const issued = await this.deps.store.redeemTicket(ticket);
    if (!issued || (integrationId !== undefined && issued.integrationId !== integrationId)) return null;
    const user = await this.deps.users.byId(issued.integrationId, issued.userId);
    if (!user?.active) return null;
    const { active: _active, ...view } = user;
    return { integrationId: issued.integrationId, user: view };
  }

  /** `state` found `pending`, so it is the state this sign-in started with (MSAL compares them again). */
  private async signedInUser(
    integration: IntegrationEntity,
    code: string,
    state: string,
    pending: PendingSignIn,
  ): Promise<SignedInUser> {
    const conn = this.connection(integration);
    const { codeVerifier, nonce } = pending;
    const idToken = await this.redeemCode(conn, {
      code,
      redirectUri: this.redirectUri,
      codeVerifier,
      state,
      returnedState: state,
      nonce,
    });
    const resolved = resolveCloud(conn);
    let verified;
    try {
      const tenant = await this.deps.client.tenantKeys.forCloud(resolved);
      verified = await verifyIdToken(idToken, {
        clientId: integration.clientId,
        nonce,
        tenantGuid: tenantGuidOf(integration) ?? tenant.tenantGuid,
        tenant,
      });
    } catch (err) {
      if (err instanceof IdTokenError) {
        this.deps.logger.warn('sign-in ID token rejected', { integrationId: integration.id, problem: err.problem });
        throw signInFailures.token(err.problem, err.message);
      }
      this.deps.logger.warn('tenant keys unavailable', {
        integrationId: integration.id,
        error: (err as Error).message,
      });
      throw signInFailures.unavailable();
    }
    const user = await this.deps.users.byGraphId(integration.id, verified.oid);
    if (!user) throw signInFailures.unknownUser();
    if (!user.active) throw signInFailures.deactivatedUser();
    return user;
  }

  private async redeemCode(conn: GraphConnection, request: RedeemRequest): Promise<string> {
    try {
      return await this.deps.client.authCodes.redeem(conn, request);
    } catch (err) {
      if (!(err instanceof CodeRedemptionError)) throw err;
      this.deps.logger.warn('sign-in code redemption failed', {
        integrationId: conn.id,
        error: err.error,
        aadsts: err.aadsts,
      });
      if (err.error === 'nonce_mismatch' || err.error === 'state_mismatch')
        throw signInFailures.token(err.error, 'The sign-in response was not issued for this sign-in');
      if (!err.aadsts && /timed out|request failed|network/i.test(err.message)) throw signInFailures.unavailable();
      throw microsoftFailure(err.error, err.aadsts ? `AADSTS${err.aadsts}: ${err.message}` : err.message);
    }
  }

  private connection(integration: IntegrationEntity): GraphConnection {
    return toGraphConnection(integration, this.deps.secretBox);
  }
}

/** The tenant GUID tokens carry, when the integration already knows it. */
function tenantGuidOf(integration: IntegrationEntity): string | null {
  if (GUID.test(integration.tenantId)) return integration.tenantId.toLowerCase();
  return integration.tenantGuid?.toLowerCase() ?? null;
}
