import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { Logger } from '../../src/core/logger.js';
import type { Store } from '../../src/ports/store.js';

/**
 * Bolt's `InstallationStore` kept in feelers' own store, so every instance behind a load
 * balancer sees an install the moment one of them completed the OAuth redirect.
 *
 * A workspace install lives at `slack-install:<teamId>`; an org-wide (Enterprise Grid) install
 * at `slack-install:<enterpriseId>` (Slack ids start with T and E, so the two never collide).
 * Outbound calls only know a team id, so the team → org link seen on inbound events is kept
 * too (`slack-install-org:<teamId>`).
 */
export const installKey = (id: string): string => `slack-install:${id}`;
const orgOfTeamKey = (team: string): string => `slack-install-org:${team}`;

type AnyInstallation = Installation<'v1' | 'v2', boolean>;

export class StoreInstallations implements InstallationStore {
  constructor(
    private readonly store: Store,
    private readonly log: Logger,
  ) {}

  async storeInstallation<V extends 'v1' | 'v2'>(installation: Installation<V, boolean>): Promise<void> {
    const id = installation.isEnterpriseInstall ? installation.enterprise?.id : installation.team?.id;
    if (!id) throw new Error('slack installation without a team or enterprise id');
    await this.store.set(installKey(id), installation);
    this.log.info({ installation: id, org: installation.isEnterpriseInstall === true }, 'slack app installed');
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<AnyInstallation> {
    const id = query.isEnterpriseInstall ? query.enterpriseId : query.teamId;
    const found = id ? await this.store.get<AnyInstallation>(installKey(id)) : undefined;
    if (!found) throw new Error(`no slack installation for ${id ?? 'an event without a team'}`);
    if (query.isEnterpriseInstall && query.teamId && query.enterpriseId) {
      await this.store.set(orgOfTeamKey(query.teamId), query.enterpriseId);
    }
    return found;
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    const id = query.isEnterpriseInstall ? query.enterpriseId : query.teamId;
    if (!id) return;
    await this.store.delete(installKey(id));
    this.log.info({ installation: id }, 'slack app uninstalled; its installation is removed');
  }

  /** The install that serves one workspace: its own, else its org's. */
  async forTeam(team: string): Promise<AnyInstallation | undefined> {
    const own = await this.store.get<AnyInstallation>(installKey(team));
    if (own) return own;
    const org = await this.store.get<string>(orgOfTeamKey(team));
    return org ? this.store.get<AnyInstallation>(installKey(org)) : undefined;
  }
}
