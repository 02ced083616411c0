import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import winston from 'winston';
import { SecretBox } from '@ones-m365/shared/crypto';
import type { IntegrationEntity } from '@ones-m365/shared/db';
import { sealSecret } from '@ones-m365/shared/integrations';
import { SignInFailure, type PendingSignIn, type SignInClient, type SignInTicket } from '@ones-m365/shared/sso';
import { SignInService } from '../../../services/api/src/auth/sign-in.service.js';

const TENANT = '6f1c1a52-3b7e-4e0e-9a51-0f6a4a3d2c10';
const CLIENT = '0c4a7e0e-8a1b-4b8c-9f55-2d7cf0a1b001';
const ID = '11111111-2222-4333-8444-555555555555';
const LOGIN = 'https://login.test';

/** An in-memory store with Redis's GETDEL semantics. */
function memoryStore() {
  const pending = new Map<string, PendingSignIn>();
  const tickets = new Map<string, SignInTicket>();
  let n = 0;
  return {
    pending,
    tickets,
    savePending: async (state: string, p: PendingSignIn) => void pending.set(state, p),
    takePending: async (state: string) => {
      const p = pending.get(state) ?? null;
      pending.delete(state);
      return p;
    },
    issueTicket: async (t: SignInTicket) => {
      const k = `ticket-${++n}-${randomBytes(8).toString('hex')}`;
      tickets.set(k, t);
      return k;
    },
    redeemTicket: async (k: string) => {
      const t = tickets.get(k) ?? null;
      tickets.delete(k);
      return t;
    },
  };
}

describe('sso: SignInService', () => {
  const box = new SecretBox(randomBytes(32));
  const lines: string[] = [];
  const logger = winston.createLogger({
    level: 'debug',
    format: winston.format.json(),
    transports: [
      new winston.transports.Stream({
        stream: new Writable({
          write(c, _e, cb) {
            lines.push(String(c));
            cb();
          },
        }),
      }),
    ],
  });
  let keys: Awaited<ReturnType<typeof generateKeyPair>>;
  let jwk: Record<string, unknown>;
  const integration = {
    id: ID,
    cloud: 'global',
    tenantId: TENANT,
    tenantGuid: null,
    clientId: CLIENT,
    endpoints: { login: LOGIN, graph: 'https://graph.test' },
    ...sealSecret(box, ID, 'the-client-secret-value'),
    userSettings: {
      defaultGroupIds: [],
      cardNumber: { enabled: false },
      loginButtonName: 'Go',
      signIn: { enabled: true, allowedReturnOrigins: ['https://ones.example.com'] },
    },
  } as unknown as IntegrationEntity;

  before(async () => {
    keys = await generateKeyPair('RS256');
    jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k', alg: 'RS256' };
  });

  function service(store = memoryStore()) {
    let authorized: { state: string; nonce: string } | null = null;
    const client: SignInClient = {
      authCodes: {
        authorizeUrl: async (_c, r) => {
          authorized = { state: r.state, nonce: r.nonce };
          return `${LOGIN}/${TENANT}/oauth2/v2.0/authorize?state=${r.state}`;
        },
        redeem: async () =>
          new SignJWT({
            aud: CLIENT,
            iss: `${LOGIN}/${TENANT}/v2.0`,
            tid: TENANT,
            oid: 'oid-1',
            nonce: authorized!.nonce,
          })
            .setProtectedHeader({ alg: 'RS256', kid: 'k' })
            .setIssuedAt()
            .setExpirationTime('1h')
            .sign(keys.privateKey),
      },
      tenantKeys: {
        forCloud: async () => ({
          issuer: `${LOGIN}/${TENANT}/v2.0`,
          tenantGuid: TENANT,
          keys: createLocalJWKSet({ keys: [jwk] }),
        }),
      },
    };
    const svc = new SignInService({
      integrations: { get: async (id) => (id === ID ? integration : null) },
      users: {
        byGraphId: async (_i, oid) =>
          oid === 'oid-1'
            ? {
                id: 'u1',
                graphId: 'oid-1',
                userPrincipalName: 'a@x',
                mail: null,
                displayName: 'A',
                cardNumber: null,
                active: true,
                groupIds: [],
              }
            : null,
        byId: async () => ({
          id: 'u1',
          graphId: 'oid-1',
          userPrincipalName: 'a@x',
          mail: null,
          displayName: 'A',
          cardNumber: null,
          active: true,
          groupIds: [],
        }),
      },
      store,
      client,
      secretBox: box,
      logger,
      config: { publicBaseUrl: 'https://m365.example.com' },
    });
    return { svc, store, state: () => authorized!.state };
  }

  it('logs the steps of a sign-in without its state, code, nonce, verifier, ticket or secret', async () => {
    lines.length = 0;
    const { svc, store, state } = service();
    await svc.start(ID, 'https://ones.example.com/login', 'browser-1');
    const pending = [...store.pending.values()][0]!;
    const location = await svc.complete({ state: state(), code: 'the-authorization-code' }, 'browser-1');
    const ticket = new URL(location).searchParams.get('ticket')!;
    await svc.redeem(ticket);
    await svc.complete({ state: 'unknown' }, 'browser-1').catch(() => undefined);
    const log = lines.join('\n');
    expect(log).to.contain('sign-in started').and.contain('sign-in succeeded');
    for (const secret of [
      state(),
      'the-authorization-code',
      pending.nonce,
      pending.codeVerifier,
      ticket,
      'the-client-secret-value',
      'browser-1',
    ]) {
      expect(log).not.to.contain(secret);
    }
  });

  it('a refusal from Microsoft consumes the state and issues no ticket', async () => {
    const { svc, store, state } = service();
    await svc.start(ID, 'https://ones.example.com/', 'b');
    const err = await svc
      .complete({ state: state(), error: 'consent_required', errorDescription: 'AADSTS65001: no consent' }, 'b')
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(SignInFailure);
    expect((err as SignInFailure).info.code).to.equal('aadsts_65001');
    expect(store.pending.size).to.equal(0);
    expect(store.tickets.size).to.equal(0);
  });

  it('the pending sign-in keeps the returnTo it checked, not the raw text', async () => {
    const { svc, store } = service();
    await svc.start(ID, 'HTTPS://ONES.EXAMPLE.COM/a%20b?x=1#f', 'b');
    expect([...store.pending.values()][0]!.returnTo).to.equal('https://ones.example.com/a%20b?x=1#f');
  });
});
