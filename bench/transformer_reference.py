#!/usr/bin/env python3
"""The Transformer of mtbench (systems/transformer/{attention,layers,transformer_model}.cc, presets
of transformer_options.cc) written in PyTorch Python, for a side-by-side training-throughput
reference (bench/transformer_bench.sh, next to tests/systems/transformer_bench_test.cc). Same
architecture, sizes, token-budget batching, loss (label-smoothed, summed over non-pad tokens,
divided by target tokens), Adam settings, synthetic Multi30k-shaped data and FLOP count."""
import argparse
import math
import random
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# Mirrors the shapes of systems/transformer/transformer_options.cc's presets (vocabulary: joint,
# shared). Not mirrored: ScaleNorm/FixNorm of the quick and full presets (LayerNorm here, --norm).
PRESETS = {
    "quick": dict(vocab=4000, dim=128, heads=4, ffn=512, enc=2, dec=2, dropout=0.0, att_drop=0.0, relu_drop=0.0, max_tokens=1000),
    "full": dict(vocab=4000, dim=256, heads=4, ffn=1024, enc=2, dec=2, dropout=0.2, att_drop=0.1, relu_drop=0.1, max_tokens=1000),
    "base": dict(vocab=10000, dim=512, heads=8, ffn=2048, enc=6, dec=6, dropout=0.3, att_drop=0.1, relu_drop=0.1, max_tokens=8000),
}
PAD, BOS, EOS = 3, 1, 2


class MultiHeadAttention(nn.Module):
    """Written out like attention.cc (not nn.MultiheadAttention): one fused [3d, d] input
    projection, so self-attention is a single matrix product and the cross-attention keys and
    values can be projected from the encoder output separately."""

    def __init__(self, d, heads, dropout):
        super().__init__()
        self.d, self.h, self.p = d, heads, dropout
        self.in_weight = nn.Parameter(nn.init.xavier_uniform_(torch.empty(3 * d, d)))
        self.in_bias = nn.Parameter(torch.zeros(3 * d))
        self.out = nn.Linear(d, d)
        nn.init.xavier_uniform_(self.out.weight), nn.init.zeros_(self.out.bias)

    def split(self, x):  # [b, len, d] -> [b, heads, len, d / heads]
        return x.view(x.size(0), x.size(1), self.h, self.d // self.h).transpose(1, 2)

    def qkv(self, x):
        return [self.split(t) for t in F.linear(x, self.in_weight, self.in_bias).chunk(3, -1)]

    def query(self, x):
        return self.split(F.linear(x, self.in_weight[: self.d], self.in_bias[: self.d]))

    def key_value(self, x):
        return [self.split(t) for t in F.linear(x, self.in_weight[self.d :], self.in_bias[self.d :]).chunk(2, -1)]

    def attend(self, q, k, v, bias):
        # Scale folded into q, as in the C++ (cheaper than scaling [b, h, q, k] scores).
        probs = torch.softmax((q * (q.size(-1) ** -0.5)) @ k.transpose(-2, -1) + bias, -1)
        ctx = F.dropout(probs, self.p, self.training) @ v
        return self.out(ctx.transpose(1, 2).reshape(q.size(0), q.size(2), self.d))


class FeedForward(nn.Module):
    def __init__(self, p):
        super().__init__()
        self.w1, self.w2, self.p = nn.Linear(p["dim"], p["ffn"]), nn.Linear(p["ffn"], p["dim"]), p["relu_drop"]
        for w in (self.w1, self.w2):
            nn.init.xavier_uniform_(w.weight), nn.init.zeros_(w.bias)

    def forward(self, x):
        return self.w2(F.dropout(torch.relu(self.w1(x)), self.p, self.training))


class Layer(nn.Module):
    """Encoder layer (cross=False) or decoder layer, post-norm (the paper) or pre-norm (layers.cc)."""

    def __init__(self, p, pre_norm, cross):
        super().__init__()
        self.pre = pre_norm
        self.self_att = MultiHeadAttention(p["dim"], p["heads"], p["att_drop"])
        self.cross_att = MultiHeadAttention(p["dim"], p["heads"], p["att_drop"]) if cross else None
        self.ff = FeedForward(p)
        self.norms = nn.ModuleList(nn.LayerNorm(p["dim"]) for _ in range(3 if cross else 2))
        self.drop = nn.Dropout(p["dropout"])

    def forward(self, x, self_bias, memory_kv=None, cross_bias=None):
        blocks = [lambda h: self.self_att.attend(*self.self_att.qkv(h), self_bias)]
        if self.cross_att is not None:
            blocks.append(lambda h: self.cross_att.attend(self.cross_att.query(h), *memory_kv, cross_bias))
        blocks.append(self.ff)
        for block, norm in zip(blocks, self.norms):
            x = x + self.drop(block(norm(x))) if self.pre else norm(x + self.drop(block(x)))
        return x


class Transformer(nn.Module):
    def __init__(self, p, pre_norm):
        super().__init__()
        d = p["dim"]
        self.scale = math.sqrt(d)
        # Shared source/target embedding, N(0, d^-1/2) as in fairseq (and the C++); the tied
        # output projection reuses it with no bias.
        self.emb = nn.Embedding(p["vocab"], d, padding_idx=PAD)
        with torch.no_grad():
            self.emb.weight.normal_(0, d**-0.5)
            self.emb.weight[PAD].zero_()
        # Sinusoidal encodings for 256 positions (the C++ caches at least 256; pairs are <= 41).
        i2 = torch.arange(0, d, 2, dtype=torch.float64)
        pos = torch.arange(256, dtype=torch.float64).unsqueeze(1) * torch.exp(i2 * (-math.log(10000.0) / d))
        pe = torch.zeros(256, d, dtype=torch.float64)
        pe[:, 0::2], pe[:, 1::2] = torch.sin(pos), torch.cos(pos)  # interleaved, as sinusoidal_encoding()
        self.register_buffer("pe", pe.float(), persistent=False)
        self.encoder = nn.ModuleList(Layer(p, pre_norm, False) for _ in range(p["enc"]))
        self.decoder = nn.ModuleList(Layer(p, pre_norm, True) for _ in range(p["dec"]))
        # Pre-norm needs a final LayerNorm after each stack; post-norm has none.
        self.enc_norm = nn.LayerNorm(d) if pre_norm else nn.Identity()
        self.dec_norm = nn.LayerNorm(d) if pre_norm else nn.Identity()
        self.drop = nn.Dropout(p["dropout"])

    def embed(self, ids):
        return self.drop(self.emb(ids) * self.scale + self.pe[: ids.size(1)])

    def forward(self, src, mask, tin):
        # Additive biases as padding_bias()/causal_bias(): 0 or -inf, broadcast over heads.
        src_bias = torch.zeros(mask.shape).masked_fill(~mask, float("-inf"))[:, None, None, :]  # [b, 1, 1, s]
        x = self.embed(src)
        for layer in self.encoder:
            x = layer(x, src_bias)
        memory = self.enc_norm(x)
        t = tin.size(1)
        causal = torch.zeros(t, t).masked_fill(torch.ones(t, t, dtype=torch.bool).triu(1), float("-inf"))  # [t, t]
        y = self.embed(tin)
        for layer in self.decoder:
            y = layer(y, causal, layer.cross_att.key_value(memory), src_bias)
        return F.linear(self.dec_norm(y), self.emb.weight)  # [b, t, vocab]


def forward_macs(p, s, t):
    """Forward multiply-accumulates of one padded pair (matrix products only), as forward_macs()
    in tests/systems/transformer_bench_test.cc: the cross-attention K/V projection is counted
    once per source token per decoder layer."""
    d, f = p["dim"], p["ffn"]
    encoder = p["enc"] * s * (4 * d * d + 2 * d * f + 2 * d * s)
    decoder = p["dec"] * (t * (6 * d * d + 2 * d * f + 2 * d * t + 2 * d * s) + s * 2 * d * d)
    return encoder + decoder + t * d * p["vocab"]


def batches(p, rng):
    # Multi30k De-En with BPE: about 16 source and 15 target subwords per sentence; 6000 pairs
    # as the C++ benchmark. make_batches' pool (~100 batches) exceeds 6000 pairs, so it sorts
    # globally by (source, target) length too, then cuts at max_tokens of padded max(s, t + 1).
    examples = []
    for _ in range(6000):
        s = int(min(40, max(3, rng.gauss(15, 4) + 1)))
        t = int(min(40, max(3, rng.gauss(15, 4))))
        examples.append(([rng.randrange(4, p["vocab"]) for _ in range(s)], [rng.randrange(4, p["vocab"]) for _ in range(t)]))
    examples.sort(key=lambda e: (len(e[0]), len(e[1])))
    out, cur, longest = [], [], 0
    for e in examples:
        m = max(longest, len(e[0]), len(e[1]) + 1)
        if cur and (len(cur) + 1) * m > p["max_tokens"]:
            out.append(cur)
            cur, longest = [], 0
        cur.append(e)
        longest = max(longest, len(e[0]), len(e[1]) + 1)
    out.append(cur)
    rng.shuffle(out)
    return out


def collate(batch):
    n, sl, tl = len(batch), max(len(e[0]) for e in batch), max(len(e[1]) for e in batch) + 1
    src, tin, tout = (torch.full(shape, PAD, dtype=torch.long) for shape in ((n, sl), (n, tl), (n, tl)))
    for i, (s, t) in enumerate(batch):
        src[i, : len(s)] = torch.tensor(s)
        tin[i, 0] = BOS
        tin[i, 1 : len(t) + 1] = torch.tensor(t)
        tout[i, : len(t)] = torch.tensor(t)
        tout[i, len(t)] = EOS
    return src, src != PAD, tin, tout, sum(len(t) + 1 for _, t in batch)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--preset", default="full", choices=sorted(PRESETS))
    ap.add_argument("--norm", default="post", choices=["post", "pre"])
    ap.add_argument("--steps", type=int, default=20)
    a = ap.parse_args()
    torch.set_num_interop_threads(a.threads)  # as set_torch_threads(): both pools, before any work
    torch.set_num_threads(a.threads)
    x, y = torch.randn(1024, 1024), torch.randn(1024, 1024)
    for _ in range(3):
        x @ y
    reps, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < 3.0:
        x @ y
        reps += 1
    peak = 2 * 1024**3 * reps / (time.perf_counter() - t0) / 1e9
    print(f"matmul_peak_gflops {peak:.2f} (threads {a.threads})")
    p = PRESETS[a.preset]
    torch.manual_seed(1)
    model = Transformer(p, a.norm == "pre")
    model.train()
    # The presets' Adam (sec. 5.3); a fixed rate instead of the noam schedule (same cost).
    opt = torch.optim.Adam(model.parameters(), lr=5e-4, betas=(0.9, 0.98), eps=1e-9)
    bs = batches(p, random.Random(1))
    seconds, tokens, macs = 0.0, 0, 0.0
    for step in range(a.steps + 2):
        src, mask, tin, tout, ntok = collate(bs[step % len(bs)])
        t0 = time.perf_counter()
        logits = model(src, mask, tin)
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), tout.reshape(-1), ignore_index=PAD,
                               reduction="sum", label_smoothing=0.1) / ntok
        opt.zero_grad()
        loss.backward()  # no clipping: the presets set clip_norm 0
        opt.step()
        if step >= 2:  # two warm-up steps
            seconds += time.perf_counter() - t0
            tokens += ntok
            macs += src.size(0) * forward_macs(p, src.size(1), tin.size(1))  # padded shapes: what is computed
    gflops = 3 * 2 * macs / seconds / 1e9  # backward ~ 2x forward
    print(f"preset {a.preset} ({a.norm}-norm): train_tokens_per_s {tokens / seconds:.0f}  "
          f"achieved_gflops {gflops:.2f}  fraction_of_peak {gflops / peak:.3f}  (loss {loss.item():.3f})")


if __name__ == "__main__":
    main()
