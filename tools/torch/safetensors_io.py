"""Reading and writing safetensors files in a few lines (no safetensors package needed).

Layout: an 8-byte little-endian header length n, n bytes of JSON (tensor name -> dtype, shape,
data_offsets; optional "__metadata__" of string values), then the raw little-endian tensor data.
Tensors are written in the order given, with the header padded with spaces to a multiple of 8.
"""
import json
import struct

import torch

DTYPES = {
    'F64': torch.float64,
    'F32': torch.float32,
    'F16': torch.float16,
    'BF16': torch.bfloat16,
    'I64': torch.int64,
    'I32': torch.int32,
    'I16': torch.int16,
    'I8': torch.int8,
    'U8': torch.uint8,
    'BOOL': torch.bool,
}
NAMES = {v: k for k, v in DTYPES.items()}


def tensor_bytes(t):
    """The raw little-endian bytes of a tensor (contiguous, on the CPU)."""
    t = t.detach().cpu().contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().tobytes()
    return t.numpy().tobytes()


def save(path, tensors, metadata=None):
    """Writes `tensors` (a dict name -> tensor, in its order) and optional string metadata."""
    header = {}
    if metadata:
        header['__metadata__'] = {str(k): str(v) for k, v in metadata.items()}
    blobs = []
    offset = 0
    for name, t in tensors.items():
        b = tensor_bytes(t)
        header[name] = {'dtype': NAMES[t.dtype], 'shape': list(t.shape), 'data_offsets': [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(',', ':')).encode('utf-8')
    h += b' ' * (-len(h) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def load(path):
    """Returns (tensors, metadata): a dict name -> tensor in file order, and the metadata dict."""
    with open(path, 'rb') as f:
        raw = f.read()
    (n,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8 : 8 + n].decode('utf-8'))
    data = raw[8 + n :]
    metadata = header.pop('__metadata__', {}) or {}
    out = {}
    for name, e in header.items():
        start, end = e['data_offsets']
        dtype = DTYPES[e['dtype']]
        buf = bytearray(data[start:end])
        if dtype == torch.bfloat16:
            t = torch.frombuffer(buf, dtype=torch.int16).view(torch.bfloat16) if buf else torch.empty(0, dtype=dtype)
        else:
            t = torch.frombuffer(buf, dtype=dtype) if buf else torch.empty(0, dtype=dtype)
        out[name] = t.reshape(e['shape'])
    return out, metadata
