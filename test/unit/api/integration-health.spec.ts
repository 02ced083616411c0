import { expect } from 'chai';
import type { EventDeliveryEntity, StreamRunSummary } from '@ones-m365/shared/db';
import type { HealthFacts } from '../../../services/api/src/health/health-types.js';
import { integrationHealth } from '../../../services/api/src/health/integration-health.js';

const NOW = new Date('2026-12-02T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
const daysFromNow = (d: number) => new Date(NOW.getTime() + d * 86_400_000);

const synced = (stream: string, at: Date): StreamRunSummary => ({
  stream,
  lastSuccessAt: at,
  lastFailureAt: null,
  failure: null,
  retrying: null,
});

function facts(over: Partial<HealthFacts> = {}, integration: Partial<HealthFacts['integration']> = {}): HealthFacts {
  return {
    now: NOW,
    integration: {
      id: 'i-1',
      status: 'enabled',
      syncMode: 'webhooks',
      pollIntervalSeconds: 300,
      statusReason: null,
      clientSecretExpiresAt: daysFromNow(200),
      ...integration,
    },
    token: { at: minutesAgo(2), ok: true, code: '', message: '', retryable: false, fingerprint: 'f' },
    expectedStreamKinds: ['rooms', 'users'],
    streams: [synced('users', minutesAgo(3)), synced('rooms', minutesAgo(4))],
    scheduleEverySeconds: 900,
    subscriptions: [{ stream: 'users', status: 'active', expiresAt: daysFromNow(20) }],
    throttledLastHour: 0,
    waitingConfirmation: [],
    events: { webhook: false, delivery: null, pending: 0 },
    ...over,
  };
}

function delivery(over: Partial<EventDeliveryEntity> = {}): EventDeliveryEntity {
  return {
    integrationId: 'i-1',
    headSeq: 9,
    headId: 'b-9',
    headIndex: 4,
    cursorSeq: 9,
    cursorId: 'b-9',
    cursorIndex: 4,
    cursorEventId: 'e-9',
    attempts: 0,
    failingSince: null,
    nextAttemptAt: null,
    lastError: null,
    lastDeliveredAt: minutesAgo(1),
    deliveredTotal: 120,
    givenUpTotal: 0,
    givenUpAt: null,
    givenUpAfter: null,
    givenUpCount: 0,
    updatedAt: minutesAgo(1),
    ...over,
  };
}

const check = (h: ReturnType<typeof integrationHealth>, name: string) => {
  const c = h.checks.find((x) => x.name === name);
  if (!c) throw new Error(`no check ${name} in ${h.checks.map((x) => x.name).join(', ')}`);
  return c;
};

describe("api/health: an integration's health from recorded facts", () => {
  it('is ok with every named check when all is well', () => {
    const h = integrationHealth(facts());
    expect(h.status).to.equal('ok');
    expect(h.checks.map((c) => c.name)).to.deep.equal([
      'credentials',
      'stream:rooms',
      'stream:users',
      'subscriptions',
      'throttling',
      'confirmation',
      'events',
    ]);
    expect(check(h, 'subscriptions').message).to.include('1 active');
    expect(check(h, 'events').message).to.include('GET /api/v1/events');
  });

  describe('events', () => {
    const events = (d: EventDeliveryEntity | null, pending = 0) => ({
      events: { webhook: true, delivery: d, pending },
    });

    it('is ok while the receiver acknowledges, with what waits', () => {
      const c = check(integrationHealth(facts(events(delivery(), 3))), 'events');
      expect(c.status).to.equal('ok');
      expect(c.message).to.include('120 event(s)').and.include('3 waiting');
    });

    it('warns while deliveries fail, naming the error and the next attempt', () => {
      const d = delivery({
        attempts: 4,
        failingSince: minutesAgo(30),
        nextAttemptAt: new Date(NOW.getTime() + 60_000),
        lastError: 'the receiver answered HTTP 500',
      });
      const h = integrationHealth(facts(events(d, 40)));
      expect(h.status).to.equal('warning');
      expect(check(h, 'events').message)
        .to.include('HTTP 500')
        .and.include('4 attempt(s)')
        .and.include('2026-12-02T12:01:00Z')
        .and.include('40 event(s) waiting');
    });

    it('fails once events were given up on in the current failing streak, with the replay that reads them', () => {
      const d = delivery({
        attempts: 60,
        failingSince: minutesAgo(25 * 60),
        lastError: 'no answer within 10 s',
        givenUpAt: minutesAgo(10),
        givenUpCount: 812,
        givenUpAfter: '01a2-last',
      });
      const h = integrationHealth(facts(events(d)));
      expect(h.status).to.equal('failing');
      expect(check(h, 'events').message)
        .to.include('812 event(s) given up')
        .and.include('GET /api/v1/events?integrationId=i-1&after=01a2-last');
    });

    it('warns for a week after a give-up once deliveries work again', () => {
      const d = delivery({ givenUpAt: minutesAgo(3 * 24 * 60), givenUpCount: 5, givenUpAfter: null });
      const c = check(integrationHealth(facts(events(d))), 'events');
      expect(c.status).to.equal('warning');
      expect(c.message).to.include('Delivering again').and.include('GET /api/v1/events?integrationId=i-1.');
      const later = delivery({ givenUpAt: minutesAgo(8 * 24 * 60), givenUpCount: 5 });
      expect(check(integrationHealth(facts(events(later))), 'events').status).to.equal('ok');
    });
  });

  it("warns 30 and 7 days ahead of the secret's expiry, and fails once it is past", () => {
    expect(
      check(integrationHealth(facts({}, { clientSecretExpiresAt: daysFromNow(31) })), 'credentials').status,
    ).to.equal('ok');
    const month = check(integrationHealth(facts({}, { clientSecretExpiresAt: daysFromNow(29.5) })), 'credentials');
    expect(month).to.include({ status: 'warning' });
    expect(month.message).to.include('in 29 days').and.include('Certificates & secrets');
    const week = check(integrationHealth(facts({}, { clientSecretExpiresAt: daysFromNow(6.5) })), 'credentials');
    expect(week).to.include({ status: 'warning' });
    expect(week.message).to.include('in 6 days');
    const past = integrationHealth(facts({}, { clientSecretExpiresAt: daysFromNow(-1) }));
    expect(past.status).to.equal('failing');
    expect(check(past, 'credentials').message).to.include('expired on 2026-12-01').and.include('PATCH');
  });

  it('fails on AADSTS7000222 from Microsoft even without an expiry date, with the fix', () => {
    const token = {
      at: minutesAgo(1),
      ok: false,
      code: 'expired_secret',
      message: 'The client secret has expired',
      retryable: false,
      fingerprint: 'f',
    };
    const h = integrationHealth(facts({ token }, { clientSecretExpiresAt: null }));
    expect(h.status).to.equal('failing');
    expect(check(h, 'credentials').message).to.include('AADSTS7000222').and.include('New client secret');
  });

  it('a transient token failure is a warning, a wrong secret fails with its portal step', () => {
    const transient = {
      at: minutesAgo(1),
      ok: false,
      code: 'transient',
      message: 'the login host could not be reached',
      retryable: true,
      fingerprint: 'f',
    };
    expect(check(integrationHealth(facts({ token: transient })), 'credentials').status).to.equal('warning');
    const wrong = { ...transient, code: 'invalid_secret', message: 'The client secret is wrong', retryable: false };
    const c = check(integrationHealth(facts({ token: wrong })), 'credentials');
    expect(c.status).to.equal('failing');
    expect(c.message).to.include('Value (not the Secret ID)');
  });

  it('a stream whose last run failed is failing and says the error; a late one warns', () => {
    const failed: StreamRunSummary = {
      stream: 'users',
      lastSuccessAt: minutesAgo(90),
      lastFailureAt: minutesAgo(5),
      failure: { error: 'Graph said no', at: minutesAgo(5) },
      retrying: null,
    };
    const h = integrationHealth(facts({ streams: [failed, synced('rooms', minutesAgo(4))] }));
    expect(h.status).to.equal('failing');
    expect(check(h, 'stream:users').message).to.include('Graph said no');
    const late = integrationHealth(
      facts({ streams: [synced('users', minutesAgo(3)), synced('rooms', minutesAgo(50))] }),
    );
    expect(check(late, 'stream:rooms').status).to.equal('warning');
    expect(check(late, 'stream:users').status).to.equal('ok');
  });

  it('an ok stream still mentions a failure it recovered from', () => {
    const recovered: StreamRunSummary = {
      stream: 'users',
      lastSuccessAt: minutesAgo(2),
      lastFailureAt: minutesAgo(30),
      failure: null,
      retrying: null,
    };
    const c = check(integrationHealth(facts({ streams: [recovered, synced('rooms', minutesAgo(4))] })), 'stream:users');
    expect(c.status).to.equal('ok');
    expect(c.message).to.include('last failed run 30 min ago, since recovered');
  });

  it("judges lateness by the integration's own schedule", () => {
    const daily = facts({
      scheduleEverySeconds: 86_400,
      streams: [synced('users', minutesAgo(600)), synced('rooms', minutesAgo(600))],
    });
    expect(integrationHealth(daily).status).to.equal('ok');
  });

  it('shows a stream kind it has never heard of (calendars) from the records alone, worst room first', () => {
    const streams = [
      synced('users', minutesAgo(1)),
      synced('rooms', minutesAgo(1)),
      synced('calendar:room-1', minutesAgo(2)),
      {
        stream: 'calendar:room-2',
        lastSuccessAt: null,
        lastFailureAt: minutesAgo(1),
        failure: { error: 'mailbox not found', at: minutesAgo(1) },
        retrying: null,
      },
    ];
    const c = check(integrationHealth(facts({ streams })), 'stream:calendar');
    expect(c.status).to.equal('failing');
    expect(c.message).to.include('1 of 2 streams failing').and.include('mailbox not found');
  });

  it('an expected stream with no finished run yet warns', () => {
    const c = check(integrationHealth(facts({ streams: [synced('users', minutesAgo(1))] })), 'stream:rooms');
    expect(c.status).to.equal('warning');
    expect(c.message).to.include('no sync has finished yet');
  });

  it('subscriptions: expired fails, overdue renewal warns, polling fallback warns with the reason', () => {
    expect(
      check(
        integrationHealth(facts({ subscriptions: [{ stream: 'users', status: 'active', expiresAt: minutesAgo(1) }] })),
        'subscriptions',
      ).status,
    ).to.equal('failing');
    expect(
      check(
        integrationHealth(
          facts({
            subscriptions: [{ stream: 'users', status: 'active', expiresAt: new Date(NOW.getTime() + 3600_000) }],
          }),
        ),
        'subscriptions',
      ).status,
    ).to.equal('warning');
    const fallback = check(
      integrationHealth(
        facts(
          { subscriptions: [] },
          { statusReason: 'Change notifications unavailable: quota. Polling every 300 s instead.' },
        ),
      ),
      'subscriptions',
    );
    expect(fallback).to.include({ status: 'warning' });
    expect(fallback.message).to.include('quota');
    expect(
      check(integrationHealth(facts({ subscriptions: [] }, { syncMode: 'polling' })), 'subscriptions').status,
    ).to.equal('ok');
  });

  it('throttling in the last hour warns with the count', () => {
    const c = check(integrationHealth(facts({ throttledLastHour: 7 })), 'throttling');
    expect(c).to.include({ status: 'warning' });
    expect(c.message).to.include('7 requests');
  });

  it('a run waiting for confirmation warns with the confirm route, until its stream synced since', () => {
    const waiting = [{ id: 'run-9', stream: 'users', startedAt: minutesAgo(10) }];
    const c = check(
      integrationHealth(
        facts({
          waitingConfirmation: waiting,
          streams: [synced('users', minutesAgo(20)), synced('rooms', minutesAgo(1))],
        }),
      ),
      'confirmation',
    );
    expect(c.status).to.equal('warning');
    expect(c.message).to.include('/api/v1/integrations/i-1/sync-runs/run-9/confirm');
    expect(check(integrationHealth(facts({ waitingConfirmation: waiting })), 'confirmation').status).to.equal('ok');
  });

  it('a disabled integration is not expected to sync', () => {
    const h = integrationHealth(facts({ streams: [], subscriptions: [] }, { status: 'disabled' }));
    expect(h.status).to.equal('ok');
    expect(check(h, 'stream:users').message).to.include('not syncing');
  });
});
