import { buttonsOf, type PersonRef, type Place } from '../../src/ports/index.js';
import { NetworkFaults, RateGate, type FaultSpec, type LimitSpec } from './world-faults.js';
import {
  PlatformError,
  type ChannelRecord,
  type FormInput,
  type MemberSpec,
  type NetworkRecord,
  type WorldOptions,
  type WorldStats,
  type CommunityRecord,
  type MemberRecord,
  type StoredMessage,
  type StoredNotice,
  type WireEvent,
  type WireListener,
  type WireUser,
} from './world-types.js';
import { WorldApi } from './world-api.js';
import { checkForm } from './world-forms.js';
import { fillFromSnapshot, toSnapshot, type WorldParts, type WorldSnapshot } from './world-snapshot.js';

export type { FormInput, MemberSpec, StoredMessage, StoredNotice, WireEvent, WorldOptions, WorldStats } from './world-types.js';
export type { FaultSpec, LimitSpec } from './world-faults.js';
export type { WorldSnapshot } from './world-snapshot.js';
export { isWorldSnapshot } from './world-snapshot.js';

/** One community as a reader of the platform sees it (the playground's page lists them). */
export interface CommunityView {
  readonly network: string;
  readonly id: string;
  readonly name: string;
  readonly channels: readonly ChannelRecord[];
  /** People and bots, feelers' own user included. */
  readonly members: readonly MemberRecord[];
}

/**
 * Several named networks and their communities in one process: the platform the memory
 * adapter talks to. Test-driving methods (`say`, `press`, ...) deliver an event to every
 * connected adapter of that network and resolve once their sinks resolved.
 */
export class MemoryWorld {
  readonly stats: WorldStats = { posts: 0, dms: 0, updates: 0, deletes: 0, notices: 0, deduped: 0, rateLimited: 0, failures: 0 };
  /** The platform API the adapter calls (post, update, DM, notice). */
  readonly api: WorldApi;
  readonly messages = new Map<string, StoredMessage>();
  readonly notices: StoredNotice[] = [];
  private readonly networks = new Map<string, NetworkRecord>();
  private readonly events = new Map<string, WireEvent>();
  private eventSeq = 0;
  private readonly changeListeners = new Set<() => void>();
  readonly wallNow: () => number;
  private readonly monoNow: () => number;

  constructor(opts: WorldOptions = {}) {
    const clock = opts.clock;
    this.wallNow = clock ? () => clock.now() : () => Date.now();
    this.monoNow = clock ? () => clock.now() : () => performance.now();
    this.api = new WorldApi(this);
  }

  // ---- setup -------------------------------------------------------------------------------

  /** Optional: networks are created by `addCommunity` with a bot user "feelers". */
  addNetwork(name: string, opts: { botUser?: string; botName?: string } = {}): void {
    if (this.networks.has(name)) throw new Error(`network ${name} exists already`);
    this.networks.set(name, {
      name,
      botUser: opts.botUser ?? 'feelers',
      botName: opts.botName ?? 'feelers',
      communities: new Map(),
      listeners: new Set(),
      keys: new Map(),
      faults: new NetworkFaults(),
      gate: new RateGate(this.monoNow),
    });
  }

  addCommunity(network: string, c: { id: string; name: string }): void {
    if (!this.networks.has(network)) this.addNetwork(network);
    const net = this.net(network);
    if (net.communities.has(c.id)) throw new Error(`community ${network}/${c.id} exists already`);
    const community: CommunityRecord = { id: c.id, name: c.name, channels: new Map(), members: new Map() };
    community.members.set(net.botUser, { id: net.botUser, name: net.botName, isBot: true, admin: false, manages: new Set() });
    net.communities.set(c.id, community);
    this.changed();
  }

  addChannel(network: string, community: string, ch: { id: string; name: string }): Place {
    const comm = this.community(network, community);
    if (comm.channels.has(ch.id)) throw new Error(`channel ${network}/${community}/${ch.id} exists already`);
    comm.channels.set(ch.id, { id: ch.id, name: ch.name, archived: false });
    this.changed();
    return { network, community, channel: ch.id };
  }

  addMember(network: string, community: string, m: MemberSpec): PersonRef {
    const comm = this.community(network, community);
    if (comm.members.has(m.id)) throw new Error(`member ${network}/${community}/${m.id} exists already`);
    comm.members.set(m.id, {
      id: m.id,
      name: m.name,
      isBot: m.isBot ?? false,
      admin: m.admin ?? false,
      manages: new Set(m.manages ?? []),
      handle: m.handle,
      profileUrl: m.profileUrl,
    });
    this.changed();
    return { network, community, user: m.id };
  }

  /** Archive a channel: from now on the platform answers posts there with channel_not_found. */
  archiveChannel(place: Place): void {
    this.channel(place.network, place.community, place.channel).archived = true;
    this.changed();
  }

  /** feelers' own user in a community: `say(world.bot(...), ...)` is the bot posting. */
  bot(network: string, community: string): PersonRef {
    this.community(network, community);
    return { network, community, user: this.net(network).botUser };
  }

  botUser(network: string): { readonly id: string; readonly name: string } {
    const net = this.net(network);
    return { id: net.botUser, name: net.botName };
  }

  /** The DM channel between the bot and this person (created on first use). */
  dmPlace(person: PersonRef): Place {
    this.member(person);
    const comm = this.community(person.network, person.community);
    const id = `dm-${person.user}`;
    if (!comm.channels.has(id)) comm.channels.set(id, { id, name: `dm with ${person.user}`, dmOf: person.user, archived: false });
    return { network: person.network, community: person.community, channel: id };
  }

  // ---- the connection adapters hold ----------------------------------------------------------

  /** Start receiving this network's events. Returns the disconnect function. */
  connect(network: string, listener: WireListener): () => void {
    const net = this.net(network);
    net.listeners.add(listener);
    return () => {
      net.listeners.delete(listener);
    };
  }

  // ---- a person's doings ---------------------------------------------------------------------

  /** Post as `person` in a channel, a thread (`place.thread`) or their DM channel. */
  async say(
    person: PersonRef,
    place: Place,
    text: string,
    opts: { replyTo?: string } = {},
  ): Promise<{ messageId: string; eventId: string }> {
    const member = this.member(person);
    const channel = this.channelFor(person, place);
    if (place.thread !== undefined) this.threadRoot(place);
    if (opts.replyTo !== undefined) {
      const target = this.messages.get(opts.replyTo);
      if (!target || target.network !== place.network || target.channel !== place.channel) {
        throw new Error(`say: replyTo ${opts.replyTo} is not a message in ${place.channel}`);
      }
    }
    const msg = this.store({
      network: place.network,
      community: place.community,
      channel: place.channel,
      thread: place.thread,
      author: person.user,
      byBot: person.user === this.net(place.network).botUser,
      text,
      replyTo: opts.replyTo,
      opensThread: false,
      direct: channel.dmOf !== undefined,
    });
    const eventId = await this.emit(person, member, place, {
      type: 'message',
      messageId: msg.id,
      text,
      replyTo: opts.replyTo,
      threadByBot: place.thread === undefined ? undefined : this.threadRoot(place).byBot,
    });
    return { messageId: msg.id, eventId };
  }

  /** Write to the bot in this person's DM channel. */
  dm(person: PersonRef, text: string): Promise<{ messageId: string; eventId: string }> {
    return this.say(person, this.dmPlace(person), text);
  }

  /** `/ask text` or `/feelers text` typed in a channel, thread or DM. */
  async command(person: PersonRef, place: Place, name: 'ask' | 'feelers', text: string): Promise<{ eventId: string }> {
    const member = this.member(person);
    this.channelFor(person, place);
    return { eventId: await this.emit(person, member, place, { type: 'command', command: name, text }) };
  }

  /**
   * Press a button of the card on `messageId`, found by id or label. A button with a form needs
   * `form` (the modal's submission); one without refuses it.
   */
  async press(person: PersonRef, messageId: string, button: string, form?: FormInput): Promise<{ eventId: string }> {
    const msg = this.messages.get(messageId);
    if (!msg || msg.deleted) throw new Error(`press: no message ${messageId}`);
    if (msg.network !== person.network || msg.community !== person.community) {
      throw new Error(`press: ${person.user} cannot see ${messageId} (another community)`);
    }
    const member = this.member(person);
    const place: Place = { network: msg.network, community: msg.community, channel: msg.channel, thread: msg.thread };
    this.channelFor(person, place);
    const buttons = msg.card ? buttonsOf(msg.card) : [];
    const found = buttons.find((b) => b.id === button) ?? buttons.find((b) => b.label === button);
    if (!found) throw new Error(`press: message ${messageId} has no button "${button}"`);
    const submitted = checkForm(person, found, form, (p) => this.member(p).name);
    return { eventId: await this.emit(person, member, place, { type: 'action', actionId: found.id, form: submitted }) };
  }

  /** The author edits their message. */
  async edit(person: PersonRef, messageId: string, text: string): Promise<{ eventId: string }> {
    const msg = this.messages.get(messageId);
    if (!msg || msg.deleted) throw new Error(`edit: no message ${messageId}`);
    if (msg.author !== person.user || msg.network !== person.network) throw new Error(`edit: ${person.user} did not write ${messageId}`);
    const member = this.member(person);
    msg.history.push(msg.text);
    msg.text = text;
    this.changed();
    const place: Place = { network: msg.network, community: msg.community, channel: msg.channel, thread: msg.thread };
    return { eventId: await this.emit(person, member, place, { type: 'edited', messageId, text }) };
  }

  /** The author (or an admin) deletes a message. */
  async remove(person: PersonRef, messageId: string): Promise<{ eventId: string }> {
    const msg = this.messages.get(messageId);
    if (!msg || msg.deleted) throw new Error(`remove: no message ${messageId}`);
    const member = this.member(person);
    if (msg.network !== person.network || (msg.author !== person.user && !member.admin)) {
      throw new Error(`remove: ${person.user} may not delete ${messageId}`);
    }
    msg.deleted = true;
    this.changed();
    const place: Place = { network: msg.network, community: msg.community, channel: msg.channel, thread: msg.thread };
    return { eventId: await this.emit(person, member, place, { type: 'deleted', messageId }) };
  }

  /** Send an earlier event again with the same id, as a platform retry does. */
  async redeliver(eventId: string): Promise<void> {
    const wire = this.events.get(eventId);
    if (!wire) throw new Error(`redeliver: no event ${eventId}`);
    await this.deliver(wire);
  }

  // ---- readers -------------------------------------------------------------------------------

  /** Messages in a channel (top level) or a thread (its replies, root excluded), oldest first. */
  messagesIn(place: Place): StoredMessage[] {
    return [...this.messages.values()].filter(
      (m) =>
        !m.deleted &&
        m.network === place.network &&
        m.community === place.community &&
        m.channel === place.channel &&
        m.thread === place.thread,
    );
  }

  /** What the bot sent this person by DM, oldest first. */
  dmsTo(person: PersonRef): StoredMessage[] {
    return this.messagesIn(this.dmPlace(person)).filter((m) => m.byBot);
  }

  noticesTo(person: PersonRef): StoredNotice[] {
    return this.notices.filter((n) => n.network === person.network && n.community === person.community && n.user === person.user);
  }

  message(id: string): StoredMessage | undefined {
    return this.messages.get(id);
  }

  /**
   * The platform's history API: the message events of a thread's latest messages (root
   * excluded), oldest first, with the ids they were first delivered under.
   */
  history(place: Place, limit: number): WireEvent[] {
    const ids = new Set(this.messagesIn(place).map((m) => m.id));
    const found = [...this.events.values()].filter((w) => w.type === 'message' && ids.has(w.messageId));
    return found.slice(-limit);
  }

  /** Every text ever shown anywhere: messages with their earlier versions and files, DMs, notices. */
  everything(): string[] {
    const out: string[] = [];
    for (const m of this.messages.values()) out.push(...m.history, m.text, ...(m.file ? [m.file.text] : []));
    for (const n of this.notices) out.push(n.text);
    return out;
  }

  /** Every community of every network, in the order they were added. */
  communities(): CommunityView[] {
    const out: CommunityView[] = [];
    for (const net of this.networks.values()) {
      for (const c of net.communities.values()) {
        out.push({ network: net.name, id: c.id, name: c.name, channels: [...c.channels.values()], members: [...c.members.values()] });
      }
    }
    return out;
  }

  // ---- watching and keeping the world --------------------------------------------------------

  /**
   * Called after anything a member could see changes (a message, an edit, a notice, a new
   * channel or member). Listeners run synchronously and must be quick (the playground only
   * schedules a page refresh and a save); one that throws does not stop the others.
   */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => {
      this.changeListeners.delete(listener);
    };
  }

  /** Tells the change listeners; WorldApi calls it for what the bot changes. */
  changed(): void {
    for (const listener of [...this.changeListeners]) {
      try {
        listener();
      } catch {
        // A watcher's failure is its own; the platform goes on.
      }
    }
  }

  /** The world as JSON (see world-snapshot.ts); connections, rate gates and faults are not in it. */
  snapshot(): WorldSnapshot {
    return toSnapshot({ ...this.parts(), eventSeq: this.eventSeq });
  }

  /** A world made from a snapshot, as it was when the snapshot was taken, with nobody connected. */
  static restore(snap: WorldSnapshot, opts: WorldOptions = {}): MemoryWorld {
    const w = new MemoryWorld(opts);
    for (const n of snap.networks) w.addNetwork(n.name, { botUser: n.botUser, botName: n.botName });
    fillFromSnapshot(snap, w.parts());
    w.eventSeq = snap.eventSeq;
    return w;
  }

  private parts(): WorldParts {
    return { networks: this.networks, messages: this.messages, notices: this.notices, events: this.events, stats: this.stats };
  }

  // ---- faults --------------------------------------------------------------------------------

  failNext(network: string, spec: FaultSpec): void {
    this.net(network).faults.failNext(spec);
  }

  crashAfterPost(network: string, n: number): void {
    this.net(network).faults.crashAfterPost(n);
  }

  closeDms(person: PersonRef): void {
    this.member(person);
    this.net(person.network).faults.closeDms(person.community, person.user);
  }

  openDms(person: PersonRef): void {
    this.net(person.network).faults.openDms(person.community, person.user);
  }

  /** Token buckets for posts and DMs on this network; `{}` lifts them. */
  enforceLimits(network: string, limits: LimitSpec): void {
    this.net(network).gate.set(limits);
  }

  // ---- internals shared with WorldApi --------------------------------------------------------

  net(network: string): NetworkRecord {
    const net = this.networks.get(network);
    if (!net) throw new PlatformError('channel_not_found', `no network ${network}`);
    return net;
  }

  community(network: string, community: string): CommunityRecord {
    const comm = this.net(network).communities.get(community);
    if (!comm) throw new PlatformError('channel_not_found', `no community ${network}/${community}`);
    return comm;
  }

  channel(network: string, community: string, channel: string): ChannelRecord {
    const ch = this.community(network, community).channels.get(channel);
    if (!ch) throw new PlatformError('channel_not_found', `no channel ${network}/${community}/${channel}`);
    return ch;
  }

  member(person: PersonRef): MemberRecord {
    const m = this.community(person.network, person.community).members.get(person.user);
    if (!m) throw new PlatformError('user_not_found', `no member ${person.network}/${person.community}/${person.user}`);
    return m;
  }

  /** The thread root a place names; a thread opens on a top-level message of the same channel. */
  threadRoot(place: Place): StoredMessage {
    const root = place.thread === undefined ? undefined : this.messages.get(place.thread);
    if (!root || root.network !== place.network || root.channel !== place.channel || root.thread !== undefined) {
      throw new PlatformError('channel_not_found', `no thread ${place.thread ?? ''} in ${place.network}/${place.channel}`);
    }
    return root;
  }

  store(m: Omit<StoredMessage, 'id' | 'seq' | 'history' | 'deleted' | 'at'>): StoredMessage {
    const seq = this.messages.size + 1;
    const msg: StoredMessage = { ...m, id: `m${seq}`, seq, history: [], deleted: false, at: this.wallNow() };
    this.messages.set(msg.id, msg);
    this.changed();
    return msg;
  }

  private channelFor(person: PersonRef, place: Place): ChannelRecord {
    if (place.network !== person.network || place.community !== person.community) {
      throw new Error(`${person.user} is not in ${place.network}/${place.community}`);
    }
    const ch = this.channel(place.network, place.community, place.channel);
    if (ch.archived) throw new Error(`channel ${place.channel} is archived`);
    if (ch.dmOf !== undefined && ch.dmOf !== person.user && person.user !== this.net(place.network).botUser) {
      throw new Error(`${person.user} cannot write in ${ch.dmOf}'s DM channel`);
    }
    return ch;
  }

  private async emit(
    person: PersonRef,
    member: MemberRecord,
    place: Place,
    body: DistributiveOmit<
      WireEvent,
      'id' | 'network' | 'community' | 'communityName' | 'channel' | 'channelName' | 'thread' | 'isDm' | 'user'
    >,
  ): Promise<string> {
    const comm = this.community(place.network, place.community);
    const ch = this.channel(place.network, place.community, place.channel);
    const user: WireUser = {
      id: person.user,
      name: member.name,
      isBot: member.isBot,
      admin: member.admin,
      manageChannel: ch.dmOf === undefined && (member.admin || member.manages.has(place.channel)),
      handle: member.handle,
      profileUrl: member.profileUrl,
    };
    const id = `memory:${place.network}:${place.community}:${++this.eventSeq}`;
    const wire = {
      ...body,
      id,
      network: place.network,
      community: place.community,
      communityName: comm.name,
      channel: place.channel,
      channelName: ch.name,
      thread: place.thread,
      isDm: ch.dmOf !== undefined,
      user,
    } as WireEvent;
    this.events.set(id, wire);
    await this.deliver(wire);
    return id;
  }

  private async deliver(wire: WireEvent): Promise<void> {
    for (const listener of [...this.net(wire.network).listeners]) await listener(wire);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
