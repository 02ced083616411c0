import { expect } from 'chai';
import { IntegrationEntity } from '@ones-m365/shared/db';
import { startWebhookHarness, type WebhookHarness } from '../../support/webhook-harness.js';

/** An integration whose tenant was typed as a verified domain still gets the tenant check. */
describe('webhooks: tenant check for a tenant entered as a domain', () => {
  let w: WebhookHarness;
  let id: string;
  let subId: string;
  const wrongTenant = async () => {
    const text = String((await w.h.call('/metrics', { auth: false })).body);
    return Number(text.match(/ones_m365_webhook_notifications_total\{outcome="wrong_tenant"\} (\d+)/)?.[1] ?? 0);
  };

  before(async () => {
    w = await startWebhookHarness({ seed: { rooms: 0 } });
    id = await w.create({ tenantId: w.sim.tenantInfo().domain });
    await w.enable(id);
    const list = await w.until(
      'the /users subscription',
      () => w.h.call(`/api/v1/integrations/${id}/subscriptions`),
      (r) => r.body.items?.length === 1,
    );
    subId = list.body.items[0].id;
  });
  after(async () => w?.close());

  it('learns the tenant GUID before subscribing and ignores notifications for another tenant', async () => {
    const row = await w.h.db.ds.getRepository(IntegrationEntity).findOneByOrFail({ id });
    expect(row.tenantGuid).to.equal(w.sim.tenantId.toLowerCase());
    const user = w.sim.listUsers({ limit: 1 })[0]!;
    w.sim.updateUser(user.id, { displayName: 'Domain Tenant Change' });
    const genuine = await w.until('a genuine notification', () =>
      w.sim
        .notifications()
        .flatMap((d) => d.value as unknown as Record<string, unknown>[])
        .find((n) => n.subscriptionId === subId),
    );
    const before = await wrongTenant();
    const r = await w.h.call('/webhooks/graph/notifications', {
      method: 'POST',
      auth: false,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: [{ ...genuine, tenantId: '11111111-2222-3333-4444-555555555555' }] }),
    });
    expect(r.status).to.equal(202);
    expect((await wrongTenant()) - before).to.equal(1);
  });
});
