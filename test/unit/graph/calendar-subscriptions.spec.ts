import { expect } from 'chai';
import {
  createGraphClient,
  GraphConflictError,
  GraphNotFoundError,
  GraphThrottledError,
  type GraphClient,
} from '../../../shared/graph/index.js';
import { FakeHttp, addFakeLogin } from '../../fakes/graph-fake-http.js';
import { GRAPH, LOGIN, TENANT, rejectionOf, testConnection } from '../../fakes/graph-test-helpers.js';

function setup(): { http: FakeHttp; graph: GraphClient } {
  const http = new FakeHttp();
  addFakeLogin(http, LOGIN, TENANT);
  return { http, graph: createGraphClient({ fetch: http.fetch }) };
}

const EVENT = {
  id: 'e1',
  iCalUId: 'ical-1',
  type: 'singleInstance',
  subject: 'Standup',
  start: { dateTime: '2025-05-01T09:00:00.0000000', timeZone: 'UTC' },
  end: { dateTime: '2025-05-01T09:30:00.0000000', timeZone: 'UTC' },
  organizer: { emailAddress: { name: 'Ann', address: 'ann@contoso.com' } },
  attendees: [
    {
      type: 'resource',
      status: { response: 'accepted' },
      emailAddress: { name: 'Room 1', address: 'room1@contoso.com' },
    },
  ],
  location: { displayName: 'Room 1' },
  isCancelled: false,
};

describe('graph/calendars and subscriptions', () => {
  it('starts calendarView delta with the window and Prefer headers, then follows links with the same preferences', async () => {
    const { http, graph } = setup();
    const next = `${GRAPH}/v1.0/users/room1@contoso.com/calendarView/delta?$skiptoken=c2`;
    http.on('GET', /\/users\/room1%40contoso\.com\/calendarView\/delta\?startDateTime=/, {
      json: { value: [EVENT], '@odata.nextLink': next },
    });
    http.on('GET', /skiptoken=c2/, {
      json: {
        value: [{ id: 'e0', '@removed': { reason: 'deleted' } }],
        '@odata.deltaLink': `${GRAPH}/v1.0/users/room1@contoso.com/calendarView/delta?$deltatoken=d1`,
      },
    });
    const p1 = await graph.calendarViewDelta(
      testConnection(),
      'room1@contoso.com',
      { start: new Date('2025-04-30T00:00:00Z'), end: '2025-10-27T00:00:00Z' },
      25,
    );
    const req1 = http.requests.at(-1)!;
    const u = new URL(req1.url);
    expect(u.searchParams.get('startDateTime')).to.equal('2025-04-30T00:00:00.000Z');
    expect(u.searchParams.get('endDateTime')).to.equal('2025-10-27T00:00:00.000Z');
    expect(u.searchParams.has('$select')).to.equal(false);
    expect(req1.headers.prefer).to.include('odata.maxpagesize=25');
    expect(req1.headers.prefer).to.include('outlook.timezone="UTC"');
    expect(p1.events[0]).to.include({
      id: 'e1',
      start: '2025-05-01T09:00:00.000Z',
      end: '2025-05-01T09:30:00.000Z',
      location: 'Room 1',
      subject: 'Standup',
    });
    expect(p1.events[0]!.organizer).to.deep.equal({ name: 'Ann', address: 'ann@contoso.com' });
    expect(p1.events[0]!.attendees[0]).to.deep.equal({
      name: 'Room 1',
      address: 'room1@contoso.com',
      type: 'resource',
      response: 'accepted',
    });
    expect(p1.nextLink).to.equal(next);

    const p2 = await graph.calendarViewDelta(testConnection(), 'room1@contoso.com', { link: p1.nextLink! }, 25);
    expect(http.requests.at(-1)!.headers.prefer).to.include('odata.maxpagesize=25');
    expect(p2.events).to.deep.equal([]);
    expect(p2.removed).to.deep.equal([{ id: 'e0', reason: 'deleted' }]);
    expect(p2.deltaLink).to.include('deltatoken=d1');
  });

  it('declines an event as the room with a comment (202, no body)', async () => {
    const { http, graph } = setup();
    http.on('POST', /\/users\/room1%40contoso\.com\/events\/e1\/decline$/, { status: 202 });
    await graph.declineEvent(testConnection(), 'room1@contoso.com', 'e1', 'Outside booking hours');
    const req = http.requests.at(-1)!;
    expect(JSON.parse(req.body!)).to.deep.equal({ comment: 'Outside booking hours', sendResponse: true });
    expect(req.headers['content-type']).to.include('application/json');
  });

  it('lists a few events for a probe', async () => {
    const { http, graph } = setup();
    http.on('GET', /\/users\/room1%40contoso\.com\/events\?/, { json: { value: [EVENT] } });
    const events = await graph.listEvents(testConnection(), 'room1@contoso.com', { top: 1 });
    expect(events.map((e) => e.id)).to.deep.equal(['e1']);
    expect(new URL(http.requests.at(-1)!.url).searchParams.get('$top')).to.equal('1');
  });

  it('creates, gets, lists, renews, reauthorizes and deletes subscriptions', async () => {
    const { http, graph } = setup();
    const sub = {
      id: 's1',
      resource: '/users',
      changeType: 'updated,deleted',
      notificationUrl: 'https://api.example/webhooks/graph/notifications',
      expirationDateTime: '2025-05-20T00:00:00Z',
      clientState: 'cs',
    };
    http.on('POST', /^\/v1\.0\/subscriptions$/, { status: 201, json: sub });
    http.on('GET', /^\/v1\.0\/subscriptions\/s1$/, { json: sub });
    http.on('GET', /^\/v1\.0\/subscriptions$/, {
      json: { value: [sub], '@odata.nextLink': `${GRAPH}/v1.0/subscriptions?$skiptoken=s2` },
    });
    http.on('GET', /skiptoken=s2/, { json: { value: [{ ...sub, id: 's2' }] } });
    http.on('PATCH', /^\/v1\.0\/subscriptions\/s1$/, (req) => ({
      json: { ...sub, expirationDateTime: JSON.parse(req.body!).expirationDateTime },
    }));
    http.on('POST', /^\/v1\.0\/subscriptions\/s1\/reauthorize$/, { status: 204 });
    http.on('DELETE', /^\/v1\.0\/subscriptions\/s1$/, { status: 204 });

    const created = await graph.createSubscription(testConnection(), {
      changeType: ['updated', 'deleted'],
      notificationUrl: sub.notificationUrl,
      resource: '/users',
      expirationDateTime: new Date('2025-05-20T00:00:00Z'),
      clientState: 'cs',
      lifecycleNotificationUrl: 'https://api.example/webhooks/graph/lifecycle',
    });
    expect(created).to.include({ id: 's1', resource: '/users', clientState: 'cs' });
    const body = JSON.parse(http.requests.at(-1)!.body!);
    expect(body).to.deep.equal({
      changeType: 'updated,deleted',
      notificationUrl: sub.notificationUrl,
      resource: '/users',
      expirationDateTime: '2025-05-20T00:00:00.000Z',
      clientState: 'cs',
      lifecycleNotificationUrl: 'https://api.example/webhooks/graph/lifecycle',
    });
    expect((await graph.getSubscription(testConnection(), 's1')).id).to.equal('s1');
    expect((await graph.listSubscriptions(testConnection())).map((s) => s.id)).to.deep.equal(['s1', 's2']);
    const renewed = await graph.renewSubscription(testConnection(), 's1', '2025-05-25T00:00:00Z');
    expect(renewed.expirationDateTime).to.equal('2025-05-25T00:00:00.000Z');
    await graph.reauthorizeSubscription(testConnection(), 's1');
    await graph.deleteSubscription(testConnection(), 's1');
    expect(http.requests.at(-1)!.method).to.equal('DELETE');
  });

  it('surfaces 409 on a duplicate subscription and 404 on renewing a gone one', async () => {
    const { http, graph } = setup();
    http.on('POST', /^\/v1\.0\/subscriptions$/, {
      status: 409,
      json: { error: { code: 'ExtensionError', message: 'Subscription Id abc already exists' } },
    });
    http.on('PATCH', /subscriptions\/gone/, {
      status: 404,
      json: { error: { code: 'ResourceNotFound', message: 'not found' } },
    });
    const dup = await rejectionOf(
      graph.createSubscription(testConnection(), {
        changeType: 'updated',
        notificationUrl: 'https://a/n',
        resource: '/users',
        expirationDateTime: new Date(),
        clientState: 'x',
      }),
    );
    expect(dup).to.be.instanceOf(GraphConflictError);
    expect((dup as GraphConflictError).message).to.include('already exists');
    const gone = await rejectionOf(graph.renewSubscription(testConnection(), 'gone', new Date()));
    expect(gone).to.be.instanceOf(GraphNotFoundError);
  });
});

describe('graph/subscriptions: renewal in $batch', () => {
  it('renews 25 subscriptions in two $batch requests (20 + 5), each result its own: renewed, gone (404) or throttled (429)', async () => {
    const { http, graph } = setup();
    http.on('POST', /\/v1\.0\/\$batch$/, (req) => {
      const { requests } = JSON.parse(req.body!) as {
        requests: { id: string; method: string; url: string; body: { expirationDateTime: string } }[];
      };
      return {
        json: {
          responses: requests.map((r) => {
            const id = decodeURIComponent(r.url.split('/').pop()!);
            if (id === 's3')
              return { id: r.id, status: 404, body: { error: { code: 'ResourceNotFound', message: 'gone' } } };
            if (id === 's22')
              return {
                id: r.id,
                status: 429,
                headers: { 'Retry-After': '7' },
                body: { error: { code: 'TooManyRequests', message: 'slow down' } },
              };
            return {
              id: r.id,
              status: 200,
              body: { id, resource: '/users', changeType: 'updated', expirationDateTime: r.body.expirationDateTime },
            };
          }),
        },
      };
    });
    const at = new Date('2025-05-25T00:00:00Z');
    const ids = Array.from({ length: 25 }, (_, i) => `s${i + 1}`);
    const results = await graph.renewSubscriptions(
      testConnection(),
      ids.map((id) => ({ id, expirationDateTime: at })),
    );
    const batches = http.requestsTo('/$batch');
    expect(batches.map((b) => (JSON.parse(b.body!) as { requests: unknown[] }).requests.length)).to.deep.equal([20, 5]);
    expect(
      (JSON.parse(batches[0]!.body!) as { requests: { method: string }[] }).requests.every((r) => r.method === 'PATCH'),
    ).to.equal(true);
    expect(results.map((r) => r.id)).to.deep.equal(ids);
    const renewed = results.filter((r) => 'subscription' in r);
    expect(renewed).to.have.length(23);
    expect(
      renewed.every((r) => 'subscription' in r && r.subscription.expirationDateTime === '2025-05-25T00:00:00.000Z'),
    ).to.equal(true);
    const failed = new Map(results.flatMap((r) => ('error' in r ? [[r.id, r.error] as const] : [])));
    expect(failed.get('s3')).to.be.instanceOf(GraphNotFoundError);
    expect(failed.get('s22')).to.be.instanceOf(GraphThrottledError);
    expect((failed.get('s22') as GraphThrottledError).retryAfterMs).to.equal(7_000);
  });
});
