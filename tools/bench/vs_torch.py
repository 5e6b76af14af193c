"""PyTorch side of `npm run bench -- vs-torch`: times training steps (forward, backward, AdamW) of the
reference video ViT / MAE in tools/torch/ppma_vit.py for one configuration given as JSON in argv[1],
and prints one JSON line: {"steps": [seconds...], "peakMiB": ..., "torch": version, "threads": n}.

Run it with /usr/bin/python3 (Debian's torch); vs-torch.ts sets the environment (jemalloc without
decay, passive OpenMP waiting, the OpenMP OpenBLAS) and the thread count.
"""
import json
import os
import resource
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'torch'))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from ppma_vit import VideoMAE, VideoViT, mae_target, token_count  # noqa: E402


def adamw(model):
    decay = [p for n, p in model.named_parameters() if p.ndim > 1 and not n.endswith('.bias')]
    other = [p for n, p in model.named_parameters() if not (p.ndim > 1 and not n.endswith('.bias'))]
    return torch.optim.AdamW([{'params': decay, 'weight_decay': 0.05}, {'params': other, 'weight_decay': 0.0}],
                             lr=1e-4, betas=(0.9, 0.95), eps=1e-8)


def main():
    cfg = json.loads(sys.argv[1])
    threads = int(cfg['threads'])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    m, b = cfg['model'], int(cfg['batch'])
    geo = dict(tubelet=m['tubelet'], patch=m['patch'], frames=m['frames'], height=m['height'], width=m['width'])
    clip = torch.rand(b, 3, m['frames'], m['height'], m['width'])
    if cfg['kind'] == 'mae':
        model = VideoMAE(m['dim'], m['depth'], m['heads'], m['decoderDim'], m['decoderDepth'], m['decoderHeads'], **geo)
        n = token_count(m['frames'], m['height'], m['width'], m['tubelet'], m['patch'])
        hidden = round(cfg['ratio'] * n)
        mask = torch.zeros(b, n, dtype=torch.bool)
        for i in range(b):
            mask[i, torch.randperm(n)[:hidden]] = True
        target = mae_target(clip, mask, m['tubelet'], m['patch'])

        def loss_fn():
            return F.mse_loss(model(clip, mask), target)
    else:
        model = VideoViT(m['dim'], m['depth'], m['heads'], classes=150, **geo)
        labels = torch.arange(b) % 150

        def loss_fn():
            return F.cross_entropy(model(clip)[2], labels)

    opt = adamw(model)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn()
        loss.backward()
        opt.step()
        return float(loss)

    step()  # warm-up
    times = []
    for _ in range(int(cfg['steps'])):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({'steps': times, 'peakMiB': peak, 'torch': torch.__version__, 'threads': torch.get_num_threads()}))


if __name__ == '__main__':
    main()
