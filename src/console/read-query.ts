import type { AskState } from '../core/model.js';
import { ASK_STATES, MAX_SEARCH, type AsksFilter } from './asks-page.js';
import { DEFAULT_DAYS, PERIODS } from './communities-page.js';

/** A query the console cannot read: the sentence goes on a 400 page. */
export interface BadQuery {
  readonly bad: string;
}

/** Furthest page asked for: past any real list, short of numbers that would overflow an offset. */
const MAX_PAGE = 1_000_000;

export function readAsksFilter(q: URLSearchParams): AsksFilter | BadQuery {
  const state = q.get('state') ?? '';
  if (state !== '' && !ASK_STATES.includes(state as AskState)) {
    return { bad: `State must be one of ${ASK_STATES.join(', ')}, or empty for any.` };
  }
  const page = readWhole(q.get('page'), 1, MAX_PAGE);
  if (page === undefined) return { bad: `Page must be a whole number from 1 to ${MAX_PAGE.toLocaleString('en')}.` };
  const search = (q.get('q') ?? '').trim().slice(0, MAX_SEARCH);
  return { state: state === '' ? undefined : (state as AskState), q: search === '' ? undefined : search, page };
}

export function readDays(q: URLSearchParams): number | BadQuery {
  const max = PERIODS[PERIODS.length - 1] ?? 365;
  const days = readWhole(q.get('days'), DEFAULT_DAYS, max);
  return days ?? { bad: `The period must be a whole number of days from 1 to ${max}.` };
}

/** A list's page number (the moderation record). */
export function readPage(q: URLSearchParams): number | BadQuery {
  return readWhole(q.get('page'), 1, MAX_PAGE) ?? { bad: `Page must be a whole number from 1 to ${MAX_PAGE.toLocaleString('en')}.` };
}

export function isBad(v: unknown): v is BadQuery {
  return typeof v === 'object' && v !== null && 'bad' in v;
}

/** A whole number from 1 to `max`; `fallback` when absent or blank; undefined when anything else. */
function readWhole(v: string | null, fallback: number, max: number): number | undefined {
  if (v === null || v.trim() === '') return fallback;
  if (!/^\d{1,7}$/.test(v.trim())) return undefined;
  const n = Number(v.trim());
  return n >= 1 && n <= max ? n : undefined;
}
