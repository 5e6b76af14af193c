/**
 * The `.pth` reader (src/pth): pickles that would run code are refused naming the global, built here
 * byte by byte (no Python needed); a `torch.save` file made by PyTorch converts to safetensors that
 * load strictly with the same values and outputs.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError, Rng, initBackend, readSafetensors } from '@ppma/core';
import { UnsafePickleError, VideoViT, convertPth, readPthStateDict } from '../src/index.js';
import {
  maxRelDiff,
  readOutputs,
  runBridge,
  scratch,
  torchPython,
  torchSkipReason,
  writeClip,
} from '../../../tools/torch/bridge-client.js';

const tmp = scratch('pth');
afterAll(() => tmp.cleanup());

/** A STORED zip of `entries` (what torch.save writes; CRCs are not checked by our reader, left 0). */
function storedZip(entries: Record<string, Uint8Array>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(entries)) {
    const n = Buffer.from(name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n, Buffer.from(data));
    centrals.push(central, n);
    offset += 30 + n.length + data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

const ascii = (s: string) => Buffer.from(s, 'latin1');
/** Protocol 2: `module.name('echo pwned')` via GLOBAL + REDUCE, as `pickle.dumps` writes a __reduce__ exploit. */
const reduceExploit = (module: string, name: string) =>
  Buffer.concat([
    ascii(`\x80\x02c${module}\n${name}\nq\x00X`),
    Buffer.from([10, 0, 0, 0]),
    ascii('echo pwnedq\x01\x85q\x02Rq\x03.'),
  ]);

describe('refusing pickles that would run code', () => {
  it('refuses posix.system in the data.pkl of a torch.save zip, naming it', async () => {
    const file = path.join(tmp.dir, 'evil.pth');
    fs.writeFileSync(
      file,
      storedZip({ 'evil/data.pkl': reduceExploit('posix', 'system'), 'evil/version': ascii('3\n') }),
    );
    const err = await readPthStateDict(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsafePickleError);
    expect((err as UnsafePickleError).global).toBe('posix.system');
    expect((err as UnsafePickleError).code).toBe('PPMA_CHECKPOINT');
    expect((err as Error).message).toMatch(/evil\.pth: refused to unpickle the global "posix\.system"/);
  });

  it('refuses os.system in a bare (legacy-style) pickle, and nothing runs', async () => {
    const marker = path.join(tmp.dir, 'ran');
    const file = path.join(tmp.dir, 'evil-legacy.pt');
    fs.writeFileSync(
      file,
      Buffer.concat([
        ascii('\x80\x02cos\nsystem\nX'),
        Buffer.from([marker.length + 6, 0, 0, 0]),
        ascii(`touch ${marker}\x85R.`),
      ]),
    );
    await expect(readPthStateDict(file)).rejects.toThrow(/refused to unpickle the global "os\.system"/);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('refuses builtins.eval named by STACK_GLOBAL (protocol 4) and __builtin__.eval (protocol 0)', async () => {
    const p4 = Buffer.concat([ascii('\x80\x04\x8c\x08builtins\x8c\x04eval\x93\x8c\x011\x85R.')]);
    const f4 = path.join(tmp.dir, 'eval4.pth');
    fs.writeFileSync(f4, storedZip({ 'a/data.pkl': p4 }));
    await expect(readPthStateDict(f4)).rejects.toThrow(/"builtins\.eval"/);
    const f0 = path.join(tmp.dir, 'eval0.pth');
    fs.writeFileSync(f0, storedZip({ 'a/data.pkl': ascii("c__builtin__\neval\n(S'1'\ntR.") }));
    await expect(readPthStateDict(f0)).rejects.toThrow(/"builtins\.eval"/);
  });

  it('refuses a REDUCE of a value that is not an allowed callable', async () => {
    const f = path.join(tmp.dir, 'reduce-str.pth');
    fs.writeFileSync(f, storedZip({ 'a/data.pkl': ascii('\x80\x02X\x01\x00\x00\x00a)R.') }));
    await expect(readPthStateDict(f)).rejects.toBeInstanceOf(UnsafePickleError);
  });

  it('names the file and the problem for a truncated pickle or a file that is not a checkpoint', async () => {
    const f = path.join(tmp.dir, 'truncated.pth');
    fs.writeFileSync(f, storedZip({ 'a/data.pkl': ascii('\x80\x02}q\x00(X\x05\x00\x00\x00') }));
    await expect(readPthStateDict(f)).rejects.toThrow(/truncated\.pth: malformed pickle/);
    const g = path.join(tmp.dir, 'text.pth');
    fs.writeFileSync(g, 'hello');
    await expect(readPthStateDict(g)).rejects.toBeInstanceOf(CheckpointError);
  });
});

const CONFIG = { dim: 32, depth: 2, heads: 2, tubelet: 2, patch: 8, frames: 4, height: 16, width: 16, classes: 5 };
const SHAPE: [number, number, number, number, number] = [2, 4, 16, 16, 3];

describe.skipIf(!torchPython)(`a torch.save file made by PyTorch ${torchSkipReason}`, () => {
  const pixels = new Rng(2).fillUniform(new Float32Array(SHAPE.reduce((a, b) => a * b, 1)), 0, 1);
  const pth = path.join(tmp.dir, 'nested.pth');
  const expected = path.join(tmp.dir, 'nested-expected.safetensors');

  beforeAll(async () => {
    await initBackend();
    const clip = path.join(tmp.dir, 'clip.safetensors');
    await writeClip(clip, { data: pixels, shape: SHAPE });
    runBridge('release', { layout: 'ours-nested', config: CONFIG, seed: 6, clip, out: pth, expected }, tmp.dir);
  });

  it("converts {'model': state_dict, 'optimizer': ..., 'epoch': ...} to safetensors with the same values", async () => {
    const out = path.join(tmp.dir, 'nested.safetensors');
    const r = await convertPth(pth, out);
    expect(r.path).toBe('model');
    expect([...r.skipped].sort()).toEqual(['epoch', 'optimizer']);
    const ref = await readOutputs(expected);
    const { tensors, metadata } = await readSafetensors(out);
    expect(metadata.format).toBe('pth-import/1');
    const weights = [...ref.keys()].filter((k) => k.startsWith('weight.'));
    expect([...tensors.keys()].sort()).toEqual(weights.map((k) => k.slice('weight.'.length)).sort());
    for (const k of weights) {
      const t = tensors.get(k.slice('weight.'.length))!;
      expect(t.dtype).toBe('F32');
      expect(t.shape).toEqual(ref.get(k)!.shape);
      expect(Buffer.from((t.data as Float32Array).buffer).equals(Buffer.from(ref.get(k)!.data.buffer))).toBe(true);
    }
    const vit = VideoViT.create(CONFIG);
    try {
      await vit.load(out); // strict
      const x = tf.tensor5d(pixels, SHAPE);
      const o = vit.forward(x);
      expect(maxRelDiff(o.logits.dataSync(), ref.get('logits')!.data)).toBeLessThan(1e-4);
      tf.dispose([x, o.tokens, o.pooled, o.logits]);
    } finally {
      vit.dispose();
    }
  });
});
