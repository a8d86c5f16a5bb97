import type { Ctx } from './context.js';
import { UserError } from '../ports/errors.js';
import type { CommandEvent } from '../ports/events.js';
import { communityKey } from './keys.js';
import type { SharingPolicy } from './sharing-policy.js';
import { cleanText } from './text.js';

/**
 * `/feelers share`: a community's admins say where their members' asks go, whose asks they
 * receive, and whether their members' names travel (docs/governance.md#sharing). Anyone may read
 * the policy; only the community's admins change it.
 */
export const SHARE_HELP = [
  '• /feelers share: what this community shares, and with whom.',
  '• /feelers share send all | send only <community>, <community>: where our asks go. Admins.',
  '• /feelers share receive all | receive only <community>, ...: whose asks reach us. Admins.',
  '• /feelers share names shown | hidden: whether our members’ names go with their asks, replies and referrals, or they show as "Someone in <community>". Admins.',
].join('\n');

export interface Known {
  readonly key: string;
  readonly name: string;
  readonly network: string;
  readonly community: string;
}

export async function share(ctx: Ctx, e: CommandEvent, args: string): Promise<string> {
  const { network, community } = e.actor;
  if (cleanText(args) === '') return describe(await ctx.sharing.policy(network, community), await knownCommunities(ctx));
  if (!e.actor.rights.admin) {
    throw new UserError('not_allowed', 'Only admins of this community can change what it shares. /feelers share shows what it shares now.');
  }
  return `Saved. ${await changeSharing(ctx, network, community, args)}`;
}

/** What this community shares now, in words (the console shows the same sentence). */
export async function sharingSummary(ctx: Ctx, network: string, community: string): Promise<string> {
  return describe(await ctx.sharing.policy(network, community), await knownCommunities(ctx));
}

/**
 * Applies one setting, in the words of `/feelers share` ("send only Acme, Globex", "receive all",
 * "names hidden"), and returns the policy as a sentence. Throws a UserError on words it does
 * not understand or a community it does not know; nothing changes then.
 */
export async function changeSharing(ctx: Ctx, network: string, community: string, setting: string): Promise<string> {
  const policy = await ctx.sharing.policy(network, community);
  const known = await knownCommunities(ctx);
  const [what = '', mode = '', ...rest] = cleanText(setting).split(/\s+/);
  const self = communityKey(network, community);
  switch (`${what.toLowerCase()} ${mode.toLowerCase()}`) {
    case 'send all':
      policy.sendTo = 'all';
      break;
    case 'send only':
      policy.sendTo = resolve(rest.join(' '), known, self);
      break;
    case 'receive all':
      policy.receiveFrom = 'all';
      break;
    case 'receive only':
      policy.receiveFrom = resolve(rest.join(' '), known, self);
      break;
    case 'names shown':
    case 'names hidden':
      policy.names = mode.toLowerCase() === 'shown' ? 'shown' : 'hidden';
      break;
    default:
      throw new UserError('share_usage', `I didn't understand "/feelers share ${cleanText(setting).slice(0, 60)}".\n${SHARE_HELP}`);
  }
  policy.updatedAt = ctx.now();
  await ctx.repo.communities.saveSharing(policy);
  ctx.log.info(
    { network, community, sendTo: policy.sendTo, receiveFrom: policy.receiveFrom, names: policy.names },
    'sharing policy changed',
  );
  return describe(policy, known);
}

/** Communities by name or id, comma-separated; every one must be known. */
function resolve(list: string, known: readonly Known[], self: string): string[] {
  const wanted = list
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);
  if (wanted.length === 0) throw new UserError('share_usage', `Name the communities after "only", separated by commas.\n${SHARE_HELP}`);
  const out = new Set<string>();
  for (const w of wanted) {
    const lower = w.toLowerCase();
    const hit = known.find((k) => k.key !== self && (k.name.toLowerCase() === lower || k.community.toLowerCase() === lower));
    if (!hit) {
      const names = known.filter((k) => k.key !== self).map((k) => `${k.name} (${k.network})`);
      throw new UserError(
        'share_unknown_community',
        `I don't know a community called "${w.slice(0, 60)}". ${names.length ? `Known: ${names.join(', ')}.` : 'No other community is connected yet.'} Nothing was changed.`,
      );
    }
    out.add(hit.key);
  }
  return [...out];
}

function describe(p: SharingPolicy, known: readonly Known[]): string {
  const named = (keys: 'all' | string[]) =>
    keys === 'all' ? 'every community' : keys.map((k) => known.find((c) => c.key === k)?.name ?? k).join(', ') || 'no community';
  return [
    `Our members' asks go to ${p.sendTo === 'all' ? 'every community' : `only ${named(p.sendTo)}`}.`,
    `We receive asks from ${p.receiveFrom === 'all' ? 'every community' : `only ${named(p.receiveFrom)}`}.`,
    p.names === 'shown'
      ? "Our members' names go with their asks, replies and referrals."
      : 'Our members show to other communities as "Someone in <our community>".',
  ].join(' ');
}

/** Every community feelers knows by name: those with grounds, and those met outside the list. */
export async function knownCommunities(ctx: Ctx): Promise<Known[]> {
  const out = new Map<string, Known>();
  for (const g of await ctx.repo.allGrounds()) {
    const key = communityKey(g.place.network, g.place.community);
    out.set(key, { key, name: g.communityName, network: g.place.network, community: g.place.community });
  }
  for (const r of await ctx.repo.communities.all()) {
    const key = communityKey(r.network, r.community);
    if (!out.has(key)) out.set(key, { key, name: r.name, network: r.network, community: r.community });
  }
  return [...out.values()];
}
