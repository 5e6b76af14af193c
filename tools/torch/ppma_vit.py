"""The video ViT and MAE of PPMA-TS in PyTorch (docs/ARCHITECTURE.md §4), with the parameter names and
layouts the TypeScript code reads and writes. Our own reference, written from that specification:
tubelet Conv3d patch embedding, a fixed 1-D sinusoid table, pre-norm blocks (LayerNorm eps 1e-6,
`qkv` attention, exact GELU), `fc_norm(mean over tokens)` and one `head` or `heads.<name>`; the MAE
encoder / `encoder_to_decoder` / `mask_token` / decoder with the per-patch normalised pixel loss.

`videomae_layout=True` builds the same network with VideoMAE's names (`attn.q_bias` / `attn.v_bias`
and a bias-free `qkv`), so tests can produce state dicts with the key sets of released checkpoints.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def sinusoid_table(n, d):
    """`[n, d]` float32: angle = pos / 10000^(2*floor(j/2)/d), sin on even j, cos on odd j (float64 maths)."""
    pos = torch.arange(n, dtype=torch.float64)[:, None]
    j = torch.arange(d, dtype=torch.float64)[None, :]
    angle = pos / torch.pow(torch.tensor(10000.0, dtype=torch.float64), 2 * torch.div(j, 2, rounding_mode='floor') / d)
    table = angle.clone()
    table[:, 0::2] = torch.sin(angle[:, 0::2])
    table[:, 1::2] = torch.cos(angle[:, 1::2])
    return table.float()


def normalise(video01, mean=IMAGENET_MEAN, std=IMAGENET_STD):
    """Pixels in [0, 1], `[B, 3, T, H, W]` -> normalised with the per-channel mean and std."""
    m = torch.tensor(mean, dtype=video01.dtype).view(1, 3, 1, 1, 1)
    s = torch.tensor(std, dtype=video01.dtype).view(1, 3, 1, 1, 1)
    return (video01 - m) / s


class PatchEmbed3d(nn.Module):
    """Conv3d with kernel = stride = (t, p, p); tokens in (t', h', w') order. `[B,3,T,H,W]` -> `[B,N,D]`."""

    def __init__(self, dim, tubelet, patch):
        super().__init__()
        self.proj = nn.Conv3d(3, dim, (tubelet, patch, patch), (tubelet, patch, patch))

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)  # [B, N, D]


class Attention(nn.Module):
    def __init__(self, dim, heads, videomae_layout=False):
        super().__init__()
        self.heads = heads
        self.videomae_layout = videomae_layout
        if videomae_layout:
            self.qkv = nn.Linear(dim, 3 * dim, bias=False)
            self.q_bias = nn.Parameter(torch.zeros(dim))
            self.v_bias = nn.Parameter(torch.zeros(dim))
        else:
            self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, d = x.shape
        if self.videomae_layout:
            bias = torch.cat((self.q_bias, torch.zeros_like(self.v_bias), self.v_bias))
            qkv = F.linear(x, self.qkv.weight, bias)
        else:
            qkv = self.qkv(x)
        qkv = qkv.reshape(b, n, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)  # [3, B, h, N, dh]
        q, k, v = qkv[0], qkv[1], qkv[2]
        q = q * (d // self.heads) ** -0.5
        attn = (q @ k.transpose(-2, -1)).softmax(dim=-1)  # [B, h, N, N]
        x = (attn @ v).transpose(1, 2).reshape(b, n, d)  # [B, N, D]
        return self.proj(x)


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, dim, heads, mlp_ratio=4.0, eps=1e-6, videomae_layout=False):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=eps)
        self.attn = Attention(dim, heads, videomae_layout)
        self.norm2 = nn.LayerNorm(dim, eps=eps)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


def token_count(frames, height, width, tubelet, patch):
    return (frames // tubelet) * (height // patch) * (width // patch)


class VideoViT(nn.Module):
    """The classifier: `classes` is an int (one `head`) or a dict name -> classes (`heads.<name>`)."""

    def __init__(self, dim, depth, heads, tubelet, patch, frames, height, width, classes,
                 mlp_ratio=4.0, eps=1e-6, videomae_layout=False):
        super().__init__()
        self.patch_embed = PatchEmbed3d(dim, tubelet, patch)
        self.blocks = nn.ModuleList([Block(dim, heads, mlp_ratio, eps, videomae_layout) for _ in range(depth)])
        self.fc_norm = nn.LayerNorm(dim, eps=eps)
        if isinstance(classes, dict):
            self.heads = nn.ModuleDict({k: nn.Linear(dim, n) for k, n in classes.items()})
        elif classes > 0:
            self.head = nn.Linear(dim, classes)
        self.register_buffer('pos_embed', sinusoid_table(token_count(frames, height, width, tubelet, patch), dim),
                             persistent=False)

    def forward(self, x, head=None):
        """Normalised clips `[B,3,T,H,W]` -> (tokens `[B,N,D]`, pooled `[B,D]`, logits `[B,C]`)."""
        x = self.patch_embed(x) + self.pos_embed  # [B, N, D]
        for blk in self.blocks:
            x = blk(x)
        tokens = x
        pooled = self.fc_norm(x.mean(1))  # [B, D]
        if hasattr(self, 'heads'):
            lin = self.heads[head if head is not None else next(iter(self.heads.keys()))]
        elif hasattr(self, 'head'):
            lin = self.head
        else:
            return tokens, pooled, pooled[:, :0]
        return tokens, pooled, lin(pooled)


class Encoder(nn.Module):
    def __init__(self, dim, depth, heads, tubelet, patch, mlp_ratio, eps, videomae_layout):
        super().__init__()
        self.patch_embed = PatchEmbed3d(dim, tubelet, patch)
        self.blocks = nn.ModuleList([Block(dim, heads, mlp_ratio, eps, videomae_layout) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=eps)


class Decoder(nn.Module):
    def __init__(self, dim, depth, heads, out, mlp_ratio, eps, videomae_layout):
        super().__init__()
        self.blocks = nn.ModuleList([Block(dim, heads, mlp_ratio, eps, videomae_layout) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=eps)
        self.head = nn.Linear(dim, out)


class VideoMAE(nn.Module):
    """The MAE: visible tokens through the encoder, mask tokens and decoder, pixels of the masked tokens."""

    def __init__(self, dim, depth, heads, dec_dim, dec_depth, dec_heads, tubelet, patch, frames, height, width,
                 mlp_ratio=4.0, eps=1e-6, videomae_layout=False):
        super().__init__()
        self.tubelet, self.patch = tubelet, patch
        self.encoder = Encoder(dim, depth, heads, tubelet, patch, mlp_ratio, eps, videomae_layout)
        self.encoder_to_decoder = nn.Linear(dim, dec_dim, bias=False)
        self.mask_token = nn.Parameter(torch.randn(1, 1, dec_dim) * 0.02)
        self.decoder = Decoder(dec_dim, dec_depth, dec_heads, 3 * tubelet * patch * patch, mlp_ratio, eps,
                               videomae_layout)
        n = token_count(frames, height, width, tubelet, patch)
        self.register_buffer('pos_enc', sinusoid_table(n, dim), persistent=False)
        self.register_buffer('pos_dec', sinusoid_table(n, dec_dim), persistent=False)

    def forward(self, x, mask):
        """Normalised clips `[B,3,T,H,W]`, bool mask `[B,N]` (True = hidden) -> `[B, Nmasked, 3*t*p*p]`."""
        x = self.encoder.patch_embed(x) + self.pos_enc  # [B, N, D]
        b, _, d = x.shape
        vis = x[~mask].reshape(b, -1, d)  # [B, Nvis, D]
        for blk in self.encoder.blocks:
            vis = blk(vis)
        vis = self.encoder_to_decoder(self.encoder.norm(vis))  # [B, Nvis, Dd]
        dd = vis.shape[-1]
        pos = self.pos_dec.expand(b, -1, -1)
        pos_vis = pos[~mask].reshape(b, -1, dd)
        pos_mask = pos[mask].reshape(b, -1, dd)
        y = torch.cat([vis + pos_vis, self.mask_token + pos_mask], dim=1)  # [B, N, Dd]
        for blk in self.decoder.blocks:
            y = blk(y)
        nm = pos_mask.shape[1]
        return self.decoder.head(self.decoder.norm(y[:, -nm:]))  # [B, Nmasked, 3*t*p*p]


def mae_target(video01, mask, tubelet, patch):
    """Per-patch normalised pixels of the [0, 1] clip at the masked tokens, `(dt, dy, dx, c)` order."""
    b, c, t, h, w = video01.shape
    x = video01.reshape(b, c, t // tubelet, tubelet, h // patch, patch, w // patch, patch)
    x = x.permute(0, 2, 4, 6, 3, 5, 7, 1).reshape(b, -1, tubelet * patch * patch, c)  # [B, N, t*p*p, 3]
    x = (x - x.mean(dim=-2, keepdim=True)) / (x.var(dim=-2, unbiased=True, keepdim=True).sqrt() + 1e-6)
    x = x.reshape(b, x.shape[1], -1)  # [B, N, t*p*p*3]
    return x[mask].reshape(b, -1, x.shape[-1])
