import type { z } from 'zod';
import { isSecretKey } from './redact.js';
import type { Hint } from './schema.js';

/**
 * Turns schema failures into sentences a person can act on: which key, in which file (or the
 * environment), what was found, and a line to write instead.
 */

type Path = readonly PropertyKey[];

export interface IssueSource {
  /** 'environment' or the YAML file as the person named it. */
  readonly label: string;
  readonly hints: Readonly<Record<string, Hint>>;
  /** The raw input, to show what was actually written. */
  readonly input: unknown;
}

export function formatIssues(issues: readonly z.core.$ZodIssue[], source: IssueSource): string[] {
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => unknownKeyMessage([...issue.path, key], source))
      : [valueMessage(issue.path, source, issue.message)],
  );
}

export function displayPath(path: Path): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** The hint key: list indexes folded to `[]`. */
export function hintKey(path: Path): string {
  return displayPath(path).replace(/\[\d+\]/g, '[]');
}

export function valueMessage(path: Path, source: IssueSource, fallback: string): string {
  const name = displayPath(path) || '(top level)';
  const hint = source.hints[hintKey(path)];
  // A secret's value is not quoted, even a wrong one: it may be the real secret, mistyped.
  const got = isSecretKey(path[path.length - 1]) ? 'a value (not shown: it is a secret)' : describe(valueAt(source.input, path));
  if (!hint) return `${name} in ${source.label}: ${fallback}, got ${got}.`;
  return `${name} in ${source.label}: expected ${hint.expected}, got ${got}. Write e.g. ${hint.example}`;
}

function unknownKeyMessage(path: Path, source: IssueSource): string {
  const name = displayPath(path);
  const parent = hintKey(path.slice(0, -1));
  const known = siblingsOf(parent, source.hints);
  const typed = String(path[path.length - 1]);
  const guess = closest(typed, known);
  const fix = guess ? `Did you mean ${guess}?` : `Remove it${known.length ? `; known here: ${known.join(', ')}` : ''}.`;
  return `${name} in ${source.label}: unknown setting (typos are not ignored). ${fix}`;
}

/** The keys the schema knows directly under `parent`, read off the hint table. */
function siblingsOf(parent: string, hints: Readonly<Record<string, Hint>>): string[] {
  const prefix = parent === '' ? '' : `${parent}.`;
  return Object.keys(hints)
    .filter((k) => k.startsWith(prefix) && k !== parent)
    .map((k) => k.slice(prefix.length))
    .filter((k) => /^[A-Za-z_]\w*$/.test(k));
}

function valueAt(input: unknown, path: Path): unknown {
  let cur = input;
  for (const part of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[part];
  }
  return cur;
}

function describe(v: unknown): string {
  if (v === undefined || v === null) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  // Neither YAML nor the environment can hold these; name the kind rather than print code.
  return `a ${typeof v}`;
}

/** The known key within edit distance 2 of what was typed, if exactly one is that close. */
function closest(typed: string, known: readonly string[]): string | undefined {
  const lower = typed.toLowerCase();
  const scored = known
    .map((k) => ({ k, d: distance(lower, k.toLowerCase()) }))
    .filter((x) => x.d <= Math.min(2, Math.floor(x.k.length / 2)))
    .sort((a, b) => a.d - b.d);
  return scored[0]?.k;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}
