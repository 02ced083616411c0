import { expect } from 'chai';
import type { JobsOptions } from 'bullmq';
import type { JobName, Producer } from '@ones-m365/shared/queue';
import { NotSyncedStreamError, requestSync, type Coordination, type StreamTarget } from '@ones-m365/shared/sync';

describe('requestSync (generic over the registered stream kinds)', () => {
  const calls: string[] = [];
  const added: { name: JobName; payload: unknown; opts: JobsOptions | undefined }[] = [];
  let answerId: ((given: string) => string) | null = null;
  const producer: Pick<Producer, 'enqueue'> = {
    enqueue: async (name, payload, opts) => {
      calls.push(`enqueue ${name}`);
      added.push({ name, payload, opts });
      return { id: answerId ? answerId(String(opts?.jobId)) : String(opts?.jobId) };
    },
  };
  const tokens: [StreamTarget, string][] = [];
  const coordination: Pick<Coordination, 'requestFull'> = {
    requestFull: async (target, token) => {
      calls.push('requestFull');
      tokens.push([target, token]);
    },
  };
  const deps = { producer, coordination };
  beforeEach(() => {
    calls.length = 0;
    added.length = 0;
    tokens.length = 0;
    answerId = null;
  });

  it('a users request adds users.sync, deduplicated per stream and integration, keeping the last request made during a run', async () => {
    const r = await requestSync(deps, { integrationId: 'i1', stream: 'users', mode: 'delta', trigger: 'webhook' });
    expect(added).to.have.length(1);
    expect(added[0]!.name).to.equal('users.sync');
    expect(added[0]!.payload).to.deep.equal({ integrationId: 'i1', mode: 'delta', trigger: 'webhook' });
    expect(added[0]!.opts!.deduplication).to.deep.equal({ id: 'users:i1', keepLastIfActive: true });
    expect(r).to.deep.equal({ jobId: added[0]!.opts!.jobId, coalesced: false });
    expect(tokens).to.deep.equal([]);
  });

  it("a full request of a stream that follows changes records its token first, under the job's id", async () => {
    await requestSync(deps, { integrationId: 'i1', stream: 'users', mode: 'full', trigger: 'api' });
    expect(calls).to.deep.equal(['requestFull', 'enqueue users.sync']);
    expect(tokens.map(([t, token]) => [t.integrationId, t.stream, token])).to.deep.equal([
      ['i1', 'users', added[0]!.opts!.jobId],
    ]);
  });

  it('rooms are always walked in full: their job carries no mode and no token is written', async () => {
    await requestSync(deps, { integrationId: 'i1', stream: 'rooms', mode: 'full', trigger: 'api' });
    expect(added.map((a) => [a.name, a.payload, a.opts!.deduplication])).to.deep.equal([
      ['rooms.sync', { integrationId: 'i1', trigger: 'api' }, { id: 'rooms:i1', keepLastIfActive: true }],
    ]);
    expect(tokens).to.deep.equal([]);
  });

  it('merged into a waiting job: the answer names that job and says so', async () => {
    answerId = () => 'the-waiting-one';
    expect(
      await requestSync(deps, { integrationId: 'i1', stream: 'users', mode: 'delta', trigger: 'api' }),
    ).to.deep.equal({ jobId: 'the-waiting-one', coalesced: true });
  });

  it('a stream of a kind this version does not sync is refused before anything is written', async () => {
    const err = await requestSync(deps, {
      integrationId: 'i1',
      stream: 'desks:3f1c2a9e-0000-4000-8000-000000000001' as never,
      mode: 'full',
      trigger: 'api',
    }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(NotSyncedStreamError);
    expect(calls).to.deep.equal([]);
  });
});
