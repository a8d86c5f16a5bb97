import { sendHtml, sendJson } from '../web/respond.js';
import { askFragment, askPage, MAX_ASK_ID } from './ask-page.js';
import { asksPage, PER_PAGE } from './asks-page.js';
import { sendMessage } from './chrome.js';
import { communitiesPage } from './communities-page.js';
import type { ConsoleDeps } from './deps.js';
import { plain, type Visit } from './gate.js';
import { fingerprint, type LiveFeeds } from './live.js';
import { html } from '../web/html.js';
import { membershipSection } from './membership-section.js';
import { sharingSection } from './sharing-section.js';
import { overviewFragment, overviewPage } from './overview-page.js';
import { MODERATION_PER_PAGE, moderationPage } from './moderation-page.js';
import { isBad, readAsksFilter, readDays, readPage } from './read-query.js';

/** The console's GET routes: each reads the operator API once and renders. */
export class Views {
  constructor(
    private readonly d: ConsoleDeps,
    private readonly live: LiveFeeds,
  ) {}

  overview = async (v: Visit): Promise<void> => {
    const o = await this.d.operator.overview();
    const governance = html`${membershipSection(await this.d.operator.memberships(), v.view)}
    ${sharingSection(await this.d.operator.sharing(), v.view)}`;
    sendHtml(v.res, 200, overviewPage(o, v.view, fingerprint(o), governance));
  };

  overviewFragment = async (v: Visit): Promise<void> => {
    sendHtml(v.res, 200, overviewFragment(await this.d.operator.overview(), v.view));
  };

  asks = async (v: Visit): Promise<void> => {
    const f = readAsksFilter(v.req.query);
    if (isBad(f)) return sendMessage(v.res, 400, { title: 'Asks', message: f.bad, view: v.view, back: '/console/asks' });
    // Only this page is read, whatever the store holds: 100,000 asks render like 10.
    const page = await this.d.operator.asks({ state: f.state, q: f.q, page: f.page, perPage: PER_PAGE });
    sendHtml(v.res, 200, asksPage(page, f, v.view));
  };

  ask = async (v: Visit): Promise<void> => {
    const id = this.askId(v);
    const life = id === undefined ? undefined : await this.d.operator.askLife(id);
    if (!life) return this.noSuchAsk(v);
    sendHtml(v.res, 200, askPage(life, v.view, fingerprint(life)));
  };

  askFragment = async (v: Visit): Promise<void> => {
    const id = this.askId(v);
    const life = id === undefined ? undefined : await this.d.operator.askLife(id);
    if (!life) return plain(v.res, 404, 'no such ask\n');
    sendHtml(v.res, 200, askFragment(life));
  };

  communities = async (v: Visit): Promise<void> => {
    const days = readDays(v.req.query);
    if (isBad(days))
      return sendMessage(v.res, 400, { title: 'Communities', message: days.bad, view: v.view, back: '/console/communities' });
    sendHtml(v.res, 200, communitiesPage(await this.d.operator.communityGraph(days), v.view));
  };

  moderation = async (v: Visit): Promise<void> => {
    const page = readPage(v.req.query);
    if (isBad(page)) return sendMessage(v.res, 400, { title: 'Moderation', message: page.bad, view: v.view, back: '/console/moderation' });
    sendHtml(v.res, 200, moderationPage(await this.d.operator.moderation(page, MODERATION_PER_PAGE), v.view));
  };

  graph = async (v: Visit): Promise<void> => {
    const days = readDays(v.req.query);
    if (isBad(days)) return sendJson(v.res, 400, { error: days.bad });
    sendJson(v.res, 200, await this.d.operator.communityGraph(days));
  };

  /** GET /console/events?view=overview or ?ask=<id>: "changed" whenever what that page shows changed. */
  events = async (v: Visit): Promise<void> => {
    const since = v.req.query.get('since')?.slice(0, 32) ?? undefined;
    if (v.req.query.get('view') === 'overview') return this.live.serve(v.req, v.res, () => this.d.operator.overview(), since);
    const id = this.askId(v);
    if (id === undefined) return plain(v.res, 400, 'say view=overview or ask=<id>\n');
    this.live.serve(v.req, v.res, () => this.d.operator.askLife(id), since);
  };

  private askId(v: Visit): string | undefined {
    const id = (v.req.query.get('id') ?? v.req.query.get('ask') ?? '').trim();
    return id === '' || id.length > MAX_ASK_ID ? undefined : id;
  }

  private noSuchAsk(v: Visit): void {
    sendMessage(v.res, 404, {
      title: 'No such ask',
      message: 'There is no ask with this id: it may have been mistyped, or purged after the retention period.',
      view: v.view,
      back: '/console/asks',
    });
  }
}
