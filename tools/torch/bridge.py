"""What the two-way PyTorch tests of PPMA-TS run (packages/*/test/torch-*.test.ts):

    /usr/bin/python3 tools/torch/bridge.py forward spec.json   # load a safetensors checkpoint strictly, run a clip
    /usr/bin/python3 tools/torch/bridge.py init spec.json      # a fresh model saved from PyTorch as safetensors
    /usr/bin/python3 tools/torch/bridge.py release spec.json   # a torch.save file in a released key layout

`spec.json` holds `config` in the TypeScript field names (dim, depth, heads, tubelet, patch, frames,
height, width, classes, mlpRatio, normEps, mean, std, decoderDim, decoderDepth, decoderHeads) and the
paths. Clips are `clip` `[B, T, H, W, 3]` in [0, 1] (and `mask` uint8 `[B, N]`, 1 = hidden).
"""
import argparse
import copy
import json
import os
import sys
from collections import OrderedDict

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from ppma_vit import VideoMAE, VideoViT, normalise, sinusoid_table, token_count  # noqa: E402

torch.set_num_threads(1)


def geometry(c):
    return dict(tubelet=c['tubelet'], patch=c['patch'], frames=c['frames'], height=c['height'], width=c['width'],
                mlp_ratio=c.get('mlpRatio', 4), eps=c.get('normEps', 1e-6))


def make_vit(c, layout=False):
    return VideoViT(c['dim'], c['depth'], c['heads'], classes=c.get('classes', 0), videomae_layout=layout,
                    **geometry(c))


def make_mae(c, layout=False):
    return VideoMAE(c['dim'], c['depth'], c['heads'], c['decoderDim'], c['decoderDepth'], c['decoderHeads'],
                    videomae_layout=layout, **geometry(c))


def perturb(model):
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.ndim == 1:
                p.normal_(1.0 if name.endswith('weight') and 'bias' not in name else 0.0, 0.1)


def read_clip(spec, c):
    io, _ = safetensors_io.load(spec['clip'])
    clip = io['clip'].permute(0, 4, 1, 2, 3).contiguous()  # [B, 3, T, H, W]
    mean, std = c.get('mean', (0.485, 0.456, 0.406)), c.get('std', (0.229, 0.224, 0.225))
    return clip, normalise(clip, mean, std), io.get('mask')


def vit_outputs(vit, x, tag=''):
    out = {}
    heads = list(vit.heads.keys()) if hasattr(vit, 'heads') else [None]
    for h in heads:
        tokens, pooled, logits = vit(x, head=h)
        out[f'{tag}tokens'], out[f'{tag}pooled'] = tokens, pooled
        out[f'{tag}logits' if h is None else f'{tag}logits.{h}'] = logits
    return out


def cmd_forward(spec):
    c = spec['config']
    layout = spec.get('layout') == 'videomae'
    model = make_mae(c, layout) if spec['kind'] == 'mae' else make_vit(c, layout)
    w, _ = safetensors_io.load(spec['weights'])
    prefix = spec.get('prefix', '')
    sd = {k[len(prefix):]: v for k, v in w.items() if k.startswith(prefix)}
    model.load_state_dict(sd, strict=True)  # raises on any missing or unexpected key
    model.eval()
    _, x, mask = read_clip(spec, c)
    with torch.no_grad():
        out = {'pred': model(x, mask.bool())} if spec['kind'] == 'mae' else vit_outputs(model, x)
    safetensors_io.save(spec['out'], {k: v.contiguous() for k, v in out.items()})


def cmd_init(spec):
    c = spec['config']
    torch.manual_seed(spec.get('seed', 0))
    model = make_mae(c) if spec['kind'] == 'mae' else make_vit(c)
    perturb(model)
    fmt = 'ppma-mae/1' if spec['kind'] == 'mae' else 'ppma-vit/1'
    safetensors_io.save(spec['out'], model.state_dict(), {'format': fmt, 'config': json.dumps(c), 'stage': 'pytorch'})


def adamw_state(model):
    """The optimizer entries a training checkpoint carries: AdamW state after one step."""
    params = [p for p in model.parameters()]
    opt = torch.optim.AdamW(params, lr=1e-3)
    for p in params:
        p.grad = torch.zeros_like(p)
    opt.step()
    return opt.state_dict()


def trunk_keys(sd):
    """Our classifier names -> OmniMAE trunk.* names (the Conv3d sits after PadIm2Video: proj.1)."""
    out = OrderedDict()
    for k, v in sd.items():
        if k.startswith('patch_embed.proj.'):
            out['trunk.patch_embed.proj.1.' + k[len('patch_embed.proj.'):]] = v
        elif k.startswith('blocks.'):
            out['trunk.' + k] = v
        elif k.startswith('fc_norm.'):
            out['trunk.norm.' + k[len('fc_norm.'):]] = v
    return out


def cmd_release(spec):
    import argparse as ap
    c = spec['config']
    layout = spec['layout']
    torch.manual_seed(spec.get('seed', 0))
    clip, x, mask = read_clip(spec, c)
    n = token_count(c['frames'], c['height'], c['width'], c['tubelet'], c['patch'])
    args = ap.Namespace(model='vit_small_patch16_224', lr=1e-3, batch_size=8, tubelet_size=c['tubelet'])
    expected = {}
    with torch.no_grad():
        if layout in ('videomae-ft', 'videomae-ft-ddp', 'ours-nested', 'lightning'):
            vit = make_vit(c, layout.startswith('videomae'))
            perturb(vit)
            sd = vit.state_dict()
            expected.update(vit_outputs(vit, x))
            if layout == 'videomae-ft':
                ema = copy.deepcopy(sd)
                for v in ema.values():
                    v.mul_(0.5)
                obj = {'model': sd, 'optimizer': adamw_state(vit), 'epoch': 29, 'args': args,
                       'scaler': {'scale': 65536.0, 'growth_factor': 2.0, 'backoff_factor': 0.5,
                                  'growth_interval': 2000, '_growth_tracker': 0}, 'model_ema': ema}
            elif layout == 'videomae-ft-ddp':
                obj = {'module': OrderedDict(('module.' + k, v) for k, v in sd.items()), 'epoch': 3}
            elif layout == 'lightning':
                obj = {'state_dict': OrderedDict(('model.' + k, v) for k, v in sd.items()), 'epoch': 1,
                       'global_step': 10, 'pytorch-lightning_version': '1.9.0', 'hyper_parameters': {'lr': 0.1}}
            else:
                obj = {'model': sd, 'optimizer': adamw_state(vit), 'epoch': 2}
        elif layout == 'videomae-pt':
            mae = make_mae(c, True)
            perturb(mae)
            sd = mae.state_dict()
            expected['pred'] = mae(x, mask.bool())
            trunk = make_vit(dict(c, classes=0), True)
            trunk.load_state_dict({k[len('encoder.'):]: v for k, v in sd.items()
                                   if k.startswith('encoder.') and not k.startswith('encoder.norm.')}, strict=False)
            expected['tokens'] = vit_outputs(trunk, x)['tokens']
            obj = {'model': sd, 'optimizer': adamw_state(mae), 'epoch': 799, 'args': args}
        elif layout in ('omnimae-ft', 'omnimae-pt', 'ppma-align'):
            classes = {'0': 5, '1': 3} if layout == 'ppma-align' else 0 if layout == 'omnimae-pt' else c.get('classes', 0)
            vit = make_vit(dict(c, classes=classes))
            perturb(vit)
            sd = vit.state_dict()
            expected.update(vit_outputs(vit, x))
            flat = trunk_keys(sd)
            flat['trunk.pos_embed'] = sinusoid_table(n, c['dim'])[None]
            if layout == 'omnimae-ft':
                flat['head.weight'], flat['head.bias'] = sd['head.weight'], sd['head.bias']
                obj = flat
            elif layout == 'ppma-align':
                for h in classes:
                    flat[f'heads.{h}.0.weight'], flat[f'heads.{h}.0.bias'] = sd[f'heads.{h}.weight'], sd[f'heads.{h}.bias']
                obj = {'model': flat, 'optimizer': adamw_state(vit), 'epoch': 10, 'loss': OrderedDict(),
                       'steps': {'train': 120, 'val': 0}}
            else:
                dd, d = c['decoderDim'], c['dim']
                dec = make_mae(c).decoder
                flat['trunk.mask_token'] = torch.randn(1, d) * 0.02
                flat['trunk.decoder.pos_embed'] = sinusoid_table(n, d)[None]
                flat['trunk.decoder.decoder_embed.weight'] = torch.randn(dd, d) * 0.02
                flat['trunk.decoder.decoder_embed.bias'] = torch.zeros(dd)
                for k, v in dec.state_dict().items():
                    if k.startswith('blocks.'):
                        flat['trunk.decoder.decoder_' + k] = v
                    elif k.startswith('norm.'):
                        flat['trunk.decoder.' + k] = v
                flat['head.weight'], flat['head.bias'] = dec.head.weight, dec.head.bias
                obj = flat
        else:
            raise SystemExit(f'unknown layout {layout}')
    for k, v in sd.items():
        expected[f'weight.{k}'] = v
    torch.save(obj, spec['out'], _use_new_zipfile_serialization=not spec.get('legacy', False))
    safetensors_io.save(spec['expected'], {k: v.contiguous() for k, v in expected.items()})
    keys = list(obj['model' if 'model' in obj else 'module' if 'module' in obj else 'state_dict'].keys()) \
        if any(k in obj for k in ('model', 'module', 'state_dict')) else list(obj.keys())
    return {'keys': keys}


def cmd_release_all(spec):
    """`release` of one spec, or of every spec in `cases` (one Python start for many files)."""
    cases = spec.get('cases', [spec])
    out = [cmd_release(dict(spec, **case)) for case in cases]
    print(json.dumps(out if 'cases' in spec else out[0]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('command', choices=['forward', 'init', 'release'])
    ap.add_argument('spec')
    a = ap.parse_args()
    with open(a.spec) as f:
        spec = json.load(f)
    {'forward': cmd_forward, 'init': cmd_init, 'release': cmd_release_all}[a.command](spec)


if __name__ == '__main__':
    main()
