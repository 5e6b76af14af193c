#!/usr/bin/env node
// `npm run bench -- <name> [args...]` runs tools/bench/<name>.ts from source (tsx), e.g.
// `npm run bench -- train-step --quick`. With no name it lists the benchmarks.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bench');
const available = fs.existsSync(dir)
  ? fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.slice(0, -3))
  : [];
const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name> [args]\nbenchmarks: ${available.join(', ') || '(none)'}`);
  process.exit(name ? 2 : 0);
}
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--conditions=@ppma/source', path.join(dir, `${name}.ts`), ...args],
  { stdio: 'inherit' },
);
process.exit(r.status ?? 1);
