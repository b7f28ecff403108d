"""physix.ar benchmark: KV-cache generation, training throughput against torch.nn.TransformerEncoder, peak memory.

    python bench/bench_ar.py [--threads 1] [--nocache-tokens 32] [--gen-batches 1 4] [--train-batch 2]
                             [--train-frames 4] [--train-repeats 7] [--device auto|cpu|cuda] [--no-reference]

Model (all three parts): `ARConfig(vocab_size=64000, d_model=256, n_layers=4, n_heads=8, n_kv_heads=4,
ffn_hidden=688, max_latent_shape=(4, 16, 16))` -- ~36M parameters, of which 2 x 16.4M are the embedding and the
output head (the FSQ vocabulary of 64,000), ~0.73M per block. Everything runs in float32 in this one process
(except the memory workers, see 3), with `torch.set_num_threads(--threads)` (default 1, see the end) and one
inter-op thread, printed at the start together with the load average (and again at the end). On a shared machine the load average tells how
much the numbers can be trusted: timings are medians of interleaved repeats, so drift hits all variants alike,
but contention still adds noise.

1. Generation, `physix.ar.generate` itself, greedy (temperature 0), with a random-weight model in eval mode and a
   random context of `--context-frames` (3) latent frames of 16x16 ids = 768 tokens, continued by 1 latent frame
   = 256 tokens, for each batch size in `--gen-batches` (default 1; `--gen-batches 1 4` adds batch 4).
   * cache:    `generate(..., use_cache=True)`: one prefill forward over the 768 context tokens, then 255
               single-token forwards against the KV cache. The whole frame is timed, prefill included.
   * no cache: `generate(..., use_cache=False)`: every step runs the model over the whole sequence so far
               (768 + i tokens). This costs ~0.3-0.45 s per token on 1 CPU thread, minutes per frame, so by
               default only the FIRST `--nocache-tokens` (32) of the 256 steps are timed: the model handed to
               `generate` is wrapped in a probe that timestamps every forward call and aborts `generate` (by an
               exception) when the forward call for token K+1 begins, i.e. after exactly K complete steps
               (forward + `sample_next` + concatenation); the ids generated so far are taken from that call's
               input. The first steps have the shortest sequences, so they are the cheapest: the no-cache
               tokens/s is an upper bound of its whole-frame figure and the reported speed-up a LOWER bound.
               `--nocache-tokens 256` times the whole frame (and checks all 256 ids).
   Correctness before timing: the cached generation is run once (also the warm-up), then the no-cache generation
   once for the same K steps, and the script asserts that the no-cache ids equal the first 768 + K ids of the
   cached ones; every timed run asserts the same again. Then `--gen-repeats` cached and `--nocache-repeats`
   no-cache runs take turns; the table gives the median time, tokens/s (batch x generated tokens / time), the
   prefill forward and the mean per-step forward time from the probe's timestamps, and cache/no-cache.
   * (reference) no cache, last-position logits only -- NOT physix's code path, there to read the ratio:
               `PhysiXAR.forward` always returns logits for every position, so each no-cache step (and the
               cached prefill) also pushes all 768+ positions through the 256 x 64,000 head, ~3/4 of its time.
               This loop recomputes the sequence like `generate(use_cache=False)` but sends only the last
               position through the final norm and the head (the model's own rope/embed/blocks/norm/head
               modules, greedy argmax, same K steps and repeats as "no cache"); cache / reference is the
               speed-up the cache gives over the cheapest recomputation. `--no-reference` skips it. Its ids are
               compared with generate's but a mismatch only prints a note (a one-row head matmul may round
               differently from the all-rows one and flip a near-tie).

2. Training throughput, in this process: PhysiXAR against a "stock" model made of the same `nn.Embedding`, a
   `torch.nn.TransformerEncoder` of `nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=F,
   dropout=0.0, batch_first=True, norm_first=True)` x n_layers with a final LayerNorm (`enable_nested_tensor=
   False`, which norm_first cannot use anyway), and the same bias-free `nn.Linear(d_model, vocab)` head, called
   with `mask=nn.Transformer.generate_square_subsequent_mask(L)` (built once per length) and `is_causal=True`
   (so its attention also takes SDPA's causal path). F is chosen so that one stock layer has as many parameters
   as one PhysiX block: a stock layer has a + b*F parameters (a, b found by building layers with F = 1 and 2),
   F = round((physix block - a) / b); both counts are printed. Differences that remain by design: stock has
   LayerNorm with biases, a 2-matrix ReLU MLP (PyTorch's default activation) instead of SwiGLU, full multi-head
   K/V (8 heads) instead of grouped-query (4 KV heads), no QK-norm, no rotary embedding (no position signal at
   all -- irrelevant for speed). Dropout is 0 for stock since PhysiX has none.
   Batch: `--train-batch` (2) sequences of `--train-frames` (4) latent frames of 16x16 = 1024 tokens of random ids;
   loss = next-token cross-entropy over the whole window; AdamW (lr 1e-4, PyTorch defaults otherwise,
   `foreach` implementation chosen by PyTorch for both); a step = zero_grad(set_to_none) + forward + loss +
   backward + optimizer.step() + loss.item(). `--train-warmup` (1) untimed steps per model (they also
   allocate AdamW's state), then `--train-repeats` (5) rounds in which each model does one timed step, the
   order alternating between rounds. Reported: median seconds per step, tokens/s = batch x length / median,
   ratio physix/stock of tokens/s (goal >= 1.0).
   With a 64,000-word vocabulary the embedding/head/cross-entropy are most of the compute and are identical in
   both, so the same comparison is repeated for the blocks alone (unless `--no-blocks-only`): input = a fixed
   random [B, L, d_model] float tensor, output = the last block's output (PhysiX: `Block(x, rope.angles(shape))`
   in turn; stock: the encoder layers with the same mask/is_causal, no final norm), loss = mean of its squares,
   AdamW over the blocks' parameters only.

3. Peak memory of one training run of each model in 2, each in a FRESH subprocess (this script with a hidden
   `--_mem-worker` flag, the same arguments and threads), so that neither sees the other's allocations or the
   allocator caches of this process. On the CPU `tracemalloc` does not see torch's allocations, so the figure is
   the kernel's peak resident set size. Not `getrusage(RUSAGE_SELF).ru_maxrss` as such: on Linux a child
   started by `subprocess` (vfork + exec) inherits the parent's peak RSS at exec time, so in a worker started by
   a parent that has already trained both models ru_maxrss never rises during training (tried: delta 0). The
   worker reads the same counter per address space instead, `VmHWM` of /proc/self/status (fresh at exec), and
   first resets it to the current RSS by writing 5 to /proc/self/clear_refs (Linux >= 4.0):
   "before" = RSS after importing torch and building the model, the optimiser and the batch; "peak" = VmHWM after
   `--mem-steps` (2) training steps (the first allocates AdamW's state, the second has gradients and optimiser
   state alive at once); off Linux it falls back to ru_maxrss. The table reports both and the difference
   "training peak delta" = peak - before, the memory the training steps add on top of the weights (activations,
   logits, gradients, optimiser state), and the ratio physix/stock of the deltas. RSS counts pages touched,
   including allocator caching and fragmentation, but that is the same for both models. On CUDA (`--device
   cuda`, or auto with a GPU) the worker instead reports `torch.cuda.max_memory_allocated()` after
   `reset_peak_memory_stats()` (before = `memory_allocated()` after building everything).

Threads: `--threads` defaults to 1, not to the 2 cores, because the cores are shared with other jobs: with 2
OpenMP threads and another process busy on one core, every parallel region waits for the descheduled thread,
and a blocks-only training step here took 2.2 s instead of 0.03 s (70x slower). 1 thread is slower on an idle
machine but stable on a busy one; pass `--threads 2` on a quiet machine.

The numbers come from random weights and random ids on this machine; they compare implementations, not models.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

from physix.ar import ARConfig, PhysiXAR, generate


# ----------------------------------------------------------------------------------------------------------- setup
def model_config(args) -> ARConfig:
    t = max(args.context_frames + 1, args.train_frames)
    return ARConfig(vocab_size=args.vocab, n_layers=args.layers, d_model=args.d_model, n_heads=args.heads,
                    n_kv_heads=args.kv_heads, ffn_hidden=args.ffn, max_latent_shape=(t, args.frame, args.frame))


def n_params(m: nn.Module) -> int: return sum(p.numel() for p in m.parameters())


def sync(device: torch.device):
    if device.type == "cuda": torch.cuda.synchronize(device)


def now(device: torch.device) -> float:
    sync(device)
    return time.perf_counter()


def stock_layer(cfg: ARConfig, ffn: int) -> nn.TransformerEncoderLayer:
    return nn.TransformerEncoderLayer(cfg.d_model, cfg.n_heads, dim_feedforward=ffn, dropout=0.0,
                                      batch_first=True, norm_first=True)


def physix_block_params(cfg: ARConfig) -> int:
    return n_params(PhysiXAR(dataclasses.replace(cfg, n_layers=1, vocab_size=8)).blocks[0])


def matched_ffn(cfg: ARConfig) -> int:
    "dim_feedforward giving a stock layer the parameter count of one PhysiX block (the count is linear in it)."
    target = physix_block_params(cfg)
    p1, p2 = n_params(stock_layer(cfg, 1)), n_params(stock_layer(cfg, 2))
    b = p2 - p1
    return max(1, round((target - (p1 - b)) / b))


class StockLM(nn.Module):
    "The same embedding and head as PhysiXAR around a stock pre-norm causal TransformerEncoder."
    def __init__(self, cfg: ARConfig, ffn: int):
        super().__init__()
        self.embed = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.encoder = nn.TransformerEncoder(stock_layer(cfg, ffn), cfg.n_layers, norm=nn.LayerNorm(cfg.d_model),
                                             enable_nested_tensor=False)
        self.head = nn.Linear(cfg.d_model, cfg.vocab_size, bias=False)
        self._masks: dict = {}

    def mask(self, L: int, device) -> torch.Tensor:
        if (L, device) not in self._masks:
            self._masks[(L, device)] = nn.Transformer.generate_square_subsequent_mask(L, device=device)
        return self._masks[(L, device)]

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.head(self.encoder(self.embed(ids), mask=self.mask(ids.shape[1], ids.device), is_causal=True))


def build_training(kind: str, cfg: ARConfig, ffn: int, args, device):
    """(params, step function) for `kind` in physix, stock, physix-blocks, stock-blocks; the batch is fixed.
    A step = zero_grad + forward + loss + backward + optimizer.step + loss.item()."""
    torch.manual_seed(args.seed)
    shape = (args.train_frames, args.frame, args.frame)
    L = shape[0] * shape[1] * shape[2]
    g = torch.Generator().manual_seed(args.seed + 1)
    if kind in ("physix", "stock"):
        model = (PhysiXAR(cfg) if kind == "physix" else StockLM(cfg, ffn)).to(device).train()
        ids = torch.randint(0, cfg.vocab_size, (args.train_batch, L), generator=g).to(device)
        fwd = (lambda: model(ids, shape)) if kind == "physix" else (lambda: model(ids))
        loss_fn = lambda logits: F.cross_entropy(logits[:, :-1].flatten(0, 1), ids[:, 1:].flatten())
        params = list(model.parameters())
    else:
        x = torch.randn(args.train_batch, L, cfg.d_model, generator=g).to(device)
        if kind == "physix-blocks":
            model = PhysiXAR(cfg).to(device).train()
            blocks, angles = model.blocks, model.rope.angles(shape).to(device)
            def fwd():
                y = x
                for blk in blocks: y = blk(y, angles)
                return y
        else:
            model = StockLM(cfg, ffn).to(device).train()
            layers, mask = model.encoder.layers, model.mask(L, device)
            def fwd():
                y = x
                for layer in layers: y = layer(y, src_mask=mask, is_causal=True)
                return y
            blocks = layers
        loss_fn = lambda y: y.float().pow(2).mean()
        params = list(blocks.parameters())
    opt = torch.optim.AdamW(params, lr=1e-4)

    def step() -> float:
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(fwd())
        loss.backward()
        opt.step()
        return loss.item()
    return model, params, step


# ------------------------------------------------------------------------------------------------------ generation
class _Stop(Exception): pass


class Probe(nn.Module):
    """Hands `generate` the model unchanged, timestamping every forward call; with `limit`, the forward call
    after `limit` completed ones records its input ids and aborts `generate` instead of running."""
    def __init__(self, model: PhysiXAR, limit=None):
        super().__init__()
        self.model, self.cfg, self.limit = model, model.cfg, limit
        self.calls, self.ids, self.t_stop = [], None, None

    def forward(self, ids, shape, start=0, cache=None, last_only=False):
        device = ids.device
        if self.limit is not None and len(self.calls) == self.limit:
            self.t_stop, self.ids = now(device), ids
            raise _Stop
        t0 = now(device)
        out = self.model(ids, shape, start, cache, last_only=last_only)
        self.calls.append((t0, now(device)))
        return out


def run_generate(model, context, frame_shape, use_cache: bool, limit=None) -> dict:
    "One timed `generate` call (greedy, one frame); with `limit`, only its first `limit` steps."
    probe = Probe(model, limit)
    device = context.device
    t0 = now(device)
    try:
        ids = generate(probe, context, frame_shape, 1, temperature=0.0, use_cache=use_cache)
        t1 = now(device)
    except _Stop:
        ids, t1 = probe.ids, probe.t_stop
    fwd = [b - a for a, b in probe.calls]
    return {"ids": ids, "time": t1 - t0, "new": ids.shape[1] - context.shape[1], "calls": fwd}


@torch.no_grad()
def run_recompute_last_only(model: PhysiXAR, context, frame_shape, k: int) -> dict:
    """REFERENCE, not physix's code path: greedy recomputation without a cache like `generate(use_cache=False)`,
    but only the last position goes through the final norm and the head (PhysiXAR.forward computes logits at
    every position). Built from the model's own modules: rope.angles, embed, blocks, norm, head."""
    h, w = frame_shape
    shape = (context.shape[1] // (h * w) + 1, h, w)
    device, ids, calls = context.device, context, []
    t0 = now(device)
    for _ in range(k):
        a = now(device)
        angles = model.rope.angles(shape, 0, ids.shape[1]).to(device)
        x = model.embed(ids)
        for block in model.blocks: x = block(x, angles)
        logits = model.head(model.norm(x[:, -1]))
        calls.append(now(device) - a)
        ids = torch.cat([ids, logits.argmax(-1)[:, None]], 1)
    return {"ids": ids, "time": now(device) - t0, "new": k, "calls": calls}


def bench_generation(args, cfg: ARConfig, device) -> list[str]:
    torch.manual_seed(args.seed)
    model = PhysiXAR(cfg).to(device).eval()
    hw = args.frame * args.frame
    n_ctx, frame_shape = args.context_frames * hw, (args.frame, args.frame)
    k = min(args.nocache_tokens, hw) if args.nocache_tokens > 0 else hw
    limit = None if k >= hw else k
    out = [f"\n## 1. Generation: {args.context_frames}-frame context ({n_ctx} tokens) + 1 generated latent frame of "
           f"{args.frame}x{args.frame} = {hw} tokens, greedy\n",
           f"model: {n_params(model) / 1e6:.2f}M parameters (d_model {cfg.d_model}, {cfg.n_layers} layers, "
           f"{cfg.n_heads} heads, {cfg.n_kv_heads} kv heads, ffn {cfg.ffn_hidden}, vocab {cfg.vocab_size}); "
           f"no-cache timed over the first {k} of {hw} steps"
           + (" (the cheapest ones: the speed-up is a lower bound)" if limit else "") + "\n",
           "| batch | mode | tokens timed | runs | median time (s) | tokens/s | prefill fwd (ms) "
           "| mean step fwd (ms) | cache tokens/s ÷ this row's |",
           "|---|---|---|---|---|---|---|---|---|"]
    for B in args.gen_batches:
        g = torch.Generator().manual_seed(args.seed + B)
        context = torch.randint(0, cfg.vocab_size, (B, n_ctx), generator=g).to(device)
        # correctness before timing: cached generation (also the warm-up) vs the no-cache one on the same steps
        ref = run_generate(model, context, frame_shape, True)["ids"]
        assert ref.shape == (B, n_ctx + hw), ref.shape
        chk = run_generate(model, context, frame_shape, False, limit)
        assert chk["new"] == k, (chk["new"], k)
        assert torch.equal(chk["ids"], ref[:, :n_ctx + k]), \
            f"batch {B}: greedy ids differ between use_cache=True and use_cache=False within the first {k} tokens"
        print(f"batch {B}: cached and no-cache greedy ids identical over the first {k} generated tokens "
              f"({'whole frame' if k == hw else f'of {hw}'}); timing ...", flush=True)
        ref_name = "(reference) no cache, last-position logits only"
        runs = {"cache": [], "no cache": []}
        if not args.no_reference: runs[ref_name] = []
        mismatch = False
        for r in range(max(args.gen_repeats, args.nocache_repeats)):
            order = [n for n in runs if len(runs[n]) < (args.gen_repeats if n == "cache" else args.nocache_repeats)]
            for name in (order if r % 2 == 0 else order[::-1]):
                if name == ref_name:
                    res = run_recompute_last_only(model, context, frame_shape, k)
                    mismatch |= not torch.equal(res["ids"], ref[:, :res["ids"].shape[1]])
                else:
                    res = run_generate(model, context, frame_shape, name == "cache", None if name == "cache" else limit)
                    assert torch.equal(res["ids"], ref[:, :res["ids"].shape[1]]), f"batch {B} {name}: ids changed"
                runs[name].append(res)
        rate = {}
        for name, rs in runs.items():
            t = statistics.median(r["time"] for r in rs)
            n = rs[0]["new"]
            rate[name] = B * n / t
            calls = [c for r in rs for c in (r["calls"][1:] if name == "cache" else r["calls"])]
            prefill = statistics.median(r["calls"][0] for r in rs) * 1e3 if name == "cache" else None
            vs = "" if name == "cache" else f"{rate['cache'] / rate[name]:.1f}x"
            if name == "no cache":
                vs = f"**{vs}** ({'meets' if rate['cache'] / rate[name] >= 10 else 'misses'} the >= 10x goal)"
            out.append(f"| {B} | {name} | {B} x {n} | {len(rs)} | {t:.3f} | {rate[name]:.1f} | "
                       f"{'%.0f' % prefill if prefill is not None else '-'} | {statistics.mean(calls) * 1e3:.1f} | {vs} |")
        if mismatch: out.append(f"\n(batch {B}: the reference's greedy ids differ from generate's -- rounding of a "
                                "one-row head matmul can flip a near-tie; its timing is still valid)")
    return out


# -------------------------------------------------------------------------------------------------------- training
def bench_training(args, cfg: ARConfig, ffn: int, device) -> list[str]:
    L = args.train_frames * args.frame * args.frame
    tokens = args.train_batch * L
    out = []
    pairs = [("physix", "stock")] + ([] if args.no_blocks_only else [("physix-blocks", "stock-blocks")])
    for a, b in pairs:
        ma, pa, sa = build_training(a, cfg, ffn, args, device)
        mb, pb, sb = build_training(b, cfg, ffn, args, device)
        for _ in range(args.train_warmup): sa(); sb()
        times = {a: [], b: []}
        for r in range(args.train_repeats):
            for name, step in ([(a, sa), (b, sb)] if r % 2 == 0 else [(b, sb), (a, sa)]):
                t0 = now(device); step(); times[name].append(now(device) - t0)
        med = {n: statistics.median(ts) for n, ts in times.items()}
        title = ("whole model (embedding + blocks + head + cross-entropy)" if a == "physix"
                 else "blocks only (no embedding / head; loss = mean(y^2))")
        out += [f"\n### 2{'a' if a == 'physix' else 'b'}. Training, {title}: batch {args.train_batch} x {L} tokens "
                f"({args.train_frames} frames of {args.frame}x{args.frame}), AdamW, {args.train_warmup} warm-up + "
                f"{args.train_repeats} interleaved timed steps each\n",
                "| model | trained params | median s/step | min s/step | tokens/s | physix / stock |",
                "|---|---|---|---|---|---|"]
        for n, params in ((a, pa), (b, pb)):
            out.append(f"| {n} | {sum(p.numel() for p in params):,} | {med[n]:.3f} | {min(times[n]):.3f} | "
                       f"{tokens / med[n]:.0f} | |")
        ratio = med[b] / med[a]
        out.append(f"| **ratio** | | | | | **{ratio:.2f}x** ({'meets' if ratio >= 1.0 else 'misses'} the >= 1.0 goal) |")
        del ma, mb, pa, pb, sa, sb
    return out


# ---------------------------------------------------------------------------------------------------------- memory
def _status_kib(field: str):
    "A field of /proc/self/status in bytes, or None off Linux."
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"): return int(line.split()[1]) * 1024
    except OSError: return None


def rss_before_steps() -> int:
    """Current RSS, with the kernel's peak-RSS mark reset to it (`echo 5 > /proc/self/clear_refs`), so that VmHWM
    afterwards is the peak of what follows; off Linux, ru_maxrss so far."""
    if _status_kib("VmHWM") is None: return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    try:
        with open("/proc/self/clear_refs", "w") as f: f.write("5")
    except OSError: pass
    return _status_kib("VmHWM")  # == VmRSS after the reset (== the peak so far if the reset was refused)


def peak_rss() -> int:
    hwm = _status_kib("VmHWM")
    return hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def mem_worker(args):
    "Runs in a fresh subprocess: build one model, measure peak memory over --mem-steps training steps, print JSON."
    torch.set_num_threads(args.threads)
    try: torch.set_num_interop_threads(1)
    except RuntimeError: pass
    device = torch.device(args.device)
    cfg = model_config(args)
    _, params, step = build_training(args._mem_worker, cfg, matched_ffn(cfg), args, device)
    if device.type == "cuda":
        torch.cuda.synchronize(device)
        before = torch.cuda.memory_allocated(device)
        torch.cuda.reset_peak_memory_stats(device)
        for _ in range(args.mem_steps): step()
        torch.cuda.synchronize(device)
        peak = torch.cuda.max_memory_allocated(device)
    else:
        before = rss_before_steps()
        for _ in range(args.mem_steps): step()
        peak = peak_rss()
    print(json.dumps({"before": before, "peak": peak, "params": sum(p.numel() for p in params)}))


def bench_memory(args) -> list[str]:
    method = ("torch.cuda.max_memory_allocated" if args.device == "cuda"
              else "peak RSS (VmHWM) of a fresh subprocess per model")
    MiB = 2 ** 20
    L = args.train_frames * args.frame * args.frame
    out = [f"\n## 3. Peak memory of training ({method}; batch {args.train_batch} x {L} tokens, {args.mem_steps} "
           f"AdamW steps)\n",
           "| model | before training (MiB) | peak (MiB) | training peak delta (MiB) | physix / stock (delta) |",
           "|---|---|---|---|---|"]
    res = {}
    for kind in ("physix", "stock"):
        cmd = [sys.executable, os.path.abspath(__file__), *sys.argv[1:], "--device", args.device, "--_mem-worker", kind]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode: raise RuntimeError(f"memory worker {kind} failed:\n{p.stderr}")
        res[kind] = json.loads(p.stdout.strip().splitlines()[-1])
        r = res[kind]
        out.append(f"| {kind} | {r['before'] / MiB:.0f} | {r['peak'] / MiB:.0f} | {(r['peak'] - r['before']) / MiB:.0f} | |")
    d = {k: r["peak"] - r["before"] for k, r in res.items()}
    out.append(f"| **ratio** | | | | **{d['physix'] / d['stock']:.2f}x** |")
    return out


# ------------------------------------------------------------------------------------------------------------ main
def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=1,
                   help="torch.set_num_threads for everything (workers included); see the docstring for why 1")
    p.add_argument("--device", default="auto", help="auto (cuda if available), cpu or cuda")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--vocab", type=int, default=64_000)
    p.add_argument("--d-model", type=int, default=256)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--heads", type=int, default=8)
    p.add_argument("--kv-heads", type=int, default=4)
    p.add_argument("--ffn", type=int, default=688, help="PhysiX SwiGLU hidden size (~8/3 d_model)")
    p.add_argument("--frame", type=int, default=16, help="latent frame side: frames are FRAME x FRAME tokens")
    p.add_argument("--context-frames", type=int, default=3)
    p.add_argument("--gen-batches", type=int, nargs="+", default=[1])
    p.add_argument("--nocache-tokens", type=int, default=32,
                   help="time the no-cache generation over its first K steps (0 or >= frame tokens: all)")
    p.add_argument("--no-reference", action="store_true",
                   help="skip the reference no-cache loop that computes only the last position's logits")
    p.add_argument("--gen-repeats", type=int, default=3, help="timed cached generations per batch size")
    p.add_argument("--nocache-repeats", type=int, default=2, help="timed no-cache generations per batch size")
    p.add_argument("--train-batch", type=int, default=2)
    p.add_argument("--train-frames", type=int, default=4)
    p.add_argument("--train-warmup", type=int, default=1)
    p.add_argument("--train-repeats", type=int, default=7)
    p.add_argument("--no-blocks-only", action="store_true", help="skip the blocks-only training comparison")
    p.add_argument("--mem-steps", type=int, default=2)
    p.add_argument("--no-memory", action="store_true")
    p.add_argument("--skip-generation", action="store_true")
    p.add_argument("--skip-training", action="store_true")
    p.add_argument("--_mem-worker", default=None, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.device == "auto": args.device = "cuda" if torch.cuda.is_available() else "cpu"
    if args._mem_worker: return mem_worker(args)

    start = time.perf_counter()
    torch.set_num_threads(args.threads)
    try: torch.set_num_interop_threads(1)
    except RuntimeError: pass
    device = torch.device(args.device)
    cfg = model_config(args)
    ffn = matched_ffn(cfg)
    print(f"# physix.ar benchmark\n\ntorch {torch.__version__}, python {platform.python_version()}, device {device}, "
          f"{os.cpu_count()} cores ({platform.processor() or platform.machine()}); torch.set_num_threads({args.threads}) "
          f"-> {torch.get_num_threads()} intra-op, {torch.get_num_interop_threads()} inter-op threads; "
          f"load average at start {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)

    phys_block = physix_block_params(cfg)
    stock_blk = n_params(stock_layer(cfg, ffn))
    print(f"\nparameters per block: PhysiX {phys_block:,} (SwiGLU {cfg.ffn_hidden}, GQA {cfg.n_heads}/{cfg.n_kv_heads}) "
          f"vs stock TransformerEncoderLayer {stock_blk:,} (dim_feedforward {ffn}, chosen to match)", flush=True)

    lines = []
    if not args.skip_generation:
        lines += bench_generation(args, cfg, device)
        print("\n".join(lines), flush=True)
    if not args.skip_training:
        t = bench_training(args, cfg, ffn, device)
        print("\n".join(t), flush=True)
        lines += t
        if not args.no_memory:
            m = bench_memory(args)
            print("\n".join(m), flush=True)
    print(f"\ntotal {time.perf_counter() - start:.0f} s; load average at the end "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
