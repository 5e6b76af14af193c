/**
 * The fused attention kernels of the addon alone (`native/attention.cc`), without tfjs: median ms
 * of `attention` and `attentionGrad` for the attention shapes of the `vs-torch` rows, and GFLOP/s
 * (4 N^2 dh per head forward, 8 N^2 dh backward).
 *
 *   node --import tsx --conditions=@ppma/source packages/native/bench/attention-kernel.ts [--reps 5] [--threads 2]
 *
 * `PPMA_ADDON=<file>` times another build of the addon.
 */
import os from 'node:os';
import { loadNativeAddon } from '../src/addon.js';

const SHAPES: { name: string; batch: number; n: number; heads: number; dh: number }[] = [
  { name: 'ViT-S 16x224 b2', batch: 2, n: 1568, heads: 6, dh: 64 },
  { name: 'ViT-Ti MAE b4 decoder', batch: 4, n: 1568, heads: 6, dh: 64 },
  { name: 'ViT-Ti MAE b4 encoder', batch: 4, n: 157, heads: 3, dh: 64 },
  { name: 'MAE-tiny decoder', batch: 16, n: 64, heads: 4, dh: 16 },
  { name: 'MAE-tiny encoder', batch: 16, n: 16, heads: 4, dh: 16 },
];

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const load = loadNativeAddon();
if (!load.available) throw new Error(load.reason);
const { addon } = load;
const threads = arg('threads', os.availableParallelism());
addon.setGemm(process.env.PPMA_GEMM === 'own' ? 'own' : 'auto', 'auto');
addon.setThreads(threads);
const reps = arg('reps', 5);
console.log(
  `attention kernels: ${addon.info().blas}, ${threads} threads, ${reps} reps, load ${os.loadavg()[0].toFixed(2)}`,
);
console.log(
  '| shape | forward ms | GFLOP/s | CPU ms | backward ms | GFLOP/s | CPU ms |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
);
for (const s of SHAPES) {
  const d = s.heads * s.dh;
  const bn = s.batch * s.n;
  const qkv = new Float32Array(bn * 3 * d).map((_, i) => Math.sin(i * 0.37));
  const dy = new Float32Array(bn * d).map((_, i) => Math.cos(i * 0.11));
  const out = new Float32Array(bn * d);
  const p = new Float32Array(s.batch * s.heads * s.n * s.n);
  const dqkv = new Float32Array(bn * 3 * d);
  const dims = Int32Array.from([s.batch, s.n, s.heads, s.dh]);
  const scale = 1 / Math.sqrt(s.dh);
  const r = s.n > 1000 ? reps : reps * 50;
  const f: number[] = [];
  const b: number[] = [];
  const fc: number[] = [];
  const bc: number[] = [];
  const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
  for (let k = 0; k <= r; k++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    addon.attention(qkv, out, p, dims, scale);
    const t1 = performance.now();
    const c1 = process.cpuUsage();
    addon.attentionGrad(dy, qkv, p, dqkv, dims, scale);
    const t2 = performance.now();
    const c2 = process.cpuUsage();
    if (k > 0) {
      f.push(t1 - t0);
      b.push(t2 - t1);
      fc.push(cpuMs(c1) - cpuMs(c0));
      bc.push(cpuMs(c2) - cpuMs(c1));
    }
  }
  const flop = s.batch * s.heads * s.n * s.n * s.dh;
  const fm = median(f);
  const bm = median(b);
  console.log(
    `| ${s.name} | ${fm.toFixed(3)} | ${((4 * flop) / fm / 1e6).toFixed(1)} | ${median(fc).toFixed(1)} ` +
      `| ${bm.toFixed(3)} | ${((8 * flop) / bm / 1e6).toFixed(1)} | ${median(bc).toFixed(1)} |`,
  );
}
