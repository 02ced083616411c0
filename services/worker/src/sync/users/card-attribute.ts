/**
 * Which user property holds the card number. `pager` means the AD pager synced by Entra Connect
 * as a directory extension (`extension_<appId>_pager`, graph-facts §3): discovered once with
 * getAvailableExtensionProperties and remembered in the user settings. Discovery needs
 * Directory.Read.All, which the app usually lacks: then card numbers are skipped with a warning
 * (the admin can name the extension property instead), and the sync goes on.
 */
import type { IntegrationEntity, IntegrationRepository } from '@ones-m365/shared/db';
import type { GraphClient, GraphConnection } from '@ones-m365/shared/graph';
import { discoverPager, type UserSettings } from '@ones-m365/shared/integrations';

export async function resolveCardAttribute(
  deps: {
    integrations: Pick<IntegrationRepository, 'update'>;
    graph: Pick<GraphClient, 'getAvailableExtensionProperties'>;
  },
  conn: GraphConnection,
  integration: IntegrationEntity,
  settings: UserSettings & { resolvedCardAttribute?: string },
): Promise<{ attribute: string | null; warnings: string[] }> {
  if (!settings.cardNumber.enabled) return { attribute: null, warnings: [] };
  const attribute = settings.cardNumber.attribute ?? 'pager';
  if (attribute !== 'pager') return { attribute, warnings: [] };
  if (settings.resolvedCardAttribute) return { attribute: settings.resolvedCardAttribute, warnings: [] };
  const discovered = await discoverPager(deps.graph, conn);
  if ('notAllowed' in discovered) {
    return {
      attribute: null,
      warnings: [
        'card numbers skipped: finding the pager directory extension needs the Directory.Read.All permission; ' +
          'grant it, or set the card attribute to the extension_<appId>_pager property name',
      ],
    };
  }
  if ('notFound' in discovered)
    return {
      attribute: null,
      warnings: ['card numbers skipped: the tenant has no extension_…_pager directory extension'],
    };
  const found = discovered.found;
  const raw = integration.userSettings && typeof integration.userSettings === 'object' ? integration.userSettings : {};
  await deps.integrations.update(integration.id, { userSettings: { ...raw, resolvedCardAttribute: found } });
  return { attribute: found, warnings: [] };
}
