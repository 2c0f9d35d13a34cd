#!/usr/bin/python3
"""The integer forward pass of a network graph, written from docs/graphs.md alone
with NumPy: the oracle the whole-network tests hold eyesim's outputs against.

usage: forward_ref.py NET.yaml WEIGHTS_DIR INPUT.npy OUT.npy [WORD_BITS [PSUM_BITS PRODUCT_SHIFT]]

(defaults 16, 32 and 0: data.word_bits, data.psum_bits and data.product_shift)

It shares no code with eyesim: it reads the network with PyYAML, infers shapes
from the arrays themselves, and computes every node in file order."""
import os
import sys

import numpy as np
import yaml


def requant(psum, shift, bits, relu):
    hi, lo = (1 << (bits - 1)) - 1, -(1 << (bits - 1))
    q = np.clip(psum >> shift, lo, hi)  # >> on int64 is arithmetic
    return np.maximum(q, 0) if relu else q


def wrap(v, bits):
    return ((v + (1 << (bits - 1))) % (1 << bits)) - (1 << (bits - 1))


def wrap32(v):
    return wrap(v, 32)


def conv(x, w, bias, stride, pad, groups, psum_bits=32, product_shift=0):
    n, c, h, wd = x.shape
    m, cg, r, s = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    e = (h + 2 * pad - r) // stride + 1
    f = (wd + 2 * pad - s) // stride + 1
    out = np.zeros((n, m, e, f), dtype=np.int64)
    mg = m // groups
    for g in range(groups):
        xs = xp[:, g * cg:(g + 1) * cg].astype(np.int64)
        ws = w[g * mg:(g + 1) * mg].astype(np.int64)
        for i in range(r):
            for j in range(s):
                patch = xs[:, :, i:i + stride * e:stride, j:j + stride * f:stride]
                if product_shift == 0:
                    out[:, g * mg:(g + 1) * mg] += np.einsum('nchw,mc->nmhw', patch,
                                                             ws[:, :, i, j])
                else:  # each product shifted (arithmetic >> on int64 floors), then summed
                    prod = patch[:, None] * ws[None, :, :, i, j, None, None]
                    out[:, g * mg:(g + 1) * mg] += (prod >> product_shift).sum(axis=2)
    out = wrap(out, psum_bits)
    if bias is not None:
        out = wrap32(out + bias.astype(np.int64)[None, :, None, None])
    return out


def pool_out(size, k, stride, pad, ceil):
    span = size + 2 * pad - k
    out = (-(-span // stride) if ceil else span // stride) + 1
    if ceil and (out - 1) * stride >= size + pad:
        out -= 1
    return out


def pool(x, kind, r, s, stride, pad, ceil):
    n, c, h, w = x.shape
    e, f = pool_out(h, r, stride, pad, ceil), pool_out(w, s, stride, pad, ceil)
    out = np.zeros((n, c, e, f), dtype=np.int64)
    for i in range(e):
        for j in range(f):
            h0, w0 = i * stride - pad, j * stride - pad
            hs, he = max(h0, 0), min(h0 + r, h)
            ws, we = max(w0, 0), min(w0 + s, w)
            win = x[:, :, hs:he, ws:we].astype(np.int64)
            if kind == 'maxpool':
                out[:, :, i, j] = win.max(axis=(2, 3))
            else:
                out[:, :, i, j] = win.sum(axis=(2, 3)) // ((he - hs) * (we - ws))
    return out


def main():
    net_path, wdir, in_path, out_path = sys.argv[1:5]
    bits = int(sys.argv[5]) if len(sys.argv) > 5 else 16
    psum_bits = int(sys.argv[6]) if len(sys.argv) > 6 else 32
    product_shift = int(sys.argv[7]) if len(sys.argv) > 7 else 0
    hi, lo = (1 << (bits - 1)) - 1, -(1 << (bits - 1))
    net = yaml.safe_load(open(net_path))
    q = {}
    qp = os.path.join(wdir, 'quant.yaml')
    if os.path.exists(qp):
        q = (yaml.safe_load(open(qp)) or {}).get('layers', {}) or {}
    x = np.load(in_path).astype(np.int64)
    if x.ndim == 3:
        x = x[None]
    outs = {}
    prev = 'input'
    for node in net['layers']:
        name, kind = node['name'], node.get('type', 'conv')
        ins = node.get('inputs', prev)
        ins = [ins] if isinstance(ins, str) else ins
        args = [x if i == 'input' else outs[i] for i in ins]
        relu = node.get('relu', True)
        if kind in ('conv', 'fc'):
            w = np.load(os.path.join(wdir, name + '.npy')).astype(np.int64)
            a = args[0]
            if kind == 'fc':
                w = w.reshape(w.shape[0], a.shape[1], a.shape[2], a.shape[3])
            bp = os.path.join(wdir, name + '.bias.npy')
            bias = np.load(bp) if os.path.exists(bp) else None
            psum = conv(a, w, bias, node.get('stride', 1), node.get('pad', 0),
                        node.get('groups', 1), psum_bits, product_shift)
            shift = q.get(name, {}).get('shift', 'auto')
            if shift == 'auto':
                shift = next(k for k in range(32)
                             if (psum >> k).max() <= hi and (psum >> k).min() >= lo)
            y = requant(psum, shift, bits, relu)
        elif kind in ('maxpool', 'avgpool'):
            a = args[0]
            if node.get('global', False):
                r, s, stride, pad = a.shape[2], a.shape[3], 1, 0
            else:
                r, s, stride, pad = node['R'], node['S'], node.get('stride', 1), node.get('pad', 0)
            y = pool(a, kind, r, s, stride, pad, node.get('ceil', False))
        elif kind == 'add':
            y = np.clip(sum(args), lo, hi)
        elif kind == 'concat':
            y = np.concatenate(args, axis=1)
        elif kind == 'flatten':
            y = args[0].reshape(args[0].shape[0], -1, 1, 1)
        else:
            sys.exit('forward_ref: unknown node type ' + kind)
        if kind not in ('conv', 'fc') and relu:
            y = np.maximum(y, 0)
        outs[name] = y
        prev = name
    np.save(out_path, outs[prev].astype(np.int16))


if __name__ == '__main__':
    main()
