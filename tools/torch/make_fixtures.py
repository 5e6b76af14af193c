"""Writes the PyTorch parity fixtures of docs/ARCHITECTURE.md §4: config.json, weights.safetensors (keys
`classifier.*` and `mae.*`) and io.safetensors (clip, mask, outputs and gradients).

    /usr/bin/python3 tools/torch/make_fixtures.py --out packages/vit/test/fixtures
    /usr/bin/python3 tools/torch/make_fixtures.py --check packages/vit/test/fixtures   # byte comparison

Deterministic: seed 7, CPU, float32, one thread, deterministic algorithms, and the CPU kernels pinned
to AVX2 (PyTorch's ATEN_CPU_CAPABILITY, oneDNN's DNNL_MAX_CPU_ISA, OpenBLAS's OPENBLAS_CORETYPE), so
that a machine with AVX-512 picks the same summation order. The bits still depend on the PyTorch
build and on the BLAS behind it (Debian: the libblas.so.3 alternative; the fixtures were written
with OpenBLAS 0.3.21, which `apt-get install libopenblas-dev` selects).
"""
import argparse
import json
import os
import sys
import tempfile

for _k, _v in (('ATEN_CPU_CAPABILITY', 'avx2'), ('DNNL_MAX_CPU_ISA', 'AVX2'), ('OPENBLAS_CORETYPE', 'Haswell'),
               ('OPENBLAS_NUM_THREADS', '1'), ('OMP_NUM_THREADS', '1')):
    os.environ.setdefault(_k, _v)

import torch  # noqa: E402
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from ppma_vit import VideoMAE, VideoViT, mae_target, normalise  # noqa: E402

CONFIG = {
    'dim': 64, 'depth': 2, 'heads': 4,
    'dec_dim': 32, 'dec_depth': 1, 'dec_heads': 4,
    'frames': 4, 'height': 32, 'width': 32, 'tubelet': 2, 'patch': 8,
    'classes': 10, 'batch': 2, 'masked_per_clip': 24,
    'layer_norm_eps': 1e-06, 'gelu': 'erf',
    'mean': [0.485, 0.456, 0.406], 'std': [0.229, 0.224, 0.225],
}
SEED = 7
CLASSIFIER_GRADS = ['patch_embed.proj.weight', 'blocks.0.attn.qkv.weight', 'fc_norm.weight', 'head.weight']
MAE_GRADS = ['encoder.patch_embed.proj.weight', 'encoder.blocks.0.mlp.fc1.weight', 'mask_token', 'decoder.head.weight']
FILES = ['config.json', 'weights.safetensors', 'io.safetensors']


def perturb(model):
    """Non-trivial norms and biases (PyTorch initialises them to 1 and 0 or small uniforms)."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.ndim == 1:
                p.normal_(1.0 if name.endswith('weight') else 0.0, 0.1)


def build(c):
    torch.manual_seed(SEED)
    geo = dict(tubelet=c['tubelet'], patch=c['patch'], frames=c['frames'], height=c['height'], width=c['width'])
    vit = VideoViT(c['dim'], c['depth'], c['heads'], classes=c['classes'], eps=c['layer_norm_eps'], **geo)
    mae = VideoMAE(c['dim'], c['depth'], c['heads'], c['dec_dim'], c['dec_depth'], c['dec_heads'],
                   eps=c['layer_norm_eps'], **geo)
    perturb(vit)
    perturb(mae)
    b, n = c['batch'], c['tokens']
    video01 = torch.rand(b, 3, c['frames'], c['height'], c['width'])
    labels = torch.randint(0, c['classes'], (b,))
    mask = torch.zeros(b, n, dtype=torch.uint8)
    for i in range(b):
        mask[i, torch.randperm(n)[: c['masked_per_clip']]] = 1
    return vit, mae, video01, labels, mask


def compute(c):
    vit, mae, video01, labels, mask = build(c)
    x = normalise(video01, c['mean'], c['std'])
    tokens, pooled, logits = vit(x)
    ce = F.cross_entropy(logits, labels)
    ce.backward()
    pred = mae(x, mask.bool())
    target = mae_target(video01, mask.bool(), c['tubelet'], c['patch'])
    mse = F.mse_loss(pred, target)
    mse.backward()
    weights = {f'classifier.{k}': v for k, v in vit.state_dict().items()}
    weights.update({f'mae.{k}': v for k, v in mae.state_dict().items()})
    vp, mp = dict(vit.named_parameters()), dict(mae.named_parameters())
    io = {
        'video01': video01,
        'input_ncthw': x,
        'input_nthwc': x.permute(0, 2, 3, 4, 1).contiguous(),
        'labels': labels.int(),
        'mask': mask,
        'tokens': tokens,
        'pooled': pooled,
        'logits': logits,
        'ce_loss': ce.reshape(1),
        'mae_pred': pred,
        'mae_target': target,
        'mae_loss': mse.reshape(1),
    }
    io.update({f'grad.classifier.{k}': vp[k].grad for k in CLASSIFIER_GRADS})
    io.update({f'grad.mae.{k}': mp[k].grad for k in MAE_GRADS})
    return weights, io


def write(out):
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    c = dict(CONFIG)
    c['tokens'] = (c['frames'] // c['tubelet']) * (c['height'] // c['patch']) * (c['width'] // c['patch'])
    c['torch_version'] = torch.__version__
    weights, io = compute(c)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'config.json'), 'w') as f:
        f.write(json.dumps(c, indent=1))
    safetensors_io.save(os.path.join(out, 'weights.safetensors'), weights)
    safetensors_io.save(os.path.join(out, 'io.safetensors'), io)


def check(folder):
    with tempfile.TemporaryDirectory() as tmp:
        write(tmp)
        bad = []
        for name in FILES:
            with open(os.path.join(tmp, name), 'rb') as a, open(os.path.join(folder, name), 'rb') as b:
                if a.read() != b.read():
                    bad.append(name)
    for name in FILES:
        print(f"{'DIFFERS' if name in bad else 'identical'}  {os.path.join(folder, name)}")
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument('--out', help='folder to write the fixtures to')
    g.add_argument('--check', help='folder whose fixtures must come out byte for byte the same')
    a = ap.parse_args()
    if a.out:
        write(a.out)
        print(f'wrote {", ".join(FILES)} to {a.out} (PyTorch {torch.__version__})')
        return 0
    return check(a.check)


if __name__ == '__main__':
    sys.exit(main())
