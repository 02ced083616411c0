import { expect } from 'chai';
import sinon from 'sinon';
import type { IntegrationEntity, IntegrationWrite } from '@ones-m365/shared/db';
import { NotFoundError } from '@ones-m365/shared/errors';
import { silentLogger } from '@ones-m365/shared/logging';
import type { FollowUp, Outbox } from '@ones-m365/shared/outbox';
import { IntegrationLifecycle } from '../../../services/api/src/services/integration-lifecycle.service.js';
import {
  IntegrationsService,
  type IntegrationsServiceDeps,
} from '../../../services/api/src/services/integrations.service.js';

const integration = {
  id: 'i1',
  status: 'enabled',
  roomSettings: { mode: 'all' },
  userSettings: null,
} as unknown as IntegrationEntity;

/** An outbox whose write runs `fn` against fake repositories, or finds the integration gone (a DELETE won the race). */
function fakeOutbox(opts: { gone?: boolean; jobIds?: (string | null)[] } = {}) {
  const followUps: FollowUp[] = [];
  const tx = {
    integration,
    integrations: { update: sinon.stub().resolves(integration), softDelete: sinon.stub().resolves(true) },
    pendingJobs: { cancel: sinon.stub().resolves(0) },
    rooms: { activeIds: sinon.stub().resolves([{ id: 'room-1' }]) },
  };
  const outbox: Pick<Outbox, 'write'> = {
    async write(_id, fn) {
      if (opts.gone) return null;
      const { value, followUps: f } = await fn(tx as unknown as IntegrationWrite);
      followUps.push(...f);
      return { value, jobs: opts.jobIds ?? f.map((_, i) => `job-${i}`) };
    },
  };
  return { outbox, tx, followUps };
}

describe('integration writes racing DELETE (service level)', () => {
  const lifecycle = (outbox: Pick<Outbox, 'write'>) =>
    new IntegrationLifecycle({ outbox, graph: { invalidate: sinon.stub() }, logger: silentLogger() });

  for (const [name, call] of [
    ['enable', (l: IntegrationLifecycle) => l.enable('i1')],
    ['disable', (l: IntegrationLifecycle) => l.disable('i1')],
    ['remove', (l: IntegrationLifecycle) => l.remove('i1')],
    ['setSyncMode', (l: IntegrationLifecycle) => l.setSyncMode('i1', 'polling')],
  ] as const) {
    it(`${name}: NotFoundError (404) when the integration is gone by the time the write locks it`, async () => {
      const err = await call(lifecycle(fakeOutbox({ gone: true }).outbox)).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(NotFoundError);
    });
  }

  it('enable stores the first syncs and a verifying reconcile with the change, and answers their job ids (null while deferred)', async () => {
    const { outbox, followUps } = fakeOutbox({ jobIds: ['r', null, 'c', 's'] });
    const { jobs } = await lifecycle(outbox).enable('i1');
    expect(followUps).to.deep.equal([
      { kind: 'sync', stream: 'rooms', mode: 'full', trigger: 'enable' },
      { kind: 'sync', stream: 'users', mode: 'full', trigger: 'enable' },
      { kind: 'sync', stream: 'calendar:room-1', mode: 'full', trigger: 'enable' },
      { kind: 'reconcile', verify: true },
    ]);
    expect(jobs).to.deep.equal({ rooms: 'r', users: null, 'calendar:room-1': 'c', subscriptions: 's' });
  });

  it('remove drops the pending syncs in the same write and asks for a reconcile', async () => {
    const { outbox, tx, followUps } = fakeOutbox();
    await lifecycle(outbox).remove('i1');
    expect(tx.integrations.softDelete.calledOnceWith('i1')).to.equal(true);
    expect(tx.pendingJobs.cancel.calledOnceWith('i1', 'sync')).to.equal(true);
    expect(followUps).to.deep.equal([{ kind: 'reconcile' }]);
  });

  describe('IntegrationsService', () => {
    const service = (over: Partial<IntegrationsServiceDeps>) =>
      new IntegrationsService({
        integrations: { get: sinon.stub().resolves(integration), update: sinon.stub().resolves(null) },
        groups: { existing: sinon.stub().resolves([]) },
        graph: { invalidate: sinon.stub() },
        secretBox: {},
        logger: silentLogger(),
        config: { allowCustomEndpoints: true, publicBaseUrl: 'https://x.example' },
        outbox: fakeOutbox().outbox,
        ...over,
      } as unknown as IntegrationsServiceDeps);

    it('PATCH: NotFoundError when DELETE committed between the read and the update', async () => {
      const err = await service({})
        .update('i1', { name: 'n' })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(err).to.be.instanceOf(NotFoundError);
    });

    it('room settings: NotFoundError when the integration is gone by the time they are saved', async () => {
      const err = await service({ outbox: fakeOutbox({ gone: true }).outbox })
        .setRoomSettings('i1', { mode: 'all' })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(err).to.be.instanceOf(NotFoundError);
    });

    it('room settings of an enabled integration: the rooms resync is stored with them', async () => {
      const { outbox, followUps } = fakeOutbox();
      const emails = ['a@x.example'];
      const graph = {
        iterateRooms: async function* () {
          yield { emailAddress: emails[0] };
        },
      };
      await service({ outbox, graph: graph as never, secretBox: { open: () => 's' } as never }).setRoomSettings('i1', {
        mode: 'selected',
        roomEmails: emails,
      });
      expect(followUps).to.deep.equal([{ kind: 'sync', stream: 'rooms', mode: 'full', trigger: 'resync' }]);
    });
  });
});
