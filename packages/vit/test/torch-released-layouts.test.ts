/**
 * Importers on the key layouts of released checkpoints (docs/ARCHITECTURE.md §4), built by our PyTorch
 * module under the released names (tools/torch/bridge.py `release`) and saved with `torch.save` in the
 * released containers: VideoMAE fine-tuned (`{'model', 'optimizer', 'epoch', 'scaler', 'args',
 * 'model_ema'}`, `q_bias`/`v_bias`), VideoMAE pre-trained (`encoder.`/`decoder.` prefixes), DDP-era
 * `{'module': {'module.*'}}`, Lightning `{'state_dict': {'model.*'}}`, OmniMAE fine-tuned and
 * pre-trained (flat `trunk.*` + `head.*`, with `pos_embed` buffers and the pre-training decoder) and
 * PPMA/omnivision align checkpoints (`trunk.*`, `heads.<i>.0.*`). Each file is read by our `.pth`
 * reader, mapped, loaded strictly and run: the outputs must match PyTorch's on the same clip.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, initBackend } from '@ppma/core';
import {
  VideoViT,
  detectSource,
  readPthStateDict,
  toClassifierKeys,
  type TorchTensor,
  type VitConfigInput,
} from '../src/index.js';
import {
  maxRelDiff,
  readOutputs,
  runBridge,
  scratch,
  torchPython,
  torchSkipReason,
  writeClip,
} from '../../../tools/torch/bridge-client.js';
import { TINY_TRUNK_16, TINY_DECODER } from '../../../tools/test/reference.js';

const CONFIG = {
  ...TINY_TRUNK_16,
  classes: 5,
  ...TINY_DECODER,
};
const SHAPE: [number, number, number, number, number] = [2, 4, 16, 16, 3];
const TOL = 1e-4;

/** The names of one block in VideoMAE (modeling_finetune.py: `qkv` without bias, `q_bias`, `v_bias`). */
const videomaeBlock = (p: string) =>
  ['norm1.weight', 'norm1.bias', 'attn.q_bias', 'attn.v_bias', 'attn.qkv.weight', 'attn.proj.weight']
    .concat(['attn.proj.bias', 'norm2.weight', 'norm2.bias', 'mlp.fc1.weight', 'mlp.fc1.bias'])
    .concat(['mlp.fc2.weight', 'mlp.fc2.bias'])
    .map((k) => `${p}${k}`);
/** The names of one block in OmniMAE/omnivision (`qkv` with bias). */
const omniBlock = (p: string) =>
  ['norm1.weight', 'norm1.bias', 'attn.qkv.weight', 'attn.qkv.bias', 'attn.proj.weight', 'attn.proj.bias']
    .concat(['norm2.weight', 'norm2.bias', 'mlp.fc1.weight', 'mlp.fc1.bias', 'mlp.fc2.weight', 'mlp.fc2.bias'])
    .map((k) => `${p}${k}`);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const pair = (p: string) => [`${p}.weight`, `${p}.bias`];

const VIDEOMAE_FT = [
  ...pair('patch_embed.proj'),
  ...range(2).flatMap((i) => videomaeBlock(`blocks.${i}.`)),
  ...pair('fc_norm'),
  ...pair('head'),
];
const VIDEOMAE_PT = [
  'mask_token',
  ...pair('encoder.patch_embed.proj'),
  ...range(2).flatMap((i) => videomaeBlock(`encoder.blocks.${i}.`)),
  ...pair('encoder.norm'),
  ...videomaeBlock('decoder.blocks.0.'),
  ...pair('decoder.norm'),
  ...pair('decoder.head'),
  'encoder_to_decoder.weight',
];
const OMNI_TRUNK = [
  'trunk.pos_embed',
  ...pair('trunk.patch_embed.proj.1'),
  ...range(2).flatMap((i) => omniBlock(`trunk.blocks.${i}.`)),
  ...pair('trunk.norm'),
];
const OMNIMAE_FT = [...OMNI_TRUNK, ...pair('head')];
const OMNIMAE_PT = [
  ...OMNI_TRUNK,
  'trunk.mask_token',
  'trunk.decoder.pos_embed',
  ...pair('trunk.decoder.decoder_embed'),
  ...omniBlock('trunk.decoder.decoder_blocks.0.'),
  ...pair('trunk.decoder.norm'),
  ...pair('head'),
];
const PPMA_ALIGN = [...OMNI_TRUNK, ...pair('heads.0.0'), ...pair('heads.1.0')];
const OURS = [
  ...pair('patch_embed.proj'),
  ...range(2).flatMap((i) => omniBlock(`blocks.${i}.`)),
  ...pair('fc_norm'),
  ...pair('head'),
];

interface Case {
  readonly layout: string;
  readonly keys: string[];
  readonly classes: VitConfigInput['classes'];
  /** Parameters the file cannot provide (a pre-training checkpoint has no fc_norm). */
  readonly missing?: string[];
  readonly legacy?: boolean;
  readonly skipped?: string[];
}
const CASES: Case[] = [
  {
    layout: 'videomae-ft',
    keys: VIDEOMAE_FT,
    classes: 5,
    skipped: ['optimizer', 'epoch', 'args', 'scaler', 'model_ema'],
  },
  { layout: 'videomae-ft', keys: VIDEOMAE_FT, classes: 5, legacy: true },
  { layout: 'videomae-ft-ddp', keys: VIDEOMAE_FT.map((k) => `module.${k}`), classes: 5 },
  { layout: 'videomae-pt', keys: VIDEOMAE_PT, classes: 0, missing: ['fc_norm.weight', 'fc_norm.bias'] },
  { layout: 'lightning', keys: OURS.map((k) => `model.${k}`), classes: 5 },
  { layout: 'omnimae-ft', keys: OMNIMAE_FT, classes: 5 },
  { layout: 'omnimae-pt', keys: OMNIMAE_PT, classes: 0 },
  { layout: 'ppma-align', keys: PPMA_ALIGN, classes: { '0': 5, '1': 3 } },
];

describe.skipIf(!torchPython)(`released checkpoint layouts through the .pth reader ${torchSkipReason}`, () => {
  const tmp = scratch('layouts');
  const pixels = new Rng(8).fillUniform(new Float32Array(SHAPE.reduce((a, b) => a * b, 1)), 0, 1);
  const clipFile = path.join(tmp.dir, 'clip.safetensors');
  const mask = new Uint8Array(2 * 8).map((_, i) => (i % 8 < 6 ? 1 : 0));

  const file = (c: Case, what: string) => path.join(tmp.dir, `${c.layout}${c.legacy ? '-legacy' : ''}${what}`);
  let printed: { keys: string[] }[] = [];

  beforeAll(async () => {
    await initBackend();
    await writeClip(clipFile, { data: pixels, shape: SHAPE }, { data: mask, shape: [2, 8] });
    const cases = CASES.map((c) => ({
      layout: c.layout,
      legacy: c.legacy ?? false,
      out: file(c, '.pth'),
      expected: file(c, '-expected.safetensors'),
    }));
    printed = JSON.parse(runBridge('release', { config: CONFIG, seed: 3, clip: clipFile, cases }, tmp.dir)) as {
      keys: string[];
    }[];
  });
  afterAll(() => tmp.cleanup());

  it.each(CASES.map((c, i) => ({ ...c, i })))(
    '$layout (legacy format: $legacy): exact released keys, strict load, same outputs',
    async (c) => {
      const pth = file(c, '.pth');
      const expectedFile = file(c, '-expected.safetensors');
      expect([...printed[c.i].keys].sort()).toEqual([...c.keys].sort()); // the module writes the released names
      const sd = await readPthStateDict(pth);
      expect(sd.format).toBe(c.legacy ? 'legacy' : 'zip');
      if (c.skipped) expect(sd.skipped).toEqual(expect.arrayContaining(c.skipped));
      const raw = new Map<string, TorchTensor>();
      for (const [k, t] of sd.tensors) raw.set(k, { shape: [...t.shape], data: t.data as Float32Array });
      expect([...raw.keys()].sort()).toEqual([...c.keys].sort());
      const mapped = toClassifierKeys(raw, detectSource(raw.keys()));
      const vit = VideoViT.create({ ...CONFIG, classes: c.classes }, { seed: 1 });
      try {
        const missing = vit.loadStateDict(mapped, { strict: !c.missing });
        expect(missing.sort()).toEqual([...(c.missing ?? [])].sort());
        const ref = await readOutputs(expectedFile);
        const x = tf.tensor5d(pixels, SHAPE);
        for (const head of vit.headNames().length ? vit.headNames() : ['']) {
          const o = vit.forward(x, head ? { head } : {});
          expect(maxRelDiff(o.tokens.dataSync(), ref.get('tokens')!.data)).toBeLessThan(TOL);
          if (!c.missing) expect(maxRelDiff(o.pooled.dataSync(), ref.get('pooled')!.data)).toBeLessThan(TOL);
          const logits = ref.get(typeof c.classes === 'object' ? `logits.${head}` : 'logits');
          if (logits) expect(maxRelDiff(o.logits.dataSync(), logits.data)).toBeLessThan(TOL);
          tf.dispose([o.tokens, o.pooled, o.logits]);
        }
        x.dispose();
      } finally {
        vit.dispose();
      }
    },
  );
});
