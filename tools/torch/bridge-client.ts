/**
 * The TypeScript side of the two-way PyTorch tests: finds a Python with PyTorch (`$PPMA_PYTHON`, else
 * Debian's `/usr/bin/python3`), runs `bridge.py`, and writes and reads the safetensors files they
 * exchange. Tests skip visibly with {@link torchSkipReason} when no such Python exists.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readSafetensors, toFloat32, writeSafetensors, type SafeTensorInput } from '@ppma/core';

const BRIDGE = path.join(import.meta.dirname, 'bridge.py');
/** The folder of the PyTorch reference (tools/torch). */
export const TORCH_TOOLS = import.meta.dirname;

function probe(): { python: string | null; reason: string } {
  const python = process.env.PPMA_PYTHON ?? '/usr/bin/python3';
  const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (r.status === 0) return { python, reason: `PyTorch ${r.stdout.trim()} via ${python}` };
  const why = r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`);
  return { python: null, reason: `no PyTorch at ${python} (${why}); install python3-torch or set PPMA_PYTHON` };
}

const found = probe();
/** The Python to run, or null. */
export const torchPython: string | null = found.python;
/** Why the PyTorch tests skip (empty when they run). */
export const torchSkipReason: string = found.python ? '' : found.reason;
if (!found.python) console.warn(`PyTorch two-way tests skipped: ${found.reason}`);

/** A scratch folder removed by `cleanup`. */
export function scratch(tag: string): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ppma-torch-${tag}-`));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Runs `bridge.py <command> <spec>`; throws with PyTorch's stderr on failure. Returns stdout. */
export function runBridge(command: 'forward' | 'init' | 'release', spec: Record<string, unknown>, dir: string): string {
  if (!torchPython) throw new Error(torchSkipReason);
  const file = path.join(dir, `${command}-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, JSON.stringify(spec));
  const r = spawnSync(torchPython, [BRIDGE, command, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bridge.py ${command} failed (exit ${r.status}):\n${r.stderr}`);
  return r.stdout;
}

/** Runs a Python snippet with PyTorch; returns stdout. */
export function runPython(code: string, cwd: string): string {
  if (!torchPython) throw new Error(torchSkipReason);
  const r = spawnSync(torchPython, ['-c', code], { encoding: 'utf8', cwd });
  if (r.status !== 0) throw new Error(`python failed (exit ${r.status}):\n${r.stderr}`);
  return r.stdout;
}

/** Writes a clip `[B, T, H, W, 3]` (and optionally a mask `[B, N]`) for the bridge. */
export async function writeClip(
  file: string,
  clip: { data: Float32Array; shape: number[] },
  mask?: { data: Uint8Array; shape: number[] },
): Promise<void> {
  const t: Record<string, SafeTensorInput> = { clip: { shape: clip.shape, data: clip.data } };
  if (mask) t.mask = { dtype: 'U8', shape: mask.shape, data: mask.data };
  await writeSafetensors(file, t);
}

/** Every tensor of a safetensors file as float32. */
export async function readOutputs(file: string): Promise<Map<string, { shape: number[]; data: Float32Array }>> {
  const { tensors } = await readSafetensors(file);
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [k, t] of tensors) out.set(k, { shape: [...t.shape], data: toFloat32(t) });
  return out;
}

/** The largest |a - b| relative to max(1, max |b|). */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst / scale;
}
