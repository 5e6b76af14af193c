/**
 * Matmul benchmark (issue 10): GFLOP/s of the matmul shapes of ViT-Ti / ViT-S training steps on
 * the pure-wasm kernels vs the native OpenBLAS kernels of @ppma/native with 1 and 2 threads.
 * Each shape runs forward (NN) and as its two backward products (dX: NT, dW: TN); attention runs
 * as batched [B*H, N, d] products.
 *
 *   npm run bench -- matmul [--quick] [--paths wasm,blas1,blas2] [--min-time 0.5] [--json]
 */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import {
  activateNativeMatMul,
  deactivateNativeMatMul,
  loadNativeAddon,
  nativeMatMulStats,
  resetNativeMatMulStats,
} from '@ppma/native';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const quick = process.argv.includes('--quick');
const json = process.argv.includes('--json');
const minTime = Number(arg('min-time') ?? (quick ? 0.2 : 0.5));
const paths = (arg('paths') ?? 'wasm,blas1,blas2').split(',');

interface Shape {
  name: string;
  a: number[];
  b: number[];
  transA: boolean;
  transB: boolean;
  flops: number;
}

/** A dense layer [rows, din] x [din, dout] and its two backward products. */
function dense(name: string, rows: number, din: number, dout: number): Shape[] {
  const flops = 2 * rows * din * dout;
  return [
    { name: `${name} fwd`, a: [rows, din], b: [din, dout], transA: false, transB: false, flops },
    { name: `${name} dX`, a: [rows, dout], b: [din, dout], transA: false, transB: true, flops },
    { name: `${name} dW`, a: [rows, din], b: [rows, dout], transA: true, transB: false, flops },
  ];
}

/** Attention products for bh = batch*heads, n tokens, head dim d. */
function attention(name: string, bh: number, n: number, d: number): Shape[] {
  const flops = 2 * bh * n * n * d;
  return [
    { name: `${name} qk^T`, a: [bh, n, d], b: [bh, n, d], transA: false, transB: true, flops },
    { name: `${name} att·v`, a: [bh, n, n], b: [bh, n, d], transA: false, transB: false, flops },
    { name: `${name} d(att)`, a: [bh, n, d], b: [bh, n, d], transA: false, transB: true, flops },
    { name: `${name} dv`, a: [bh, n, n], b: [bh, n, d], transA: true, transB: false, flops },
  ];
}

// ViT-Ti at 8x112 (batch 4 clips): 4*7*7 = 196 tokens/clip; ViT-S at 16x224 (batch 1): 8*14*14 = 1568.
const SHAPES: Shape[] = quick
  ? [
      ...dense('Ti 8x112 mlp [784,192]x[192,768]', 784, 192, 768),
      ...attention('Ti 8x112 attn [12,196,64]', 12, 196, 64),
    ]
  : [
      ...dense('Ti 8x112 qkv [784,192]x[192,576]', 784, 192, 576),
      ...dense('Ti 8x112 mlp [784,192]x[192,768]', 784, 192, 768),
      ...attention('Ti 8x112 attn [12,196,64]', 12, 196, 64),
      ...dense('S 16x224 mlp [1568,384]x[384,1536]', 1568, 384, 1536),
      ...dense('S 16x224 proj [1568,384]x[384,384]', 1568, 384, 384),
      ...attention('S 16x224 attn [6,1568,64]', 6, 1568, 64),
    ];

/** Wall-clock GFLOP/s and GFLOP per CPU-second of this process (all its threads). */
function timeShape(s: Shape): { wall: number; cpu: number } {
  const a = tf.randomNormal(s.a);
  const b = tf.randomNormal(s.b);
  const run = () => {
    // The wasm backend computes synchronously inside the op; no dataSync (it would copy the whole
    // output out of the wasm heap, which dominates for the large N x N attention maps).
    tf.matMul(a, b, s.transA, s.transB).dispose();
  };
  run(); // warm-up
  let reps = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  do {
    run();
    reps++;
  } while ((performance.now() - t0) / 1000 < minTime || reps < 2);
  const sec = (performance.now() - t0) / 1000 / reps;
  const cu = process.cpuUsage(c0);
  const cpuSec = (cu.user + cu.system) / 1e6 / reps;
  tf.dispose([a, b]);
  return { wall: s.flops / sec / 1e9, cpu: s.flops / cpuSec / 1e9 };
}

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
  const load = loadNativeAddon();
  const results: Record<string, Record<string, { wall: number; cpu: number }>> = {};
  let blasLabel = 'n/a';
  for (const p of paths) {
    if (p === 'wasm') {
      deactivateNativeMatMul();
    } else {
      if (!load.available) {
        console.error(`skipping ${p}: ${load.reason}`);
        continue;
      }
      const act = await activateNativeMatMul({ threads: Number(p.replace('blas', '')) || 1 });
      blasLabel = `${act?.info.config} (core ${act?.info.corename})`;
    }
    resetNativeMatMulStats();
    results[p] = {};
    for (const s of SHAPES) results[p][s.name] = timeShape(s);
    const st = nativeMatMulStats();
    if (p !== 'wasm' && st.fallthrough > 0) console.error(`warning: ${st.fallthrough} calls fell through on ${p}`);
  }
  deactivateNativeMatMul();
  const load1 = os.loadavg()[0].toFixed(2);
  if (json) {
    console.log(JSON.stringify({ blas: blasLabel, loadavg1: Number(load1), minTime, results }, null, 2));
    return;
  }
  console.log(
    `matmul GFLOP/s — tfjs-wasm ${tf.version_core}; ${blasLabel}; OPENBLAS_CORETYPE=${process.env.OPENBLAS_CORETYPE ?? '(unset)'}; load avg ${load1}`,
  );
  const cols = Object.keys(results);
  console.log('Each cell: wall-clock GFLOP/s (GFLOP per CPU-second of this process, all threads).');
  console.log(`| shape | ${cols.join(' | ')} |`);
  console.log(`| --- | ${cols.map(() => '---:').join(' | ')} |`);
  for (const s of SHAPES)
    console.log(
      `| ${s.name} | ${cols.map((c) => `${results[c][s.name].wall.toFixed(1)} (${results[c][s.name].cpu.toFixed(1)})`).join(' | ')} |`,
    );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
