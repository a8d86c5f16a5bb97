import { field } from '../web/forms.js';
import { redirect } from '../web/respond.js';
import { MAX_ASK_ID } from './ask-page.js';
import { sendMessage } from './chrome.js';
import type { ConsoleDeps } from './deps.js';
import type { Gate, Visit } from './gate.js';

/** Longest id field read (channel, community, user): platform ids are far shorter. */
const MAX_ID = 200;

/**
 * What an operator can do, each a POST that the gate let through (session, same origin, CSRF
 * token): it calls the operator API, logs who did what (the session's label, never its id),
 * and answers 303 back to the page with a notice saying what happened.
 */
export class Actions {
  constructor(
    private readonly d: ConsoleDeps,
    private readonly gate: Gate,
  ) {}

  closeAsk = async (v: Visit, form: URLSearchParams): Promise<void> => {
    const id = field(form, 'id', MAX_ASK_ID + 1);
    if (id === undefined || id.length > MAX_ASK_ID) return this.missing(v, 'Which ask to close was not said.', '/console/asks');
    const outcome = await this.d.operator.closeAsk(id, v.by);
    this.d.log.info({ operator: v.by.operator, action: 'close_ask', askId: id, outcome }, 'console: close an ask');
    if (outcome === 'not_found') {
      return sendMessage(v.res, 404, { title: 'No such ask', message: 'There is no ask with this id; nothing was closed.', view: v.view });
    }
    this.gate.notify(
      v,
      outcome === 'closed'
        ? 'The ask is closed: its final summary went to the asker’s thread and to its followers.'
        : 'This ask was already closed or expired; nothing changed.',
    );
    redirect(v.res, `/console/ask?id=${encodeURIComponent(id)}`);
  };

  retractAsk = async (v: Visit, form: URLSearchParams): Promise<void> => {
    const id = field(form, 'id', MAX_ASK_ID + 1);
    if (id === undefined || id.length > MAX_ASK_ID) return this.missing(v, 'Which ask to retract was not said.', '/console/asks');
    const outcome = await this.d.operator.retractAsk(id, v.by);
    this.d.log.info({ operator: v.by.operator, action: 'retract_ask', askId: id, outcome }, 'console: retract an ask');
    if (outcome === 'not_found') {
      return sendMessage(v.res, 404, {
        title: 'No such ask',
        message: 'There is no ask with this id; nothing was retracted.',
        view: v.view,
      });
    }
    this.gate.notify(
      v,
      outcome === 'retracted'
        ? 'The ask is retracted: its copies are being deleted everywhere, and nothing more is sent for it.'
        : 'This ask was already retracted; nothing changed.',
    );
    redirect(v.res, `/console/ask?id=${encodeURIComponent(id)}`);
  };

  disconnectGround = async (v: Visit, form: URLSearchParams): Promise<void> => {
    const network = field(form, 'network', MAX_ID);
    const community = field(form, 'community', MAX_ID);
    const channel = field(form, 'channel', MAX_ID);
    if (!network || !community || !channel) return this.missing(v, 'Which channel to disconnect was not said.', '/console');
    // Only for the notice: which channel the operator pressed on, by the name the page showed.
    const shown = `#${field(form, 'label', MAX_ID) ?? channel} (${network})`;
    const outcome = await this.d.operator.disconnectGround({ network, community, channel }, v.by);
    this.d.log.info(
      { operator: v.by.operator, action: 'disconnect_ground', network, community, channel, outcome },
      'console: disconnect a ground',
    );
    this.gate.notify(
      v,
      outcome === 'disconnected'
        ? `${shown} is disconnected: it gets no more copies. Someone allowed to can connect it again with /feelers connect there.`
        : `${shown} was not connected; nothing changed.`,
    );
    redirect(v.res, '/console');
  };

  prods = async (v: Visit, form: URLSearchParams): Promise<void> => {
    const { network, community } = communityPicked(form);
    const user = field(form, 'user', MAX_ID);
    const paused = form.get('paused');
    if (!network || !community || !user || (paused !== 'yes' && paused !== 'no')) {
      return this.missing(v, 'Say the community and the user id, then press Pause prods or Resume prods.', '/console');
    }
    const outcome = await this.d.operator.pauseProds({ network, community, user }, paused === 'yes', v.by);
    this.d.log.info({ operator: v.by.operator, action: 'pause_prods', network, community, user, outcome }, 'console: prods for a person');
    const notice =
      outcome === 'not_found'
        ? `Nobody with user id ${user} is known in ${community} (${network}); nothing changed.`
        : `Prods and referrals to ${user} in ${community} (${network}) are ${outcome}.`;
    this.gate.notify(v, notice);
    redirect(v.res, '/console');
  };

  decideCommunity = async (v: Visit, form: URLSearchParams): Promise<void> => {
    const network = field(form, 'network', MAX_ID);
    const community = field(form, 'community', MAX_ID);
    const decision = form.get('decision');
    if (!network || !community || (decision !== 'approved' && decision !== 'refused')) {
      return this.missing(v, 'Which community, and whether to approve or refuse it, was not said.', '/console');
    }
    const shown = `${field(form, 'label', MAX_ID) ?? community} (${network})`;
    const outcome = await this.d.operator.decideCommunity(network, community, decision, v.by);
    this.d.log.info({ operator: v.by.operator, action: 'decide_community', network, community, outcome }, 'console: decide on a community');
    const notice =
      outcome === 'not_found'
        ? `feelers has not met ${shown}; nothing changed.`
        : outcome === 'approved'
          ? `${shown} is approved: it belongs to the network now, and the channels it connected while waiting are connected.`
          : `${shown} is refused: it sends and receives nothing from now on.`;
    this.gate.notify(v, notice);
    redirect(v.res, '/console');
  };

  changeSharing = async (v: Visit, form: URLSearchParams): Promise<void> => {
    const { network, community } = communityPicked(form);
    const setting = field(form, 'setting', 300);
    if (!network || !community || !setting) return this.missing(v, 'Pick a community and write the setting, then press Apply.', '/console');
    const outcome = await this.d.operator.changeSharing(network, community, setting, v.by);
    this.d.log.info({ operator: v.by.operator, action: 'change_sharing', network, community, ok: outcome.ok }, 'console: change sharing');
    this.gate.notify(v, outcome.ok ? `Saved for ${community} (${network}). ${outcome.summary}` : outcome.message);
    redirect(v.res, '/console');
  };

  private missing(v: Visit, message: string, back: string): void {
    sendMessage(v.res, 400, { title: 'Nothing done', message: `${message} Nothing was done.`, view: v.view, back });
  }
}

/** The community a form's `where` picker names (`network:community`); empty strings when it names none. */
function communityPicked(form: URLSearchParams): { network: string; community: string } {
  const where = field(form, 'where', 2 * MAX_ID + 1) ?? '';
  const colon = where.indexOf(':');
  return colon > 0 ? { network: where.slice(0, colon), community: where.slice(colon + 1) } : { network: '', community: '' };
}
