// Builds the optional @ppma/native addon (packages/native/build/Release/ppma_native.node): the
// kernels of the `native` tfjs backend and the matmuls of wasm+blas (docs/ARCHITECTURE.md §3).
// With OpenBLAS (cblas.h and -lopenblas) its GEMM is cblas_sgemm; without it, our own SIMD GEMM.
//
// Usage: node tools/build-native.mjs [--force] [--strict]
//   Exits 0 with a one-line message when the build is skipped or impossible (no C++ compiler,
//   PPMA_NATIVE=0): the install must succeed without them, and the pure-wasm path runs.
//   PPMA_OPENBLAS=0 builds without OpenBLAS even when it is installed (CI tests both).
//   --strict: exit 1 when the addon could not be built (for CI).
//   --force:  rebuild even when the addon is up to date. Without it, the addon is rebuilt when a source
//             is newer or the variant this machine gives now (OpenBLAS found or not) differs from the built one.
// Uses node-gyp (bundled with npm) with the local Node headers; without node-gyp it compiles
// with the C++ compiler directly. Nothing is downloaded.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { mtimeOrNull, readVariant, rebuildReason } from '../packages/native/scripts/build-plan.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = path.join(root, 'packages', 'native');
const addon = path.join(pkg, 'build', 'Release', 'ppma_native.node');
const nativeDir = path.join(pkg, 'native');
const nativeFiles = fs.existsSync(nativeDir) ? fs.readdirSync(nativeDir).map((f) => path.join(nativeDir, f)) : [];
const ccFiles = nativeFiles.filter((f) => f.endsWith('.cc'));
const sources = [
  path.join(nativeDir, 'addon.cc'),
  path.join(pkg, 'binding.gyp'),
  ...nativeFiles.filter((f) => /\.(cc|h)$/.test(f)),
];
const stamp = path.join(pkg, 'build', 'Release', 'variant.txt');
const off = (v) => ['0', 'false', 'off', 'no'].includes((v ?? '').trim().toLowerCase());
const wantBlas = !off(process.env.PPMA_OPENBLAS);
const args = new Set(process.argv.slice(2));
const strict = args.has('--strict');

function done(message, ok) {
  console.log(`build-native: ${message}`);
  process.exit(!ok && strict ? 1 : 0);
}

function run(cmd, argv, opts = {}) {
  return spawnSync(cmd, argv, { encoding: 'utf8', ...opts });
}

function lastLines(r, n = 12) {
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-n).join('\n');
}

const disabled = off(process.env.PPMA_NATIVE);
if (disabled) done('skipped (PPMA_NATIVE=0); the pure-wasm matmul kernels will be used', true);
if (!fs.existsSync(sources[0])) done(`skipped (${path.relative(root, sources[0])} not found)`, false);
if (process.platform === 'win32') done('skipped (Windows is not supported); the pure-wasm kernels will be used', false);

// 1. A C++ compiler and BLAS: probe with a one-line program, for a clear message when missing.
const cxx = process.env.CXX || 'c++';
const haveCxx = run(cxx, ['--version']).status === 0;
if (!haveCxx && fs.existsSync(addon)) done(`kept ${path.relative(root, addon)} (no C++ compiler to rebuild it)`, true);
if (!haveCxx) {
  done(`skipped: no C++ compiler (${cxx}); install g++ for the native backend (pure wasm runs meanwhile)`, false);
}
const blasLibs = process.platform === 'darwin' ? ['-framework', 'Accelerate'] : ['-lopenblas'];
const probeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-native-'));
const probeSrc = path.join(probeDir, 'probe.cc');
fs.writeFileSync(
  probeSrc,
  '#include <cblas.h>\nint main() { float a = 1, b = 1, c = 0;\n' +
    'cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 1, 1, 1, 1.f, &a, 1, &b, 1, 0.f, &c, 1); return c == 1.f ? 0 : 1; }\n',
);
const probe = wantBlas ? run(cxx, [probeSrc, '-o', path.join(probeDir, 'probe'), ...blasLibs]) : { status: 1 };
fs.rmSync(probeDir, { recursive: true, force: true });
const withBlas = probe.status === 0;
// Rebuild when the addon is missing, a source is newer, or the variant found now differs from the built one.
const reason = rebuildReason({
  force: args.has('--force'),
  addonMtimeMs: mtimeOrNull(addon),
  sourceMtimesMs: sources.map((s) => fs.statSync(s).mtimeMs),
  builtVariant: readVariant(stamp),
  wantedVariant: withBlas ? 'blas' : 'own',
});
if (reason === null) done(`up to date (${path.relative(root, addon)}, ${withBlas ? 'OpenBLAS' : 'own GEMM'})`, true);
console.log(`build-native: rebuilding (${reason})`);
if (!withBlas) {
  console.log(
    wantBlas
      ? 'build-native: OpenBLAS not found (cblas.h / -lopenblas): building with our own SIMD GEMM ' +
          '(`apt-get install libopenblas-dev` adds the OpenBLAS path)'
      : 'build-native: PPMA_OPENBLAS=0: building with our own SIMD GEMM',
  );
}

// 2. Node headers shipped with this Node (node-gyp would otherwise try to download them).
const nodePrefix = path.resolve(path.dirname(process.execPath), '..');
const nodeInclude = path.join(nodePrefix, 'include', 'node');
const haveHeaders = fs.existsSync(path.join(nodeInclude, 'node_api.h'));

// 3. node-gyp: the one npm runs scripts with, a local install, or the copy bundled with npm.
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(nodePrefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  if (process.env.npm_execpath) {
    candidates.push(
      path.join(path.dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    );
  }
  return candidates.find((c) => c && fs.existsSync(c));
}

let result;
const gyp = findNodeGyp();
if (gyp) {
  const gypArgs = [gyp, 'rebuild', '--silent'];
  if (haveHeaders) gypArgs.push(`--nodedir=${nodePrefix}`);
  result = run(process.execPath, gypArgs, { cwd: pkg, env: { ...process.env, PPMA_OPENBLAS: withBlas ? '1' : '0' } });
}
if (!result || result.status !== 0) {
  // Fallback without node-gyp (or when it failed, e.g. it wanted to download headers offline).
  if (!haveHeaders) {
    done(
      `skipped: could not build the addon (no node-gyp result and no Node headers in ${nodeInclude})` +
        (result ? `\n${lastLines(result)}` : ''),
      false,
    );
  }
  fs.mkdirSync(path.dirname(addon), { recursive: true });
  const flags = [
    '-O3',
    '-std=c++17',
    '-fPIC',
    '-fno-math-errno',
    '-fopenmp-simd',
    '-shared',
    '-pthread',
    '-DNAPI_VERSION=8',
    '-DNODE_GYP_MODULE_NAME=ppma_native',
    `-I${nodeInclude}`,
  ];
  if (process.platform === 'darwin') flags.push('-undefined', 'dynamic_lookup');
  if (withBlas) flags.push('-DPPMA_HAVE_BLAS');
  const direct = run(cxx, [...flags, ...ccFiles, '-o', addon, ...(withBlas ? blasLibs : [])]);
  if (direct.status !== 0) done(`failed to compile the addon:\n${lastLines(direct)}`, false);
}

// 4. Check that it loads and report what it linked.
const check = run(process.execPath, [
  '-e',
  `const i = require(${JSON.stringify(addon)}).info(); console.log(i.builtWithBlas ? i.config : 'own GEMM ' + i.isa)`,
]);
if (check.status !== 0) {
  fs.rmSync(addon, { force: true });
  done(`built but failed to load, removed:\n${lastLines(check)}`, false);
}
fs.writeFileSync(stamp, withBlas ? 'blas\n' : 'own\n');
done(`built ${path.relative(root, addon)} (${check.stdout.trim()})`, true);
