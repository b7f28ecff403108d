"""Tokenizer rate-distortion on the mini-Well test split after a fixed CPU training budget.

    python bench/bench_tokenizers.py [--minutes 2] [--root WELL_ROOT] [--no-second-fsq] [--threads 1]

What it does
1. Data. Two small mini-Well datasets generated with physix's own solvers (into a temporary Well root, or into /
   reused from `--root`): gray_scott_reaction_diffusion at 32^2 (one file per regime, 6 regimes, `--gs-traj`
   trajectories each) and shear_flow at 32x64 (`--shear-traj` trajectories), `--n-steps` frames per trajectory,
   split 80/10/10 by trajectory. With the defaults that is 12 + 12 training trajectories, i.e. 240 + 240 training
   clips of 5 frames (every start time).
2. Training, each tokenizer for the same wall-clock budget `--minutes` through `physix.train.fit`
   (`max_minutes=--minutes`, `max_steps=--max-steps` only as a cap that is never reached), on balanced batches of
   5-frame clips of both datasets, in this process on the CPU:
   * fsq-tiny: the PhysiX universal FSQ tokenizer, `TokenizerConfig()` (the CPU-sized default: 16 channels,
     multipliers (1, 2, 2)): 4x space, 2x time, FSQ levels [8,8,8,5,5,5] = 64,000 codes; z-score normalisation.
   * fsq-2x (unless `--no-second-fsq`): the same with multipliers (1, 2), i.e. one downsampling level fewer
     (so also fewer parameters): 2x space, 2x time, the same FSQ levels.
     Both FSQ runs use the PhysiX recipe of `physix train tokenizer --kind fsq`: AdamW, lr 1e-3, betas
     (0.9, 0.95), weight decay 1e-5, gradient clipping 10, cosine schedule with a short warmup. The cosine runs
     over the step cap, so within the time budget the learning rate stays (almost) at its peak.
   * continuous: the tokeniser-pretraining paper's "MAGVIT-simple", `ContinuousTokenizerConfig.tiny()` (widths
     8, 8, 16; 8 latent channels; depth factors (1,2) | {1,2}x{1,2} | {1,2}x{1,2}), trained with its
     `pretraining_train_config` (SOAP, constant lr 1e-3, clipping 0.5), sampling one factor pair per depth per
     step. SOAP's preconditioner updates make its steps dearer than AdamW's, but this model is much smaller than
     the FSQ ones, so the step counts in the table are what each could do in the same time.
   All runs use the same `--batch-size` (default 4 clips). The "steps" column is the number of optimiser steps
   done within the budget (the final validation and checkpoint are outside it).
3. Evaluation on the TEST split, in physical units (no normalisation: the FSQ tokenizer undoes its stored
   z-score, the continuous one its per-sample RMS scale). Clips are the non-overlapping 5-frame windows of each
   test trajectory (start times 0, 5, 10, ...). For each clip, `the_well.benchmark.metrics.VRMSE` (the Well's own
   metric: RMSE over the spatial grid divided by the target's spatial standard deviation, per frame and channel)
   is computed on the reconstruction; the table gives its mean over frames, non-constant channels and clips.
   VRMSE divides by each frame's spatial standard deviation, so nearly uniform frames (some Gray-Scott B
   frames and shear-flow pressure frames have a spatial std of ~1e-4) weigh heavily in the mean and can push it
   above 1 (worse than predicting each frame's spatial mean); the notes under the table also give per-channel
   means and the median over (clip, frame, channel).
   The FSQ tokenizers are evaluated at their one compression; the continuous tokenizer (ONE set of weights) at
   EVERY allowed combination of per-depth (time, space) factors -- several combinations reach the same total
   compression, and the table lists each one.
4. Rate, per input pixel-frame (one (t, x, y) position, all fields together):
   * FSQ: bits = log2(codebook size) x latent positions / input positions, e.g. 5-frame 32^2 clips at 2x time,
     4x space -> 3x8x8 ids -> 15.97 x 192 / 5120 = 0.60 bits per pixel-frame. These are the raw index bits; no
     entropy coding.
   * continuous: floats = latent channels x latent positions / input positions (the per-sample RMS scale, one
     float per field and clip, is side information not counted).
   Causal tokenizers encode the first frame alone, so the rate depends on the clip length (5 frames here).
   Bits and floats are different units: a float is 32 (fp32) or 16 (bf16) bits unless it is itself quantised,
   so the rate column orders each tokenizer's own settings, not FSQ against continuous. Under the table, the FSQ
   codebook use on the test ids (fraction of codes used, perplexity) shows how many of the nominal bits per id
   the trained tokenizer actually spends.
5. Throughput: input frames per second of `encode_fields` and of `decode_fields` (physical units in and out,
   normalisation included), over all test clips of both datasets in batches of `--eval-batch` (a shear_flow
   frame has twice the pixels of a Gray-Scott one): the fastest of `--repeats` timed passes, after the untimed
   VRMSE pass has warmed up every batch shape.

Threads. Everything (training and timing) runs with `torch.set_num_threads(--threads)`, default 1. On this 2-core
machine shared with other jobs, 2 OpenMP threads stall at every op's barrier whenever one core is taken: the
tiny models' encode/decode then ran up to ~50x slower for seconds at a time (measured while writing this), while
1 thread was steady and only ~1.4x slower than 2 threads on an idle machine. Pass `--threads 2` on a quiet machine.

The numbers come from a few CPU minutes of training tiny models on tiny data: they compare the two tokenizers and
their compressions under the same budget on this machine; they are NOT the papers' numbers (days of GPU training
at Cosmos / paper widths and full-resolution Well data). On a shared machine, other load slows training (fewer
steps in the budget) and throughput alike; each training line prints the cores this process actually got and the
load average, to tell a slow tokenizer from a busy machine.
"""
import argparse
import json
import math
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import torch
from the_well.benchmark.metrics import VRMSE

from physix.continuous_tokenizer import (ContinuousTokenizerConfig, ContinuousTokenizerStage,
                                         ContinuousTokenizerStageConfig, pretraining_train_config)
from physix.data import WellWindows
from physix.nn.causal import total_compression
from physix.sims.generate import make_dataset
from physix.tokenizer import TokenizerConfig, TokenizerStage, TokenizerStageConfig, count_parameters, load
from physix.train import TrainConfig, fit
from physix.wellformat import dataset_dir

DATASETS = ("gray_scott_reaction_diffusion", "shear_flow")
SHORT = {"gray_scott_reaction_diffusion": "gray_scott", "shear_flow": "shear_flow"}
N_FRAMES = 5  # clip length: 1 + k x 4, the largest time compression of any tokenizer here


def prepare_data(root: Path, args) -> None:
    "Generate the two datasets under `root` unless they are already there."
    for name, n_traj in (("gray_scott_reaction_diffusion", args.gs_traj), ("shear_flow", args.shear_traj)):
        path = dataset_dir(root, name)
        if path.exists():
            print(f"data: reusing {path}", flush=True)
            continue
        start = time.perf_counter()
        make_dataset(name, root, resolution=args.resolution, n_traj=n_traj, n_steps=args.n_steps, seed=args.seed,
                     progress=False)
        print(f"data: generated {name} ({n_traj} trajectories per file x {args.n_steps} frames) in "
              f"{time.perf_counter() - start:.0f} s", flush=True)


def fsq_train_config(run_dir, args) -> TrainConfig:
    "The PhysiX tokenizer recipe (as `physix train tokenizer --kind fsq`), bounded by the time budget."
    return TrainConfig(run_dir=str(run_dir), max_steps=args.max_steps, max_minutes=args.minutes, batch_size=args.batch_size,
                       lr=1e-3, betas=(0.9, 0.95), weight_decay=1e-5, schedule="cosine", warmup=20, grad_clip=10.0,
                       val_metric="mean_dataset_loss", progress=False, device="cpu", seed=args.seed, log_every=10)


def continuous_train_config(run_dir, args) -> TrainConfig:
    "The tokeniser-pretraining paper's recipe, bounded by the time budget."
    return pretraining_train_config(str(run_dir), max_steps=args.max_steps, max_minutes=args.minutes,
                                    batch_size=args.batch_size, progress=False, device="cpu", seed=args.seed, log_every=10)


def train(name: str, stage, cfg: TrainConfig) -> dict:
    "Fit `stage`; return the loaded tokenizer and what the run did."
    print(f"train {name}: {count_parameters(stage.architecture()):,} parameters, budget {cfg.max_minutes} min ...", flush=True)
    start, cpu = time.perf_counter(), time.process_time()
    run_dir = fit(stage, cfg)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    steps = json.loads((run_dir / "checkpoints" / "latest.json").read_text())["step"]
    records = [json.loads(l) for l in (run_dir / "log.jsonl").read_text().splitlines() if l.strip()]
    train_loss = next((r["loss"] for r in reversed(records) if "loss" in r and "val_loss" not in r), float("nan"))
    val_loss = next((r["val_mean_dataset_loss"] for r in reversed(records) if "val_mean_dataset_loss" in r), float("nan"))
    rate = [r["samples_per_s"] for r in records if "samples_per_s" in r]
    print(f"train {name}: {steps} steps in {wall:.0f} s wall (incl. set-up, validation, checkpoint); last train loss "
          f"{train_loss:.4g}, val loss {val_loss:.4g} (normalised units); this process used {cpu / wall:.2f} cores on average, "
          f"machine load average now {os.getloadavg()[0]:.1f}", flush=True)
    return dict(model=load(run_dir), steps=steps, train_loss=train_loss, val_loss=val_loss,
                samples_per_s=sum(rate) / len(rate) if rate else float("nan"))


def test_clips(root: Path, name: str, max_clips: int | None):
    "Non-overlapping physical-unit test clips `[N, C, T, H, W]`, the non-constant channel mask and the Well metadata."
    windows = WellWindows(dataset_dir(root, name), "test", n_in=N_FRAMES, n_out=0, normalization=None, mode="train")
    picks = [i for i in range(len(windows)) if windows.locate(i)[2] % N_FRAMES == 0][:max_clips]
    fields = torch.stack([windows[i]["fields"] for i in picks])
    return fields, ~windows.constant_mask, windows.well.metadata


@torch.no_grad()
def evaluate(model, data: dict, factors, batch: int, repeats: int) -> dict:
    """VRMSE per dataset (first pass, untimed: it also warms up every batch shape), then `repeats` timed passes of
    encode and decode over all datasets' clips; the fastest pass counts (the least disturbed by other load)."""
    out = dict(vrmse={}, latent={}, per_channel={})
    for name, (fields, varying, meta) in data.items():
        scores, ids = [], []
        for i in range(0, len(fields), batch):
            x = fields[i:i + batch]
            latents, scale = model.encode_fields(x, name, factors)
            recon = model.decode_fields(latents, name, scale, factors=factors)
            if recon.shape != x.shape: raise RuntimeError(f"{name}: reconstruction {tuple(recon.shape)} != input {tuple(x.shape)}")
            # the Well's metric wants channels last: [B, T, H, W, C] -> VRMSE [B, T, C]
            v = VRMSE.eval(recon.permute(0, 2, 3, 4, 1).double(), x.permute(0, 2, 3, 4, 1).double(), meta)
            scores.append(v[..., varying])
            if not latents.is_floating_point(): ids.append(latents.flatten())
        scores = torch.cat(scores)  # [clips, T, varying channels]
        if ids: out.setdefault("usage", {})[name] = model.fsq.codebook_usage(torch.cat(ids))
        out["vrmse"][name] = scores.mean().item()
        out["per_channel"][name] = scores.mean(dim=(0, 1)).tolist()
        out.setdefault("median", {})[name] = scores.median().item()
        out["latent"][name] = (tuple(latents.shape[1:]), tuple(x.shape[2:]))
    enc, dec = [], []
    for _ in range(repeats):
        e = d = 0.0
        for name, (fields, _, _) in data.items():
            for i in range(0, len(fields), batch):
                x = fields[i:i + batch]
                t0 = time.perf_counter()
                latents, scale = model.encode_fields(x, name, factors)
                t1 = time.perf_counter()
                model.decode_fields(latents, name, scale, factors=factors)
                t2 = time.perf_counter()
                e, d = e + t1 - t0, d + t2 - t1
        enc.append(e); dec.append(d)
    out["frames"] = sum(f.shape[0] * f.shape[2] for f, _, _ in data.values())
    out["enc_s"], out["dec_s"] = min(enc), min(dec)
    return out


def fsq_rate(model, ev) -> float:
    "Bits per input pixel-frame (the same for every dataset; checked)."
    bits = math.log2(model.fsq.codebook_size)
    rates = {bits * math.prod(lat) / math.prod(inp) for lat, inp in ev["latent"].values()}
    if len(rates) != 1: print(f"note: FSQ rate differs between datasets: {rates}")
    return max(rates)


def continuous_rate(ev) -> float:
    "Floats per input pixel-frame (latent shape is [C_z, t, h, w])."
    rates = {math.prod(lat) / math.prod(inp) for lat, inp in ev["latent"].values()}
    if len(rates) != 1: print(f"note: continuous rate differs between datasets: {rates}")
    return max(rates)


def trained_codebook(name, trained) -> int: return trained[name]["model"].fsq.codebook_size


def row(name, comp, rate, ev, steps):
    fps = lambda s: ev["frames"] / s if s > 0 else float("inf")
    v = ev["vrmse"]
    return (f"| {name} | {comp} | {rate} | {v['gray_scott_reaction_diffusion']:.4f} | {v['shear_flow']:.4f} | "
            f"{fps(ev['enc_s']):,.0f} | {fps(ev['dec_s']):,.0f} | {steps} |")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--minutes", type=float, default=2.0, help="training budget per tokenizer, wall-clock minutes")
    p.add_argument("--root", help="Well root to reuse (datasets missing there are generated into it); default: a temp dir")
    p.add_argument("--runs", help="where the training runs go (kept); default: a temp dir, deleted afterwards")
    p.add_argument("--no-second-fsq", action="store_true", help="skip the 2x-space FSQ tokenizer")
    p.add_argument("--resolution", type=int, default=32)
    p.add_argument("--gs-traj", type=int, default=4, help="Gray-Scott trajectories per regime file (6 files)")
    p.add_argument("--shear-traj", type=int, default=16, help="shear-flow trajectories")
    p.add_argument("--n-steps", type=int, default=24, help="frames per trajectory")
    p.add_argument("--batch-size", type=int, default=4)
    p.add_argument("--max-steps", type=int, default=100_000, help="step cap (the time budget ends training first)")
    p.add_argument("--eval-batch", type=int, default=8)
    p.add_argument("--max-test-clips", type=int, default=None, help="per dataset (default: all non-overlapping clips)")
    p.add_argument("--repeats", type=int, default=3, help="timed encode/decode passes (the fastest counts)")
    p.add_argument("--threads", type=int, default=1,
                   help="torch threads for training and timing (default 1: see the docstring on shared machines)")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    began = time.perf_counter()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, CPU; budget {args.minutes} min per tokenizer",
          flush=True)

    tmp = Path(tempfile.mkdtemp(prefix="bench_tokenizers_"))
    try:
        root = Path(args.root) if args.root else tmp / "well"
        runs = Path(args.runs) if args.runs else tmp / "runs"
        if args.runs and runs.exists() and any(runs.iterdir()):
            sys.exit(f"{runs} is not empty; pass an empty or new directory to --runs")
        prepare_data(root, args)

        # --- train --------------------------------------------------------------------------------------------
        fsq_configs = {"fsq-tiny": TokenizerConfig(datasets=DATASETS)}
        if not args.no_second_fsq: fsq_configs["fsq-2x"] = TokenizerConfig(datasets=DATASETS, multipliers=(1, 2))
        trained = {}
        for name, tok_cfg in fsq_configs.items():
            stage = TokenizerStage(TokenizerStageConfig(root=str(root), n_frames=N_FRAMES, tokenizer=tok_cfg))
            trained[name] = train(name, stage, fsq_train_config(runs / name, args))
        cont_cfg = ContinuousTokenizerConfig.tiny()
        stage = ContinuousTokenizerStage(ContinuousTokenizerStageConfig(root=str(root), datasets=DATASETS, n_frames=N_FRAMES,
                                                                        tokenizer=cont_cfg))
        trained["continuous"] = train("continuous", stage, continuous_train_config(runs / "continuous", args))

        # --- evaluate -----------------------------------------------------------------------------------------
        data = {name: test_clips(root, name, args.max_test_clips) for name in DATASETS}
        print("test clips: " + ", ".join(f"{SHORT[n]} {tuple(f.shape)}" for n, (f, _, _) in data.items()), flush=True)
        rows, notes = [], []
        for name in fsq_configs:
            model = trained[name]["model"]
            ev = evaluate(model, data, None, args.eval_batch, args.repeats)
            c = model.cfg
            rows.append(row(name, f"{c.time_compression}x{c.space_compression}x{c.space_compression}",
                            f"{fsq_rate(model, ev):.3f} bits", ev, trained[name]["steps"]))
            notes.append((name, ev))
        model = trained["continuous"]["model"]
        results = []
        for factors in cont_cfg.allowed_factors:
            ev = evaluate(model, data, factors, args.eval_batch, args.repeats)
            t_c, s_c = total_compression(factors)
            results.append(((-continuous_rate(ev), str(factors)), factors, t_c, s_c, ev))
        for _, factors, t_c, s_c, ev in sorted(results, key=lambda r: r[0]):
            label = "continuous " + " ".join(f"({t},{s})" for t, s in factors)
            rows.append(row(label, f"{t_c}x{s_c}x{s_c}", f"{continuous_rate(ev):.3f} floats", ev, trained["continuous"]["steps"]))
            notes.append((label, ev))

        # --- report -------------------------------------------------------------------------------------------
        print()
        print(f"Reconstruction on the mini-Well test split after {args.minutes} CPU minutes of training per tokenizer "
              f"(5-frame clips; VRMSE: the Well's metric in physical units, mean over frames, channels and clips; "
              f"rate per input pixel-frame; frames/s over both datasets' test clips)")
        print()
        print("| tokenizer | compression (t x s x s) | rate per pixel-frame | VRMSE gray_scott | VRMSE shear_flow | "
              "encode frames/s | decode frames/s | training steps |")
        print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for r in rows: print(r)
        print()
        print("continuous factors are (time, space) per depth; depth 1 is always (1,2).")
        print("training: " + "; ".join(f"{n} {t['steps']} steps, {t['samples_per_s']:.1f} clips/s, val loss {t['val_loss']:.4g}"
                                       for n, t in trained.items()))
        print("VRMSE per channel (gray_scott: A, B | shear_flow: tracer, pressure, velocity_x, velocity_y), and the median "
              "over all (clip, frame, channel) values (gray_scott | shear_flow):")
        for label, ev in notes:
            pc, med = ev["per_channel"], ev["median"]
            print(f"  {label}: " + " | ".join(" ".join(f"{v:.3f}" for v in pc[d]) for d in DATASETS)
                  + "   median " + " | ".join(f"{med[d]:.3f}" for d in DATASETS))
        for label, ev in notes:
            if "usage" in ev:
                print(f"{label} codebook use on the test ids: " + "; ".join(
                    f"{SHORT[d]} {u['fraction_used']:.2%} of codes, perplexity {u['perplexity']:.0f} "
                    f"(= {math.log2(u['perplexity']):.1f} of {math.log2(trained_codebook(label, trained)):.1f} bits per id)"
                    for d, u in ev["usage"].items()))
        print(f"total wall time {time.perf_counter() - began:.0f} s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
