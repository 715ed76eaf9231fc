#!/usr/bin/env python3
"""The rnn-attention model of mtbench (systems/rnn_attention/rnn_model.cc) written in PyTorch
Python, for a side-by-side training-throughput reference (bench/rnn_bench.sh). Same
architecture, sizes, batching budget, optimizer and synthetic Multi30k-shaped data."""
import argparse
import math
import random
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# Mirrors the shapes of systems/rnn_attention/rnn_options.cc's presets. Not mirrored: the presets'
# tied output layer (tie_output: the same matmul with a shared weight, no change in throughput).
PRESETS = {
    "quick": dict(vocab=4000, emb=128, enc=128, dec=256, att=128, out=128, dropout=0.2, max_tokens=2500),
    "full": dict(vocab=4000, emb=256, enc=256, dec=512, att=256, out=256, dropout=0.3, max_tokens=3000),
}
PAD, BOS, EOS = 3, 1, 2


class RnnSearch(nn.Module):
    def __init__(self, p):
        super().__init__()
        self.p = p
        mem = 2 * p["enc"]
        self.src_emb = nn.Embedding(p["vocab"], p["emb"])
        self.tgt_emb = nn.Embedding(p["vocab"], p["emb"])
        self.encoder = nn.GRU(p["emb"], p["enc"], batch_first=True, bidirectional=True)
        self.init_state = nn.Linear(p["enc"], p["dec"])
        self.att_query = nn.Linear(p["dec"], p["att"])
        self.att_key = nn.Linear(mem, p["att"], bias=False)
        self.att_v = nn.Linear(p["att"], 1, bias=False)
        self.gate_emb = nn.Linear(p["emb"], 3 * p["dec"])
        self.gate_ctx = nn.Linear(mem, 3 * p["dec"], bias=False)
        self.gate_state = nn.Linear(p["dec"], 3 * p["dec"])
        self.out_state = nn.Linear(p["dec"], 2 * p["out"])
        self.out_emb = nn.Linear(p["emb"], 2 * p["out"], bias=False)
        self.out_ctx = nn.Linear(mem, 2 * p["out"], bias=False)
        self.out_proj = nn.Linear(p["out"], p["vocab"])
        self.drop = nn.Dropout(p["dropout"])

    def forward(self, src, mask, tgt_in):
        s_len = src.size(1)
        emb = self.drop(self.src_emb(src))
        lengths = mask.sum(1).cpu()
        packed = nn.utils.rnn.pack_padded_sequence(emb, lengths, batch_first=True, enforce_sorted=False)
        out, last = self.encoder(packed)
        memory, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=s_len)
        keys = self.att_key(memory)
        state = torch.tanh(self.init_state(last[1]))
        temb = self.drop(self.tgt_emb(tgt_in))
        gates_in = self.gate_emb(temb)
        states, contexts = [], []
        for t in range(tgt_in.size(1)):
            scores = self.att_v(torch.tanh(keys + self.att_query(state).unsqueeze(1))).squeeze(2)
            weights = torch.softmax(scores.masked_fill(~mask, float("-inf")), 1)
            ctx = torch.bmm(weights.unsqueeze(1), memory).squeeze(1)
            gi = (gates_in[:, t] + self.gate_ctx(ctx)).chunk(3, 1)
            gh = self.gate_state(state).chunk(3, 1)
            r = torch.sigmoid(gi[0] + gh[0])
            z = torch.sigmoid(gi[1] + gh[1])
            n = torch.tanh(gi[2] + r * gh[2])
            state = (1 - z) * n + z * state
            states.append(state)
            contexts.append(ctx)
        s = torch.stack(states, 1)
        c = torch.stack(contexts, 1)
        t = self.out_state(s) + self.out_emb(temb) + self.out_ctx(c)
        t = t.view(*t.shape[:-1], self.p["out"], 2).max(-1)[0]
        return self.out_proj(self.drop(t))


def batches(p, rng):
    examples = []
    for _ in range(4000):
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
    n = len(batch)
    sl = max(len(e[0]) for e in batch)
    tl = max(len(e[1]) for e in batch) + 1
    src = torch.full((n, sl), PAD, dtype=torch.long)
    tin = torch.full((n, tl), PAD, dtype=torch.long)
    tout = torch.full((n, tl), PAD, dtype=torch.long)
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
    ap.add_argument("--preset", default="quick", choices=sorted(PRESETS))
    ap.add_argument("--steps", type=int, default=20)
    a = ap.parse_args()
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
    model = RnnSearch(p)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    bs = batches(p, random.Random(1))
    seconds, tokens = 0.0, 0
    for step in range(a.steps + 2):
        src, mask, tin, tout, ntok = collate(bs[step % len(bs)])
        t0 = time.perf_counter()
        logits = model(src, mask, tin)
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), tout.reshape(-1), ignore_index=PAD, reduction="sum") / ntok
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step >= 2:
            seconds += time.perf_counter() - t0
            tokens += ntok
    print(f"preset {a.preset}: train_tokens_per_s {tokens / seconds:.0f}")


if __name__ == "__main__":
    main()
