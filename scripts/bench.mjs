#!/usr/bin/env node
/**
 * Runs the engine benchmarks one after another (never in parallel: each one's figure would
 * steal the other's CPU), shows each one's output as it comes, then a summary table of every
 * `RESULT | what | figure | target | verdict` line they printed.
 *
 *   npm run bench                       every bench/*.ts (helpers excepted, see isHelper)
 *   npm run bench -- fan-out            only those whose file name contains "fan-out"
 *
 * Exits 1 when a benchmark crashed or a check failed (the figure can't be trusted then);
 * a missed target alone exits 0, since figures on a shared machine are noisy. Set
 * FEELERS_BENCH_STRICT=1 to exit 1 on a missed target too.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The engine's own figures first; any other bench/*.ts follows in name order. */
const FIRST = ['replies-ingest', 'digest-tick', 'fan-out'];
/**
 * Not benchmarks: measure.ts (figures and result lines; the set-ups are in test/support), a
 * benchmark's own model (`<name>-model.ts`), and scratch files starting with "_".
 */
const isHelper = (name) => name === 'measure' || name.endsWith('-model') || name.startsWith('_');
const found = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .filter((n) => !isHelper(n));
const BENCHES = [...FIRST.filter((n) => found.includes(n)), ...found.filter((n) => !FIRST.includes(n)).sort()];

const wanted = process.argv.slice(2);
const chosen = wanted.length ? BENCHES.filter((b) => wanted.some((w) => b.includes(w))) : BENCHES;
if (chosen.length === 0) {
  console.error(`No benchmark matches ${wanted.join(', ')}. There are: ${BENCHES.join(', ')}.`);
  process.exit(2);
}

/** Runs one bench file with tsx; resolves with its exit code and the lines it printed. */
function run(name) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', join('bench', `${name}.ts`)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      text += chunk;
      process.stdout.write(chunk);
    });
    child.on('error', (err) => {
      console.error(`could not start ${name}: ${err.message}`);
      resolve({ code: 1, lines: [], seconds: 0 });
    });
    child.on('close', (code, signal) => {
      resolve({ code: code ?? (signal ? 1 : 0), lines: text.split('\n'), seconds: (performance.now() - started) / 1000 });
    });
  });
}

/** `RESULT | what | figure | target | verdict` -> a row; anything else -> undefined. */
function parse(bench, line) {
  if (!line.startsWith('RESULT |')) return undefined;
  const [, what = '', figure = '', target = '', verdict = ''] = line.split('|').map((s) => s.trim());
  return { bench, what, figure, target, verdict };
}

function table(rows) {
  const head = { bench: 'bench', what: 'what', figure: 'figure', target: 'target', verdict: 'verdict' };
  const cols = Object.keys(head);
  const width = Object.fromEntries(cols.map((c) => [c, Math.max(...[head, ...rows].map((r) => String(r[c]).length))]));
  const line = (r) =>
    cols
      .map((c) => String(r[c]).padEnd(width[c]))
      .join('  ')
      .trimEnd();
  return [line(head), cols.map((c) => '-'.repeat(width[c])).join('  '), ...rows.map(line)].join('\n');
}

const rows = [];
let broken = false;
for (const name of chosen) {
  console.log(`\n=== ${name} ===`);
  const { code, lines, seconds } = await run(name);
  const printed = lines.map((l) => parse(name, l)).filter((r) => r !== undefined);
  rows.push(...printed);
  if (printed.length === 0) rows.push({ bench: name, what: 'run', figure: 'printed no RESULT line', target: '-', verdict: 'INFO' });
  if (code !== 0 && !printed.some((r) => r.verdict === 'FAIL')) {
    rows.push({ bench: name, what: 'run', figure: `exit code ${code}`, target: 'exit 0', verdict: 'FAIL' });
  }
  if (code !== 0) broken = true;
  console.log(`(${name} took ${seconds.toFixed(1)} s)`);
}

console.log(`\n=== summary ===\n${table(rows)}`);
const missed = rows.filter((r) => r.verdict === 'MISS').length;
const failed = rows.filter((r) => r.verdict === 'FAIL').length;
const passed = rows.filter((r) => r.verdict === 'PASS').length;
console.log(`\n${passed} passed, ${missed} missed, ${failed} failed`);
if (broken || failed > 0 || (missed > 0 && process.env.FEELERS_BENCH_STRICT === '1')) process.exitCode = 1;
