"""Training-engine overhead and DDP throughput: physix.train measured side by side in one run.

    python bench/bench_engine.py [--steps 300] [--repeats 7] [--threads 1] [--ddp-steps 120]

1. Engine overhead. For each regression model size, the same training is run three ways in this process, each
   `--repeats` times (the variants take turns inside every repeat, so drift hits them alike), and the median
   milliseconds per optimiser step are reported:

   * bare    -- a hand-written loop: `RegressionStage(cfg).build_model()` seeded like the engine, AdamW with
                the engine's lr/betas/weight_decay, the engine's batches (the same seeded per-epoch shuffle, cut
                into the same global batches) taken by tensor indexing, forward + MSE, backward,
                `optimizer.step()`, `zero_grad(set_to_none=True)`, `loss.item()`, and a JSON line appended to a
                log file every `--log-every` steps (the engine's logging cadence, so logging costs the same).
   * bare+DL -- the bare loop fed by a DataLoader built like the engine's (per-sample `dataset[i]` plus
                `default_collate`): it tells how much of the engine's overhead is its data path.
   * engine  -- `fit(stage, TrainConfig(...))`, progress=False, the same `--log-every`.

   How the engine's steps are timed (setup, final validation and final checkpoint excluded). The stage is
   the regression stage with one addition: its `loss` appends `time.perf_counter()` when called in training
   mode, i.e. at the start of every step's forward. With W warm-up steps, the time between the marks of step
   W+1 and step W+N+1 is exactly N whole engine steps, including everything the engine does between two
   forwards (batch fetch and collate, `train_step`'s bookkeeping, scheduler, log records, progress bar),
   but nothing before the first or after the last step. The hook costs well under a microsecond per step.
   The bare loops are timed the same way: W untimed warm-up steps, then N timed steps.
   As a cross-check that does not touch the stage at all, the table also gives the "black-box" figure
   (wall time of `fit` with W+N+1 steps - wall time of `fit` with W+1 steps) / N: set-up, final validation
   and final checkpoint are identical in both runs and cancel, but their jitter does not, so it is noisier.
   The log records' own `samples_per_s` are NOT used here: they time only `train_step` (not the batch fetch)
   and exist only every `log_every` steps.

   engine/bare is the ratio of the medians (goal: <= 1.05).

2. DDP throughput on this machine: `launch(..., nproc=2)` with batch B per rank against `launch(..., nproc=1)`
   with batch 2B (the same global batch), each worker's thread count set through OMP_NUM_THREADS. The figure
   is the median of the log records' `samples_per_s` (log_every=1) after `--ddp-warmup` steps. 1 process is
   measured both with 1 thread and with all cores' worth of threads, so 2 x 1 thread can be compared with
   1 process using the same number of cores. Launch wall time (torchrun start-up included) is shown too.

Everything in this process runs with `torch.set_num_threads(--threads)` on the CPU; run directories are
temporary and deleted afterwards.
"""
import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch
from torch import nn

from physix.core import PhysixError
from physix.train import RegressionConfig, RegressionStage, TrainConfig, fit, launch

MODELS = {  # name: (stage config, batch size)
    "tiny": RegressionConfig(dim=8, hidden=32, n_samples=4096),
    "medium": RegressionConfig(dim=64, hidden=512, n_samples=4096),
    "large": RegressionConfig(dim=256, hidden=1024, n_samples=4096),
}


class TimedRegressionStage(RegressionStage):
    "The regression stage, noting the time at the start of every training forward (i.e. of every step)."

    def __init__(self, config=None):
        super().__init__(config)
        self.marks = []

    def loss(self, model, batch):
        if model.training: self.marks.append(time.perf_counter())
        return super().loss(model, batch)


def train_cfg(run_dir, steps, args, **kw) -> TrainConfig:
    return TrainConfig(run_dir=str(run_dir), max_steps=steps, batch_size=kw.pop("batch_size", args.batch), lr=args.lr,
                       log_every=kw.pop("log_every", args.log_every), progress=False, device=kw.pop("device", "cpu"),
                       seed=0, **kw)


def engine_run(cfg: RegressionConfig, args, tmp: Path) -> tuple[float, float]:
    "Seconds per step of `fit`: (from the loss-hook marks, from the wall time of fit(W+N+1) - fit(W+1))."
    W, N = args.warmup, args.steps
    walls = {}
    for steps in (W + N + 1, W + 1):
        stage = TimedRegressionStage(cfg)
        run_dir = Path(tempfile.mkdtemp(dir=tmp))
        t0 = time.perf_counter()
        fit(stage, train_cfg(run_dir, steps, args))
        walls[steps] = time.perf_counter() - t0
        if steps == W + N + 1: marks = stage.marks
        shutil.rmtree(run_dir)
    assert len(marks) == W + N + 1, len(marks)
    return (marks[W + N] - marks[W]) / N, (walls[W + N + 1] - walls[W + 1]) / N


def bare_run(cfg: RegressionConfig, args, tmp: Path, dataloader: bool) -> float:
    "Seconds per step of a hand-written loop over the engine's batches (tensor indexing, or a DataLoader like the engine's)."
    W, N, B, tc = args.warmup, args.steps, args.batch, train_cfg(tmp, 1, args)
    stage = RegressionStage(cfg)
    data = stage.train_dataset()
    x, y = data.tensors
    torch.manual_seed(tc.seed)  # the engine seeds the same way before building the model
    model = stage.build_model()
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=tc.lr, betas=tc.betas, weight_decay=tc.weight_decay)
    log = tmp / f"bare-{os.getpid()}-{time.monotonic_ns()}.jsonl"

    def batches():
        epoch = 0
        while True:
            g = torch.Generator().manual_seed(tc.seed * 1_000_003 + epoch)  # as Stage.global_batches
            order = torch.randperm(len(data), generator=g)
            if dataloader:
                sampler = [order[i:i + B].tolist() for i in range(0, len(order) - B + 1, B)]
                yield from torch.utils.data.DataLoader(data, batch_sampler=sampler, generator=torch.Generator().manual_seed(epoch))
            else:
                for i in range(0, len(order) - B + 1, B):
                    idx = order[i:i + B]
                    yield x[idx], y[idx]
            epoch += 1

    it = batches()
    for step in range(1, W + N + 2):
        if step == W + 1: t0 = time.perf_counter()
        if step == W + N + 1: seconds = time.perf_counter() - t0; break
        xb, yb = next(it)
        loss = nn.functional.mse_loss(model(xb), yb)
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        value = loss.item()
        if step % args.log_every == 0:
            with open(log, "a") as f: f.write(json.dumps({"step": step, "loss": value}) + "\n")
    log.unlink(missing_ok=True)
    return seconds / N


def overhead_table(args, tmp: Path):
    print(f"\n## Engine overhead: ms per optimiser step, median of {args.repeats} (batch {args.batch}, "
          f"{args.steps} timed steps after {args.warmup} warm-up, log_every={args.log_every}, AdamW lr={args.lr}, "
          f"{torch.get_num_threads()} thread(s))\n")
    print("| model (dim/hidden) | params | bare | bare+DL | engine | engine (fit diff) | engine/bare | engine/(bare+DL) | goal <= 1.05 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |")
    for name in args.models:
        cfg = MODELS[name]
        params = sum(p.numel() for p in RegressionStage(cfg).build_model().parameters())
        runs = {"bare": [], "bare+DL": [], "engine": [], "diff": []}
        variants = ["bare", "bare+DL", "engine"]
        for r in range(args.repeats):
            for v in variants[r % 3:] + variants[:r % 3]:  # rotate the order so drift is shared
                if v == "engine":
                    hook, diff = engine_run(cfg, args, tmp)
                    runs["engine"].append(hook); runs["diff"].append(diff)
                else: runs[v].append(bare_run(cfg, args, tmp, dataloader=(v == "bare+DL")))
        med = {k: statistics.median(v) * 1e3 for k, v in runs.items()}
        ratio = med["engine"] / med["bare"]
        print(f"| {name} ({cfg.dim}/{cfg.hidden}) | {params:,} | {med['bare']:.3f} | {med['bare+DL']:.3f} | "
              f"{med['engine']:.3f} | {med['diff']:.3f} | {ratio:.3f} | {med['engine'] / med['bare+DL']:.3f} | "
              f"{'yes' if ratio <= 1.05 else 'no'} |", flush=True)
        if args.verbose:
            for k, v in runs.items(): print(f"<!-- {name} {k}: {' '.join(f'{s * 1e3:.3f}' for s in v)} ms -->")


def ddp_run(cfg: RegressionConfig, args, tmp: Path, nproc: int, threads: int, batch: int) -> tuple[float, float, int]:
    "(median samples/s of the log records after warm-up, wall seconds of launch, records used)."
    run_dir = Path(tempfile.mkdtemp(dir=tmp)) / "run"
    lines = []
    t0 = time.perf_counter()
    try:
        launch(RegressionStage(cfg), train_cfg(run_dir, args.ddp_steps, args, batch_size=batch, log_every=1),
               nproc=nproc, echo=lines.append, env={"OMP_NUM_THREADS": str(threads)})
    except PhysixError:
        print("\n".join(lines), file=sys.stderr)
        raise
    wall = time.perf_counter() - t0
    records = [json.loads(l) for l in (run_dir / "log.jsonl").read_text().splitlines() if l.strip()]
    start = next(r for r in records if r.get("event") == "start")
    assert start["world_size"] == nproc and start["global_batch"] == nproc * batch, start
    rates = [r["samples_per_s"] for r in records if "samples_per_s" in r and r["step"] > args.ddp_warmup]
    shutil.rmtree(run_dir.parent)
    return statistics.median(rates), wall, len(rates)


def ddp_table(args, tmp: Path):
    cfg, B, cores = MODELS[args.ddp_model], args.batch, os.cpu_count()
    print(f"\n## DDP on {cores} cores: {args.ddp_model} model ({cfg.dim}/{cfg.hidden}), global batch {2 * B}, "
          f"{args.ddp_steps} steps, median samples/s of log records after step {args.ddp_warmup} (they time train_step only, "
          f"not the batch fetch); worker threads set by OMP_NUM_THREADS\n")
    print("| processes x threads (OMP_NUM_THREADS) | batch per rank | samples/s | vs 1 x 1 | vs 1 x {c} | launch wall s |".format(c=cores))
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    setups = [(1, 1, 2 * B), (1, cores, 2 * B), (2, 1, B)]
    if cores >= 2 * 2: setups.append((2, cores // 2, B))
    results = {}
    for nproc, threads, batch in setups:
        results[nproc, threads] = ddp_run(cfg, args, tmp, nproc, threads, batch)
    base1, basec = results[1, 1][0], results[1, cores][0]
    for (nproc, threads, batch) in setups:
        rate, wall, n = results[nproc, threads]
        print(f"| {nproc} x {threads} | {batch} | {rate:,.0f} | {rate / base1:.2f} | {rate / basec:.2f} | {wall:.1f} |", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--steps", type=int, default=300, help="timed optimiser steps per overhead measurement")
    p.add_argument("--repeats", type=int, default=7, help="repeats of each overhead measurement (median reported)")
    p.add_argument("--warmup", type=int, default=20, help="untimed steps before the timed ones")
    p.add_argument("--batch", type=int, default=64, help="batch size (per rank for DDP x 2; 1 process gets twice)")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--log-every", type=int, default=100, help="the engine's log_every, and the bare loop's log cadence")
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads for everything in this process")
    p.add_argument("--models", nargs="*", default=list(MODELS), choices=list(MODELS))
    p.add_argument("--ddp-model", default="large", choices=list(MODELS))
    p.add_argument("--ddp-steps", type=int, default=120)
    p.add_argument("--ddp-warmup", type=int, default=10)
    p.add_argument("--no-ddp", action="store_true")
    p.add_argument("--verbose", action="store_true", help="also print every repeat's figure")
    args = p.parse_args()
    if args.steps < 1 or args.repeats < 1 or args.ddp_steps <= args.ddp_warmup: p.error("need steps, repeats >= 1 and ddp-steps > ddp-warmup")
    torch.set_num_threads(args.threads)
    start = time.perf_counter()
    print(f"torch {torch.__version__}, {os.cpu_count()} cores, torch.set_num_threads({args.threads}) in this process "
          f"(now {torch.get_num_threads()}); load average {os.getloadavg()[0]:.2f} at start")
    with tempfile.TemporaryDirectory(prefix="bench_engine_") as tmp:
        overhead_table(args, Path(tmp))
        if not args.no_ddp: ddp_table(args, Path(tmp))
    print(f"\ntotal {time.perf_counter() - start:.0f} s; load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
