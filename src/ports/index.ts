/**
 * The adapter contract: everything a network adapter (adapters/*) may import from feelers,
 * and the only module it may import. The port itself, the words it speaks (cards, events,
 * places and refs), the error it throws, the logger and clock it is given, the limits it
 * declares, and the state it may keep. The core imports the same words from here.
 *
 * `npm test` checks the rule (.dependency-cruiser.cjs): an adapter importing any other path of
 * src/ fails the build, and so does the core importing an adapter or a platform SDK.
 */
export type { AdapterHealth, Admission, Bucket, Capabilities, ChatAdapter, DeliveryLimits, SendOptions } from './chat-adapter.js';
export type { AdapterDoc, AdapterState } from './adapter-state.js';
export type { RateBudget, Release, WindowLimit } from './rate-budget.js';
export { buttonsOf, cardToText, type Block, type Button, type Card, type CardFile, type Form } from './cards.js';
export { DAY_MS, systemClock, type Clock } from './clock.js';
export { asFeelersError, DeliveryError, FeelersError } from './errors.js';
export type {
  ActionEvent,
  Actor,
  ActorRights,
  ChatEvent,
  CommandEvent,
  DeletedEvent,
  EditedEvent,
  EventOutcome,
  EventSink,
  JoinedEvent,
  MessageEvent,
} from './events.js';
export { silentLogger, type Logger } from './logger.js';
export { channelOf, personKey, placeKey, samePerson, threadOf, type MessageRef, type PersonRef, type Place } from './places.js';
