// Ctrl-C in a terminal sends SIGINT to the whole foreground process group. The training process
// must stop after finishing its step with the clips it was decoding (its ffmpeg children must not
// die of the same signal and be taken for bad videos), and the resumed run must be bit-identical.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSafetensors, toFloat32 } from '@ppma/core';
import { encodeVideo } from '../src/index.js';
import { makeFrames, tempDir } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const tmp = tempDir('ppma-ctrlc-');
const csv = join(tmp.dir, 'train.csv');
const hasPs = (() => {
  try {
    execFileSync('ps', ['-o', 'pid=', '-p', String(process.pid)]);
    return true;
  } catch {
    return false;
  }
})();
if (!hasPs) console.warn('ctrl-c test skipped: no `ps` to see the decoder processes');

interface ChildOut {
  skipped: string[];
  code: number | null;
  stderr: string;
}

function runChild(runDir: string, resume: boolean, onRunning?: (pid: number) => void): Promise<ChildOut> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@ppma/source', join(here, 'sigint-child.ts'), runDir, csv, resume ? '1' : '0'],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true }, // its own group, like a terminal's foreground job
  );
  let out = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  if (onRunning && child.pid !== undefined) onRunning(child.pid);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      const parsed = last.startsWith('{') ? (JSON.parse(last) as { skipped: string[] }) : { skipped: ['no output'] };
      resolve({ skipped: parsed.skipped, code, stderr });
    }),
  );
}

/** Sends SIGINT to the child's whole process group once it has a step checkpointed and a decoder running. */
function ctrlCDuringDecode(runDir: string): (pid: number) => void {
  return (pid) => {
    const poll = setInterval(() => {
      if (!existsSync(join(runDir, 'checkpoint.safetensors'))) return;
      let kids = '';
      try {
        kids = execFileSync('ps', ['--ppid', String(pid), '-o', 'comm=']).toString();
      } catch {
        return; // no children right now
      }
      if (/ff(mpeg|probe)/.test(kids)) {
        clearInterval(poll);
        process.kill(-pid, 'SIGINT');
      }
    }, 3);
  };
}

async function weights(runDir: string): Promise<number[]> {
  const { tensors } = await readSafetensors(join(runDir, 'checkpoint.safetensors'));
  const t = tensors.get('param.w');
  if (!t) throw new Error('no param.w');
  return [...toFloat32(t)];
}

function stepIndices(runDir: string): Map<number, string> {
  const m = new Map<number, string>();
  for (const line of readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').split('\n').filter(Boolean)) {
    const r = JSON.parse(line) as { kind: string; step: number; indices: string };
    if (r.kind === 'step') m.set(r.step, r.indices);
  }
  return m;
}

beforeAll(async () => {
  const lines: string[] = [];
  for (let v = 0; v < 4; v++) {
    const frames = makeFrames(16, 72, 96).map((x, i) => (x + 37 * v + (i % 7)) & 255);
    await encodeVideo(join(tmp.dir, `v${v}.mp4`), frames, { width: 96, height: 72, fps: 25 });
    lines.push(`v${v}.mp4;${v % 2}`);
  }
  writeFileSync(csv, lines.join('\n') + '\n');
}, 120_000);
afterAll(() => tmp.cleanup());

describe('Ctrl-C during decoding', () => {
  it.skipIf(!hasPs)('skips no clip, checkpoints the right batch, and resumes bit-identically', async () => {
    const refDir = join(tmp.dir, 'ref');
    const ref = await runChild(refDir, false);
    expect(ref.code, ref.stderr).toBe(0);
    expect(ref.skipped).toEqual([]);
    const reference = await weights(refDir);
    const refSteps = stepIndices(refDir);
    expect(refSteps.size).toBe(4);

    const dir = join(tmp.dir, 'interrupted');
    const stopped = await runChild(dir, false, ctrlCDuringDecode(dir));
    expect(stopped.code, stopped.stderr).toBe(130); // stopped by the signal, cleanly
    expect(stopped.skipped).toEqual([]); // no clip taken for a bad video
    const seen = stepIndices(dir);
    expect(seen.size).toBeLessThan(4);
    for (const [step, idx] of seen) expect(idx, `batch of step ${step}`).toBe(refSteps.get(step));

    const resumed = await runChild(dir, true);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.skipped).toEqual([]);
    expect(await weights(dir)).toEqual(reference);
    expect(stepIndices(dir)).toEqual(refSteps);
  });
});
