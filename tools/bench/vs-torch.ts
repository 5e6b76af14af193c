/**
 * Side-by-side training-step benchmark against PyTorch (docs/ARCHITECTURE.md §8): the same model,
 * clip size, batch, AdamW and thread count in our stack (every backend present) and in plain
 * PyTorch (`/usr/bin/python3` with torch, run by `vs_torch.py`), alternating child processes in one
 * run. Prints seconds per step, the ratio of step rates (ours / PyTorch; > 1 means we are faster)
 * and peak resident memory.
 *
 * PyTorch is set up as a careful user would: jemalloc without decay (`LD_PRELOAD`,
 * `MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1`), `OMP_WAIT_POLICY=PASSIVE`, and the OpenMP
 * OpenBLAS when installed (`libopenblas0-openmp`); `OPENBLAS_CORETYPE` is passed on unchanged.
 *
 *   npm run bench -- vs-torch [--quick] [--rows mae-tiny,vits-b1,vits-b2,vitti-mae-b4,vitb-b4]
 *                             [--backends native,native-own,wasm+blas,wasm] [--steps 3] [--rounds 2]
 *                             [--threads N] [--json]
 *
 * A backend written `<name>@<file>` runs `<name>` with the addon file `<file>` (`PPMA_ADDON`), so
 * two builds of `@ppma/native` alternate in one run, e.g. `--backends native,native@/tmp/old.node`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROWS, type BenchRow } from './vs-torch-ours.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const quick = process.argv.includes('--quick');
const json = process.argv.includes('--json');
const steps = Number(arg('steps') ?? (quick ? 1 : 3));
const rounds = Number(arg('rounds') ?? (quick ? 1 : 2));
const threads = Number(arg('threads') ?? process.env.PPMA_THREADS ?? os.availableParallelism());
const rowNames = (arg('rows') ?? (quick ? 'mae-tiny,vits-b1' : ROWS.map((r) => r.name).join(','))).split(',');
const PYTHON = process.env.PPMA_TORCH_PYTHON ?? '/usr/bin/python3';
const here = path.dirname(fileURLToPath(import.meta.url));

/** Our backends: name -> environment of the child. */
const BACKENDS: Record<string, Record<string, string>> = {
  native: { PPMA_BACKEND: 'native' },
  'native-own': { PPMA_BACKEND: 'native', PPMA_GEMM: 'own' },
  'wasm+blas': { PPMA_BACKEND: 'wasm' },
  wasm: { PPMA_BACKEND: 'wasm', PPMA_NATIVE: '0' },
};

interface Timing {
  steps: number[];
  peakMiB: number;
  label?: string;
}
type Outcome = Timing | { error: string };
/** One table cell: median seconds per step and peak memory, or why the side failed. */
type Cell = { sec: number; peakMiB: number; label?: string } | { error: string };

function torchEnv(): Record<string, string> {
  const env: Record<string, string> = {
    OMP_WAIT_POLICY: 'PASSIVE',
    OMP_NUM_THREADS: String(threads),
    MALLOC_CONF: 'dirty_decay_ms:-1,muzzy_decay_ms:-1',
  };
  const jemalloc = '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2';
  if (fs.existsSync(jemalloc)) env.LD_PRELOAD = jemalloc;
  const openmp = '/usr/lib/x86_64-linux-gnu/openblas-openmp';
  if (fs.existsSync(path.join(openmp, 'libblas.so.3'))) env.LD_LIBRARY_PATH = openmp;
  return env;
}

function lastJson(out: string): unknown {
  const line = out
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  return line ? JSON.parse(line) : null;
}

function firstError(stderr: string, status: number | null): string {
  const m = stderr.match(/(RangeError|RuntimeError|Error|Aborted|out of memory)[^\n]*/i);
  return (m ? m[0] : `exit code ${status}`).slice(0, 160);
}

function runTorch(row: BenchRow): Outcome {
  const cfg = JSON.stringify({ ...row, steps, threads });
  const r = spawnSync(PYTHON, [path.join(here, 'vs_torch.py'), cfg], {
    encoding: 'utf8',
    env: { ...process.env, ...torchEnv() },
    maxBuffer: 1 << 24,
  });
  const out = r.status === 0 ? (lastJson(r.stdout) as (Timing & { torch: string }) | null) : null;
  if (!out) return { error: firstError(r.stderr ?? '', r.status) };
  return { ...out, label: `PyTorch ${out.torch}` };
}

/** The child environment of a backend name, `<name>` or `<name>@<addon file>`. */
function backendEnv(backend: string): Record<string, string> {
  const at = backend.indexOf('@');
  const name = at < 0 ? backend : backend.slice(0, at);
  const env = BACKENDS[name];
  if (!env) throw new Error(`unknown backend ${name} (one of ${Object.keys(BACKENDS).join(', ')})`);
  return at < 0 ? env : { ...env, PPMA_ADDON: path.resolve(backend.slice(at + 1)) };
}

function runChild(row: BenchRow, backend: string): Outcome {
  const args = [...process.execArgv, path.join(here, 'vs-torch-ours.ts'), row.name, String(steps)];
  const r = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    env: { ...process.env, ...backendEnv(backend), PPMA_THREADS: String(threads) },
    maxBuffer: 1 << 24,
  });
  const out = r.status === 0 ? (lastJson(r.stdout) as Timing | null) : null;
  return out ?? { error: firstError(r.stderr ?? '', r.status) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function torchAvailable(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? null : `no torch in ${PYTHON}`;
}

async function main(): Promise<void> {
  const backends = (arg('backends') ?? Object.keys(BACKENDS).join(',')).split(',');
  const noTorch = torchAvailable();
  const rows = ROWS.filter((r) => rowNames.includes(r.name));
  const load = () =>
    os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
  if (!json) {
    console.log(
      `vs-torch: ${threads} threads, ${steps} timed steps x ${rounds} rounds after a warm-up each; load average ${load()} on ${os.availableParallelism()} cores`,
    );
    if (noTorch) console.log(`PyTorch column skipped: ${noTorch}`);
  }
  const results: Record<string, Record<string, Cell>> = {};
  for (const row of rows) {
    const sides = [...(noTorch ? [] : ['torch']), ...backends];
    const acc = new Map<string, Timing[]>();
    const errors = new Map<string, string>();
    for (let round = 0; round < rounds; round++) {
      for (const side of sides) {
        if (errors.has(side)) continue;
        const o = side === 'torch' ? runTorch(row) : runChild(row, side);
        if ('error' in o) errors.set(side, o.error);
        else acc.set(side, [...(acc.get(side) ?? []), o]);
      }
    }
    results[row.name] = {};
    for (const side of sides) {
      const ts = acc.get(side);
      results[row.name][side] =
        ts && !errors.has(side)
          ? {
              sec: median(ts.flatMap((t) => t.steps)),
              peakMiB: Math.max(...ts.map((t) => t.peakMiB)),
              label: ts[0].label,
            }
          : { error: errors.get(side) ?? 'no result' };
    }
    if (!json) printRow(row, results[row.name], sides);
  }
  if (json) console.log(JSON.stringify({ threads, steps, rounds, load: load(), results }, null, 2));
  else console.log(`load average at the end: ${load()}`);
}

let header = false;
function printRow(row: BenchRow, r: Record<string, Cell>, sides: string[]): void {
  if (!header) {
    console.log(`| training step | ${sides.map((s) => (s === 'torch' ? 'PyTorch' : s)).join(' | ')} |`);
    console.log(`| --- | ${sides.map(() => '---:').join(' | ')} |`);
    header = true;
  }
  const torch = r.torch && 'sec' in r.torch ? r.torch.sec : null;
  const cells = sides.map((s) => {
    const c = r[s];
    if (!c || 'error' in c) return `fails: ${c ? c.error : '?'}`;
    const ratio = s !== 'torch' && torch ? ` (${(torch / c.sec).toFixed(2)}x)` : '';
    return `${c.sec.toFixed(3)} s${ratio}, ${Math.round(c.peakMiB)} MiB`;
  });
  console.log(`| ${row.title} | ${cells.join(' | ')} |`);
}

await main();
