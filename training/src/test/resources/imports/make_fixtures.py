#!/usr/bin/python3
"""Writes the checkpoint fixtures of occam import's tests with the real writers (torch.save, numpy.savez) and the
safetensors layout from its specification.

Input: one occam checkpoint exported as raw little-endian float32 plus a JSON index (name, shape, offset), written
by the test helper occam.training.imports.FixtureExport from original/ (an `occam train` run: add, p = 23, 1 layer,
1 epoch, seed 0). Needs Debian's python3-torch and python3-numpy; run with /usr/bin/python3 (a pyenv python3 does
not see Debian's packages):

    /usr/bin/python3 make_fixtures.py <export dir> [<output dir, default: this script's directory>]

Output (the weights are the exported ones, bit for bit, unless said otherwise):
    pt/epoch_1.pt                  torch.save of a state dict with occam's names (mlp.in.weight saved as a
                                   transposed view, so its strides are not row-major)
    pt-nested/checkpoint_1.pth     torch.save of {'model': state dict, 'optimizer': ..., 'epoch': 1} with PyTorch
                                   names and nn.Linear's [out, in] weights, plus an attention-mask buffer;
                                   torch_mapping.json maps it onto occam's names
    safetensors/step-1.safetensors occam's names, float32
    npz/params_1.npz               the authors' Flax names; the positional table has one row per vocabulary token
                                   (25), rows 4.. drawn from a seeded normal
    dtypes.pt, dtypes.safetensors  a few small tensors in float16, bfloat16, float64 and float32, and
                                   dtypes_expected.json: their values as float32 (torch's own conversion)
"""
import collections
import json
import os
import struct
import sys

import numpy as np
import torch


def load_export(export_dir):
    with open(os.path.join(export_dir, "index.json")) as f:
        index = json.load(f)
    raw = np.fromfile(os.path.join(export_dir, "weights.f32"), dtype="<f4")
    weights = collections.OrderedDict()
    for t in index:
        n = int(np.prod(t["shape"]))
        weights[t["name"]] = raw[t["offset"]:t["offset"] + n].reshape(t["shape"]).copy()
    return weights


def write_safetensors(path, tensors):
    """8 bytes little-endian header length, a JSON header, then the raw little-endian buffer."""
    dtypes = {np.dtype("<f4"): "F32", np.dtype("<f2"): "F16", np.dtype("<f8"): "F64"}
    header, chunks, offset = {}, [], 0
    for name, value in tensors.items():
        if isinstance(value, tuple):  # ("BF16", raw bytes, shape)
            dtype, data, shape = value
        else:
            dtype, data, shape = dtypes[value.dtype.newbyteorder("<")], value.astype(value.dtype.newbyteorder("<")).tobytes(), list(value.shape)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt"}
    encoded = json.dumps(header).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)  # the specification allows padding the header with spaces
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for c in chunks:
            f.write(c)


TORCH_NAMES = {  # PyTorch-style names -> occam's, and whether the weight is nn.Linear's [out, in]
    "tok_embed.weight": ("embed.token", False),
    "pos_embed.weight": ("embed.position", False),
    "blocks.0.attn.q_proj.weight": ("layers.0.attn.query.weight", True),
    "blocks.0.attn.q_proj.bias": ("layers.0.attn.query.bias", False),
    "blocks.0.attn.k_proj.weight": ("layers.0.attn.key.weight", True),
    "blocks.0.attn.k_proj.bias": ("layers.0.attn.key.bias", False),
    "blocks.0.attn.v_proj.weight": ("layers.0.attn.value.weight", True),
    "blocks.0.attn.v_proj.bias": ("layers.0.attn.value.bias", False),
    "blocks.0.attn.out_proj.weight": ("layers.0.attn.output.weight", True),
    "blocks.0.attn.out_proj.bias": ("layers.0.attn.output.bias", False),
    "blocks.0.ln1.weight": ("layers.0.norm1.gain", False),
    "blocks.0.ln1.bias": ("layers.0.norm1.bias", False),
    "blocks.0.mlp.fc1.weight": ("layers.0.mlp.in.weight", True),
    "blocks.0.mlp.fc1.bias": ("layers.0.mlp.in.bias", False),
    "blocks.0.mlp.fc2.weight": ("layers.0.mlp.out.weight", True),
    "blocks.0.mlp.fc2.bias": ("layers.0.mlp.out.bias", False),
    "blocks.0.ln2.weight": ("layers.0.norm2.gain", False),
    "blocks.0.ln2.bias": ("layers.0.norm2.bias", False),
    "unembed.weight": ("output.weight", True),
    "unembed.bias": ("output.bias", False),
}

FLAX_NAMES = {
    "embedding/embedding": "embed.token",
    "positional_embedding/embedding": "embed.position",
    "decoder_layers_0/self_attn/q_proj/kernel": "layers.0.attn.query.weight",
    "decoder_layers_0/self_attn/q_proj/bias": "layers.0.attn.query.bias",
    "decoder_layers_0/self_attn/k_proj/kernel": "layers.0.attn.key.weight",
    "decoder_layers_0/self_attn/k_proj/bias": "layers.0.attn.key.bias",
    "decoder_layers_0/self_attn/v_proj/kernel": "layers.0.attn.value.weight",
    "decoder_layers_0/self_attn/v_proj/bias": "layers.0.attn.value.bias",
    "decoder_layers_0/self_attn/out_proj/kernel": "layers.0.attn.output.weight",
    "decoder_layers_0/self_attn/out_proj/bias": "layers.0.attn.output.bias",
    "decoder_layers_0/ln1/scale": "layers.0.norm1.gain",
    "decoder_layers_0/ln1/bias": "layers.0.norm1.bias",
    "decoder_layers_0/ffn/layer1/kernel": "layers.0.mlp.in.weight",
    "decoder_layers_0/ffn/layer1/bias": "layers.0.mlp.in.bias",
    "decoder_layers_0/ffn/layer2/kernel": "layers.0.mlp.out.weight",
    "decoder_layers_0/ffn/layer2/bias": "layers.0.mlp.out.bias",
    "decoder_layers_0/ln2/scale": "layers.0.norm2.gain",
    "decoder_layers_0/ln2/bias": "layers.0.norm2.bias",
    "output_layer/kernel": "output.weight",
    "output_layer/bias": "output.bias",
}


def main():
    export_dir = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(os.path.abspath(__file__))
    w = load_export(export_dir)
    for d in ("pt", "pt-nested", "safetensors", "npz"):
        os.makedirs(os.path.join(out, d), exist_ok=True)

    # occam's names, a plain state dict; one weight saved as a transposed view of an [out, in] tensor
    sd = collections.OrderedDict((k, torch.from_numpy(v.copy())) for k, v in w.items())
    sd["layers.0.mlp.in.weight"] = torch.from_numpy(w["layers.0.mlp.in.weight"].T.copy()).t()
    assert not sd["layers.0.mlp.in.weight"].is_contiguous()
    torch.save(sd, os.path.join(out, "pt", "epoch_1.pt"))

    # PyTorch names and [out, in] weights, nested in a training checkpoint, with a buffer the mapping ignores
    model = collections.OrderedDict()
    mapping = {}
    for torch_name, (occam_name, out_in) in TORCH_NAMES.items():
        v = w[occam_name]
        model[torch_name] = torch.from_numpy(v.T.copy() if out_in else v.copy())
        mapping[torch_name] = {"to": occam_name, "transpose": True} if out_in else occam_name
    model["blocks.0.attn.mask"] = torch.ones(4, 4)
    mapping["blocks.0.attn.mask"] = None
    assert set(TORCH_NAMES[n][0] for n in TORCH_NAMES) == set(w)
    torch.save({"model": model, "optimizer": {"state": {}, "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.98)}]},
                "epoch": 1}, os.path.join(out, "pt-nested", "checkpoint_1.pth"))
    with open(os.path.join(out, "pt-nested", "torch_mapping.json"), "w") as f:
        json.dump(mapping, f, indent=2)
        f.write("\n")

    write_safetensors(os.path.join(out, "safetensors", "step-1.safetensors"), w)

    # the authors' Flax names; their positional table has a row per vocabulary token, only the first 4 are used
    flax = {}
    rng = np.random.default_rng(0)
    for flax_name, occam_name in FLAX_NAMES.items():
        v = w[occam_name]
        if flax_name == "positional_embedding/embedding":
            vocab = w["embed.token"].shape[0]
            v = np.concatenate([v, rng.normal(0, 0.02, size=(vocab - v.shape[0], v.shape[1])).astype("<f4")])
        flax[flax_name] = v
    assert set(FLAX_NAMES.values()) == set(w)
    np.savez(os.path.join(out, "npz", "params_1.npz"), **flax)

    # element types: what torch makes of each value in float32 is the expected reading
    base = torch.tensor([[1.0, -2.5, 0.1], [3.14159, -1e-3, 65000.0]], dtype=torch.float64)
    typed = collections.OrderedDict([
        ("half", base.to(torch.float16)),
        ("bf16", base.to(torch.bfloat16)),
        ("double", base.clone()),
        ("single", base.to(torch.float32)),
        ("single_transposed", base.to(torch.float32).t()),
    ])
    torch.save({"state_dict": typed, "epoch": 7}, os.path.join(out, "dtypes.pt"))
    bf16_bytes = typed["bf16"].view(torch.int16).numpy().astype("<i2").tobytes()
    write_safetensors(os.path.join(out, "dtypes.safetensors"), collections.OrderedDict([
        ("half", typed["half"].numpy()),
        ("bf16", ("BF16", bf16_bytes, list(typed["bf16"].shape))),
        ("double", typed["double"].numpy()),
        ("single", typed["single"].numpy()),
    ]))
    expected = {k: {"dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape),
                    "bits": [int(x) for x in v.float().contiguous().view(torch.int32).flatten().tolist()]}
                for k, v in typed.items()}
    with open(os.path.join(out, "dtypes_expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
