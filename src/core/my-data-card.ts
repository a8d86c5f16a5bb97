import type { Block, Card } from '../ports/cards.js';
import { excerpt } from './text.js';

/**
 * What `/feelers my-data` sends: the file's content (`MyData`, built in my-data.ts) and the
 * readable card it rides on. The card summarises each section (at most `SHOWN` items each);
 * the attached JSON holds all of it.
 */

export const MY_DATA_FILE = 'feelers-my-data.json';

/** Someone else, as the person's own record names them. Never an id, handle or contact. */
export interface NamedPerson {
  readonly name: string;
  readonly community: string;
}

/** The file's content. Times are ISO 8601 in UTC. */
export interface MyData {
  readonly about: string;
  readonly generatedAt: string;
  readonly person: { readonly name: string; readonly community: string; readonly network: string; readonly userId: string };
  /** Null when feelers keeps no profile (never set anything, or forget-me). */
  readonly profile: {
    readonly handle: string | null;
    readonly profileUrl: string | null;
    readonly optedOut: boolean;
    /** Direct messages you did not ask for (questions by topic, referrals) in the last week. */
    readonly unsolicitedDms: readonly string[];
    readonly lastContactedAt: string | null;
  } | null;
  readonly topics: readonly string[];
  readonly contact: string | null;
  readonly asks: readonly {
    readonly id: string;
    readonly question: string;
    readonly topics: readonly string[];
    readonly askedIn: { readonly network: string; readonly community: string; readonly channel: string };
    readonly state: string;
    readonly askedAt: string;
    readonly expiresAt: string;
    readonly closedAt: string | null;
  }[];
  readonly replies: readonly {
    readonly id: string;
    readonly askId: string;
    readonly question: string | null;
    readonly text: string;
    readonly at: string;
    readonly source: string;
    readonly anonymous: boolean;
    readonly deleted: boolean;
    readonly retracted: boolean;
  }[];
  readonly follows: readonly { readonly askId: string; readonly question: string | null }[];
  readonly offers: readonly {
    readonly id: string;
    readonly askId: string;
    readonly question: string | null;
    readonly at: string;
    readonly decision: string | null;
    readonly yourHandle: string | null;
    readonly yourProfileUrl: string | null;
  }[];
  readonly intros: readonly {
    readonly id: string;
    readonly askId: string;
    readonly question: string | null;
    /** 'asker': you asked the question; 'responder': you answered or offered. */
    readonly role: 'asker' | 'responder';
    /** 'requested' by the asker, or 'offered' by the responder. */
    readonly direction: string;
    readonly with: NamedPerson;
    readonly state: string;
    readonly createdAt: string;
    readonly decidedAt: string | null;
    readonly yourHandle: string | null;
    readonly yourProfileUrl: string | null;
  }[];
  /** Every time your contact was given to someone. */
  readonly releases: readonly {
    readonly whoseContact: 'yours';
    readonly to: NamedPerson | null;
    readonly at: string;
    readonly askId: string;
    readonly question: string | null;
    readonly introId: string;
  }[];
  /** DMs from feelers that your next DM to it answers. */
  readonly openPrompts: readonly { readonly askId: string; readonly question: string | null; readonly sentAt: string }[];
  /** What learned routing holds (routing-memory.ts): help by topic, prods this week, a pause. Null when nothing. */
  readonly learned: {
    readonly topics: readonly { readonly topic: string; readonly replies: number; readonly intros: number; readonly lastAt: string }[];
    readonly prodsThisWeek: readonly string[];
    readonly unansweredInARow: number;
    readonly prodsPausedAt: string | null;
  } | null;
  /** How often someone found your earlier answer and pressed That answers it instead of asking again. */
  readonly answeredLater: number;
}

/** Items listed per section in the card; the file holds the rest. */
const SHOWN = 10;

export function myDataCard(data: MyData, resetLearningKey?: string): Card {
  const blocks: Block[] = [
    {
      type: 'text',
      text: `Everything feelers holds about you, ${data.person.name} (${data.person.community}), as of ${when(data.generatedAt)}. All of it is in the attached file ${MY_DATA_FILE}.`,
    },
    { type: 'text', text: profileLine(data) },
  ];
  const section = <T>(title: string, items: readonly T[], line: (item: T) => string): void => {
    if (!items.length) return;
    const lines = items.slice(0, SHOWN).map((x) => `• ${line(x)}`);
    if (items.length > SHOWN) lines.push(`…and ${items.length - SHOWN} more in the file.`);
    blocks.push({ type: 'divider' }, { type: 'text', text: `${title} (${items.length}):\n${lines.join('\n')}` });
  };
  section('Your questions', data.asks, (a) => `${quoted(a.question)} (${a.state}, asked ${day(a.askedAt)})`);
  section('Your replies', data.replies, (r) => `${quoted(r.text)} on ${quoted(r.question)}, ${day(r.at)}${replyFlags(r)}`);
  section('Questions you follow', data.follows, (f) => quoted(f.question));
  section('Your offers to help', data.offers, (o) => `on ${quoted(o.question)}, ${day(o.at)}${o.decision ? `: ${o.decision}` : ''}`);
  section(
    'Introductions',
    data.intros,
    (i) => `with ${i.with.name} (${i.with.community}) on ${quoted(i.question)}: ${i.state}, ${day(i.createdAt)}`,
  );
  section(
    'Your contact was given',
    data.releases,
    (r) => `to ${r.to ? `${r.to.name} (${r.to.community})` : 'someone no longer on record'} on ${when(r.at)} for ${quoted(r.question)}`,
  );
  section('Direct messages from feelers waiting for your answer', data.openPrompts, (p) => `${quoted(p.question)}, ${day(p.sentAt)}`);
  section(
    'What feelers learned from your help (it asks you first on these topics)',
    data.learned?.topics ?? [],
    (t) => `#${t.topic}: answered ${t.replies}, introductions accepted ${t.intros}, last ${day(t.lastAt)}`,
  );
  if (data.learned?.prodsPausedAt) {
    blocks.push({
      type: 'text',
      text: `Questions by topic are paused for you since ${day(data.learned.prodsPausedAt)}: /feelers prods on resumes them.`,
    });
  }
  if (resetLearningKey) {
    blocks.push({ type: 'buttons', buttons: [{ id: resetLearningKey, label: 'Reset what feelers learned' }] });
  }
  blocks.push(
    { type: 'divider' },
    { type: 'text', text: '/feelers forget-me deletes your profile, contact, topics and follows, and takes your name off your replies.' },
  );
  return {
    summary: 'Everything feelers holds about you',
    blocks,
    file: { name: MY_DATA_FILE, mime: 'application/json', text: `${JSON.stringify(data, null, 2)}\n` },
  };
}

function profileLine(data: MyData): string {
  if (!data.profile) return 'Profile: none (no topics, no contact, no settings).';
  const topics = data.topics.length ? data.topics.map((t) => `#${t}`).join(' ') : 'none';
  const contact = data.contact ?? 'none set';
  const dms = data.profile.optedOut ? 'you opted out' : `allowed (${data.profile.unsolicitedDms.length} in the last week)`;
  return [
    `Topics: ${topics}.`,
    `Contact (given only to people you agree to be introduced to): ${contact}.`,
    `Direct messages you did not ask for: ${dms}.`,
  ].join('\n');
}

function replyFlags(r: MyData['replies'][number]): string {
  const flags = [r.anonymous ? 'shown without your name' : '', r.deleted ? 'deleted' : '', r.retracted ? 'retracted' : ''];
  const set = flags.filter((f) => f);
  return set.length ? ` (${set.join(', ')})` : '';
}

function quoted(text: string | null): string {
  return text === null ? 'a question no longer on record' : `"${excerpt(text, 80)}"`;
}

/** `2025-03-04` from an ISO time. */
function day(isoTime: string): string {
  return isoTime.slice(0, 10);
}

/** `2025-03-04 09:30 UTC` from an ISO time. */
function when(isoTime: string): string {
  return `${isoTime.slice(0, 10)} ${isoTime.slice(11, 16)} UTC`;
}
