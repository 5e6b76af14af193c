// `npm install` hook of @ppma/native: builds the N-API addon (build/Release/ppma_native.node) with
// node-gyp, linking OpenBLAS when cblas.h and -lopenblas are found and using our own SIMD GEMM
// otherwise. Never fails the install: without a C++ compiler it prints one line and exits 0, and
// @ppma/core then uses the wasm backend. PPMA_NATIVE=0 skips the build; PPMA_OPENBLAS=0 builds
// without OpenBLAS. (The monorepo builds the same addon with tools/build-native.mjs.)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { mtimeOrNull, readVariant, rebuildReason } from './build-plan.mjs';

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const addon = path.join(pkg, 'build', 'Release', 'ppma_native.node');
const stamp = path.join(pkg, 'build', 'Release', 'variant.txt');
const off = (v) => ['0', 'false', 'off', 'no'].includes((v ?? '').trim().toLowerCase());
const say = (msg) => console.log(`@ppma/native: ${msg}`);

function main() {
  if (off(process.env.PPMA_NATIVE)) return say('build skipped (PPMA_NATIVE=0); the wasm backend will be used');
  const sources = fs.readdirSync(path.join(pkg, 'native')).map((f) => path.join(pkg, 'native', f));
  const cxx = process.env.CXX || 'c++';
  if (spawnSync(cxx, ['--version']).status !== 0) {
    if (fs.existsSync(addon)) return say('native addon kept (no C++ compiler to rebuild it)');
    return say(`no C++ compiler (${cxx}): native backend not built, the wasm backend will be used`);
  }
  let blas = !off(process.env.PPMA_OPENBLAS);
  if (blas) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-native-'));
    fs.writeFileSync(
      path.join(dir, 'p.cc'),
      '#include <cblas.h>\nint main() { return cblas_sdot(0, 0, 1, 0, 1) != 0; }\n',
    );
    blas = spawnSync(cxx, [path.join(dir, 'p.cc'), '-o', path.join(dir, 'p'), '-lopenblas']).status === 0;
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const reason = rebuildReason({
    addonMtimeMs: mtimeOrNull(addon),
    sourceMtimesMs: sources.map((s) => fs.statSync(s).mtimeMs),
    builtVariant: readVariant(stamp),
    wantedVariant: blas ? 'blas' : 'own',
  });
  if (reason === null) return say('native addon up to date');
  const gyp = [
    process.env.npm_config_node_gyp,
    path.join(
      path.dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  ].find((c) => c && fs.existsSync(c));
  if (!gyp) return say('node-gyp not found: native backend not built, the wasm backend will be used');
  const nodedir = path.resolve(path.dirname(process.execPath), '..');
  const args = [gyp, 'rebuild', '--silent'];
  if (fs.existsSync(path.join(nodedir, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${nodedir}`);
  const r = spawnSync(process.execPath, args, {
    cwd: pkg,
    encoding: 'utf8',
    env: { ...process.env, PPMA_OPENBLAS: blas ? '1' : '0' },
  });
  if (r.status !== 0) {
    const last = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-1)[0] ?? '';
    return say(`native addon failed to build (${last.slice(0, 160)}); the wasm backend will be used`);
  }
  fs.writeFileSync(stamp, blas ? 'blas\n' : 'own\n');
  say(`built the native backend (${blas ? 'OpenBLAS' : 'own SIMD GEMM; install libopenblas-dev for OpenBLAS'})`);
}

main();
