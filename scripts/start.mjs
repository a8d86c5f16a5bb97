#!/usr/bin/env node
// `npm start`: build when the compiled output is missing or older than the sources, then run it.
// A fresh clone therefore starts with one command, and an edit is never run stale.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'src', 'app', 'main.js');

/** Newest modification time of any file under `dir` (0 when it does not exist). */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

function needsBuild() {
  if (!existsSync(entry)) return true;
  const built = statSync(entry).mtimeMs;
  const sources = Math.max(
    newest(join(root, 'src')),
    newest(join(root, 'adapters')),
    ...['tsconfig.json', 'tsconfig.build.json'].map((f) => (existsSync(join(root, f)) ? statSync(join(root, f)).mtimeMs : 0)),
  );
  return sources > built;
}

if (needsBuild()) {
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    console.error('feelers: dist/ is missing or stale and TypeScript is not installed. Run `npm ci` first.');
    process.exit(1);
  }
  console.error('feelers: building (tsc -p tsconfig.build.json)...');
  const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('feelers: the build failed; see the errors above.');
    process.exit(build.status ?? 1);
  }
}

// Source maps, and V8's young generation kept small (node-flags.json says why).
const { flags } = JSON.parse(readFileSync(join(root, 'scripts', 'node-flags.json'), 'utf8'));
const child = spawn(process.execPath, [...flags, entry, ...process.argv.slice(2)], { stdio: 'inherit' });
// Forward stop signals so a process manager that signals only this pid still stops feelers
// cleanly; feelers ignores a repeat (Ctrl-C reaches both processes from a terminal).
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 1 : 0));
});
