import { roomSettingsSchema, userSettingsSchema } from '@ones-m365/shared/integrations';
import { defineRoute, type AnyRoute } from '../http/route.js';
import type { IntegrationLifecycle } from '../services/integration-lifecycle.service.js';
import { integrationView } from '@ones-m365/shared/events';
import type { IntegrationsService } from '../services/integrations.service.js';
import {
  createIntegrationSchema,
  credentialsSchema,
  idParams,
  patchIntegrationSchema,
  syncModeSchema,
} from './integration.schemas.js';

const TAG = 'integrations';
const roomView = (r: {
  id: string;
  emailAddress: string | null;
  displayName: string | null;
  capacity: number | null;
  building: string | null;
  floorNumber: number | null;
  floorLabel: string | null;
  bookingType: string | null;
}) => ({
  graphId: r.id,
  email: r.emailAddress,
  displayName: r.displayName,
  capacity: r.capacity,
  building: r.building,
  floorNumber: r.floorNumber,
  floorLabel: r.floorLabel,
  bookingType: r.bookingType,
});

/** Server settings, "Test settings", room settings, user settings (contract.md). */
export function integrationsRoutes(deps: {
  service: IntegrationsService;
  lifecycle: IntegrationLifecycle;
}): AnyRoute[] {
  const s = deps.service;
  const lifecycle = deps.lifecycle;
  return [
    defineRoute({
      method: 'post',
      path: '/integrations',
      tag: TAG,
      summary: 'Create an integration (server settings)',
      description:
        'One live integration per cloud + tenant + client ID (tenant and client ID compared case-insensitively, the tenant as entered: a domain and its GUID are not matched). A second one is 409 with details.integrationId naming the existing one; once that one is deleted, the same tenant and app can be created again.',
      body: createIntegrationSchema,
      responses: {
        201: 'The integration (without its secret)',
        400: 'Invalid fields, each named',
        409: 'An integration for this cloud, tenant and client ID exists (details.integrationId)',
      },
      async handler({ body }, res) {
        res.status(201).json(integrationView(await s.create(body)));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/integrations',
      tag: TAG,
      summary: 'List integrations',
      responses: { 200: '{items: [integration]}' },
      async handler() {
        return { items: (await s.list()).map((i) => integrationView(i)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/integrations/test',
      tag: TAG,
      summary: 'Test settings that are not saved yet',
      description:
        'Takes every credential, the client secret included: it never reads a stored integration (no id), so no stored secret can be sent to the endpoints named here.',
      body: credentialsSchema,
      responses: { 200: '{ok, permissions, checks, error?}', 400: 'Invalid fields' },
      handler: ({ body }) => s.testUnsaved(body),
    }),
    defineRoute({
      method: 'get',
      path: '/integrations/:id',
      tag: TAG,
      summary: 'Read an integration',
      params: idParams,
      responses: { 200: 'The integration', 404: 'No such integration' },
      handler: async ({ params }) => integrationView(await s.get(params.id)),
    }),
    defineRoute({
      method: 'patch',
      path: '/integrations/:id',
      tag: TAG,
      summary: 'Change an integration; a new clientSecret rotates it',
      description:
        'Changing where the client secret is sent (cloud, tenantId, clientId or endpoints, to a value other than the stored one) needs clientSecret in the same request; without it the answer is 400 naming each of those fields and body.clientSecret, and nothing is saved. A change that gives it the cloud + tenant + client ID of another live integration is 409 naming that one.',
      params: idParams,
      body: patchIntegrationSchema,
      responses: {
        200: 'The integration',
        400: 'Invalid fields; or cloud, tenantId, clientId or endpoints changed without clientSecret',
        404: 'No such integration',
        409: 'Another integration has this cloud, tenant and client ID (details.integrationId)',
      },
      handler: async ({ params, body }) => integrationView(await s.update(params.id, body)),
    }),
    defineRoute({
      method: 'delete',
      path: '/integrations/:id',
      tag: TAG,
      summary: 'Delete an integration (synced data is kept, deactivated)',
      params: idParams,
      responses: {
        204: 'Deleted (its subscriptions are deleted at Graph by a follow-up job)',
        404: 'No such integration',
      },
      async handler({ params }) {
        await lifecycle.remove(params.id);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/integrations/:id/test',
      tag: TAG,
      summary: 'Test settings: token, permissions, one probe per API',
      params: idParams,
      responses: {
        200: '{ok, permissions: {required, granted, missing}, checks: [{name, ok, message}], error?: {code, message, hint}}',
        404: 'No such integration',
      },
      handler: ({ params }) => s.test(params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/integrations/:id/available-rooms',
      tag: TAG,
      summary: 'The tenant\'s rooms, live (for "Sync specified room")',
      params: idParams,
      responses: {
        200: '{items: [room]}',
        404: 'No such integration',
        422: 'The tenant refused',
        503: 'Microsoft is unavailable',
      },
      handler: async ({ params }) => ({ items: (await s.availableRooms(params.id)).map(roomView) }),
    }),
    defineRoute({
      method: 'put',
      path: '/integrations/:id/room-settings',
      tag: TAG,
      summary: 'Sync all rooms, or the selected ones',
      params: idParams,
      body: roomSettingsSchema,
      responses: {
        200: 'The integration',
        400: 'Invalid fields or rooms unknown to the tenant, each named',
        404: 'No such integration',
      },
      handler: async ({ params, body }) => integrationView(await s.setRoomSettings(params.id, body)),
    }),
    defineRoute({
      method: 'put',
      path: '/integrations/:id/user-settings',
      tag: TAG,
      summary: 'Default groups, card number source, login button name, user scope',
      params: idParams,
      body: userSettingsSchema,
      responses: {
        200: 'The integration',
        400: 'Invalid fields or unknown groups, each named',
        404: 'No such integration',
        422: 'The pager source cannot be found',
      },
      handler: async ({ params, body }) => integrationView(await s.setUserSettings(params.id, body)),
    }),
    defineRoute({
      method: 'get',
      path: '/integrations/:id/redirect-uri',
      tag: TAG,
      summary: 'The Redirect URI to paste into the Azure portal',
      params: idParams,
      responses: { 200: '{redirectUri}', 404: 'No such integration' },
      async handler({ params }) {
        await s.get(params.id);
        return { redirectUri: s.redirectUri() };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/integrations/:id/sync-mode',
      tag: TAG,
      summary: 'Change notifications (webhooks) or polling only',
      params: idParams,
      body: syncModeSchema,
      responses: {
        200: 'The integration (its subscriptions follow by a job)',
        400: 'Invalid fields',
        404: 'No such integration',
      },
      handler: async ({ params, body }) =>
        integrationView(await lifecycle.setSyncMode(params.id, body.mode, body.pollIntervalSeconds)),
    }),
  ];
}
