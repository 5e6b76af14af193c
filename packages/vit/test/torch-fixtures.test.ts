/**
 * The parity fixtures are reproducible: tools/torch/make_fixtures.py regenerates the committed
 * config.json, weights.safetensors and io.safetensors of this package and of @ppma/mae byte for byte.
 * Bit-exact outputs need the PyTorch build and BLAS they were written with (Debian's 1.13 with
 * OpenBLAS as libblas.so.3, see tools/torch/README.md); elsewhere the test says so and skips.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TORCH_TOOLS, runPython, scratch, torchPython, torchSkipReason } from '../../../tools/torch/bridge-client.js';

const here = path.join(import.meta.dirname, 'fixtures');
const mae = path.join(import.meta.dirname, '..', '..', 'mae', 'test', 'fixtures');
const wanted = (JSON.parse(fs.readFileSync(path.join(here, 'config.json'), 'utf8')) as { torch_version: string })
  .torch_version;

function environment(): string {
  if (!torchPython) return torchSkipReason;
  const tmp = scratch('fixtures-env');
  try {
    const out = runPython(
      'import torch; torch.ones(8, 8) @ torch.ones(8, 8); ' +
        "blas = [l.split()[-1] for l in open('/proc/self/maps') if 'libblas' in l or 'openblas' in l]; " +
        "print(torch.__version__); print(blas[0] if blas else 'none')",
      tmp.dir,
    ).split('\n');
    if (out[0] !== wanted) return `(PyTorch ${out[0]}, the fixtures were written with ${wanted})`;
    if (!/openblas/.test(out[1])) return `(BLAS ${out[1]}, the fixtures were written with OpenBLAS)`;
    return '';
  } finally {
    tmp.cleanup();
  }
}
const reason = environment();
if (reason) console.warn(`fixture regeneration check skipped: ${reason}`);

describe('parity fixtures', () => {
  it.skipIf(reason !== '')(`make_fixtures.py regenerates them byte for byte ${reason}`, () => {
    for (const dir of [here, mae]) {
      const out = runPython(
        `import runpy, sys; sys.argv = ['make_fixtures.py', '--check', ${JSON.stringify(dir)}]; ` +
          `runpy.run_path(${JSON.stringify(path.join(TORCH_TOOLS, 'make_fixtures.py'))}, run_name='__main__')`,
        TORCH_TOOLS,
      );
      expect(out).not.toMatch(/DIFFERS/);
      expect(out.match(/identical/g)).toHaveLength(3);
    }
  });

  it('the copies in @ppma/vit and @ppma/mae are the same files', () => {
    for (const f of ['config.json', 'weights.safetensors', 'io.safetensors'])
      expect(fs.readFileSync(path.join(here, f)).equals(fs.readFileSync(path.join(mae, f))), f).toBe(true);
  });
});
