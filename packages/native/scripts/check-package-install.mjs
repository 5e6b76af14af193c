#!/usr/bin/env node
// Repeats what a package user does (issue 19, "native for package users too"): packs @ppma/native
// and @ppma/core from this checkout, installs the two tarballs into a fresh project under the
// system temp folder with npm 11's install-script approval (`allowScripts` in its package.json),
// and checks that @ppma/core's describeBackend() reports the native backend there.
//
//   node packages/native/scripts/check-package-install.mjs [--keep] [--build]
//
// --build first rebuilds both packages' dist (tsc -b); --keep leaves the project folder. Registry
// dependencies (tfjs) come through npm as usual (`--prefer-offline`). Exits 1 when the install
// fails or the backend is not native; PPMA_OPENBLAS=0 in the environment checks the own-GEMM build.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const args = new Set(process.argv.slice(2));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(cmd, argv, cwd) {
  const r = spawnSync(cmd, argv, { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

function fail(step, out) {
  console.error(`check-package-install: ${step} failed\n${out.split('\n').slice(-20).join('\n')}`);
  process.exit(1);
}

if (args.has('--build')) {
  for (const p of ['native', 'core']) {
    const r = run('npx', ['tsc', '-b', `packages/${p}/tsconfig.lib.json`], root);
    if (!r.ok) fail(`tsc -b packages/${p}`, r.out);
  }
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-user-'));
const pack = run(npm, ['pack', '-w', '@ppma/native', '-w', '@ppma/core', '--pack-destination', dir, '--silent'], root);
if (!pack.ok) fail('npm pack', pack.out);
const tarballs = fs.readdirSync(dir).filter((f) => f.endsWith('.tgz'));
if (tarballs.length !== 2) fail('npm pack', `expected 2 tarballs in ${dir}, found ${tarballs.join(', ')}`);
fs.writeFileSync(
  path.join(dir, 'package.json'),
  JSON.stringify({ name: 'ppma-user', private: true, type: 'module', allowScripts: { '@ppma/native': true } }, null, 2),
);
const t0 = Date.now();
const install = run(
  npm,
  ['install', ...tarballs.map((t) => `./${t}`), '--prefer-offline', '--no-audit', '--no-fund', '--foreground-scripts'],
  dir,
);
if (!install.ok) fail('npm install', install.out);
const line = install.out.split('\n').find((l) => l.includes('@ppma/native:')) ?? '(no line from @ppma/native)';
console.log(
  `check-package-install: npm install in ${dir} took ${((Date.now() - t0) / 1000).toFixed(0)} s; ${line.trim()}`,
);
fs.writeFileSync(
  path.join(dir, 'check.mjs'),
  "import { initBackend, describeBackend, formatBackend } from '@ppma/core';\n" +
    'await initBackend();\nconsole.log(formatBackend(describeBackend()));\n',
);
const check = run(process.execPath, ['check.mjs'], dir);
const label = check.out.split('\n').filter(Boolean).pop() ?? '';
if (!args.has('--keep')) fs.rmSync(dir, { recursive: true, force: true });
if (!check.ok || !label.startsWith('native')) fail('describeBackend() is not native', check.out);
console.log(`check-package-install: describeBackend() in the fresh project: ${label}`);
