/** The synced users a sign-in matches: by the ID token's object ID within one integration only. */
import type { DataSource } from 'typeorm';
import { UserEntity, UserGroupEntity } from '@ones-m365/shared/db';

export interface SignedInUser {
  id: string;
  graphId: string;
  userPrincipalName: string | null;
  mail: string | null;
  displayName: string | null;
  cardNumber: string | null;
  active: boolean;
  groupIds: string[];
}

export interface SignedInUsers {
  byGraphId(integrationId: string, graphId: string): Promise<SignedInUser | null>;
  byId(integrationId: string, userId: string): Promise<SignedInUser | null>;
}

export function signedInUsers(db: DataSource): SignedInUsers {
  const users = db.getRepository(UserEntity);
  const links = db.getRepository(UserGroupEntity);
  const view = async (u: UserEntity | null): Promise<SignedInUser | null> => {
    if (!u) return null;
    const groupIds = (await links.find({ where: { userId: u.id } })).map((l) => l.groupId).sort();
    return {
      id: u.id,
      graphId: u.graphId,
      userPrincipalName: u.userPrincipalName,
      mail: u.mail,
      displayName: u.displayName,
      cardNumber: u.cardNumber,
      active: Boolean(u.active),
      groupIds,
    };
  };
  return {
    byGraphId: async (integrationId, graphId) => view(await users.findOne({ where: { integrationId, graphId } })),
    byId: async (integrationId, userId) => view(await users.findOne({ where: { integrationId, id: userId } })),
  };
}
