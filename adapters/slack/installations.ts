import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { AdapterState, Logger } from '../../src/ports/index.js';

/**
 * Bolt's `InstallationStore` kept in feelers' own store, so every instance behind a load
 * balancer sees an install the moment one of them completed the OAuth redirect.
 *
 * A workspace install is kept as `install` under its team id; an org-wide (Enterprise Grid)
 * install under its enterprise id (Slack ids start with T and E, so the two never collide).
 * Outbound calls only know a team id, so the team → org link seen on inbound events is kept
 * too (`install-org` under the team id).
 */
const INSTALL = 'install';
const ORG_OF_TEAM = 'install-org';

type AnyInstallation = Installation<'v1' | 'v2', boolean>;

export class StoreInstallations implements InstallationStore {
  constructor(
    private readonly state: AdapterState,
    private readonly log: Logger,
    /** Told of each workspace install once it is stored (the core decides whether the workspace belongs). */
    private readonly onInstalled: (team: string, installer: string, teamName: string | undefined) => Promise<void> = async () => {},
  ) {}

  async storeInstallation<V extends 'v1' | 'v2'>(installation: Installation<V, boolean>): Promise<void> {
    const id = installation.isEnterpriseInstall ? installation.enterprise?.id : installation.team?.id;
    if (!id) throw new Error('slack installation without a team or enterprise id');
    await this.state.set(INSTALL, id, installation);
    this.log.info({ installation: id, org: installation.isEnterpriseInstall === true }, 'slack app installed');
    const team = installation.team?.id;
    // An org-wide install names no one workspace: each of its workspaces is met at its first event.
    if (team && !installation.isEnterpriseInstall) await this.onInstalled(team, installation.user.id, installation.team?.name);
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<AnyInstallation> {
    const id = query.isEnterpriseInstall ? query.enterpriseId : query.teamId;
    const found = id ? await this.state.get<AnyInstallation>(INSTALL, id) : undefined;
    if (!found) throw new Error(`no slack installation for ${id ?? 'an event without a team'}`);
    if (query.isEnterpriseInstall && query.teamId && query.enterpriseId) {
      await this.state.set(ORG_OF_TEAM, query.teamId, query.enterpriseId);
    }
    return found;
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    const id = query.isEnterpriseInstall ? query.enterpriseId : query.teamId;
    if (!id) return;
    await this.state.delete(INSTALL, id);
    this.log.info({ installation: id }, 'slack app uninstalled; its installation is removed');
  }

  /**
   * Forget-me by the person who installed the app: the installation no longer names them.
   * feelers asks for no user scopes, so the installer's id and token serve nothing.
   */
  async forgetInstaller(team: string, user: string): Promise<void> {
    const id = (await this.state.get<string>(ORG_OF_TEAM, team)) ?? team;
    const found = await this.state.get<AnyInstallation>(INSTALL, id);
    if (found?.user.id !== user) return;
    await this.state.set(INSTALL, id, { ...found, user: { id: 'forgotten' } });
  }

  /** The install that serves one workspace: its own, else its org's. */
  async forTeam(team: string): Promise<AnyInstallation | undefined> {
    const own = await this.state.get<AnyInstallation>(INSTALL, team);
    if (own) return own;
    const org = await this.state.get<string>(ORG_OF_TEAM, team);
    return org ? this.state.get<AnyInstallation>(INSTALL, org) : undefined;
  }
}
