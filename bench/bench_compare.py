"""physix's headline benchmark: the universal PhysiX against the Well's baselines at equal CPU compute, over seeds.

    python bench/bench_compare.py [--minutes 1] [--seeds 1] [--resolution 64] [--n-traj 8] [--n-steps 40]
        [--datasets gray_scott_reaction_diffusion,shear_flow,euler_multi_quadrants_periodicBC]
        [--baselines fno,tfno,unet,cnextunet] [--physix universal[,single]] [--gs-regimes gliders,...]
        [--pretrain-minutes 0] [--pretrain-datasets a,b]
        [--test-fraction 0.25] [--valid-fraction 0.125] [--root DIR] [--out DIR] [--threads 1] [--overwrite]

What it does
1. Data. Generates mini-Well datasets with physix's own solvers (`physix.sims.generate.make_dataset`) at
   `--resolution` (shear_flow at resolution x 2*resolution), `--n-traj` trajectories of `--n-steps` frames per
   file, or reuses what is already under `--root` (checked: resolution and at least 5 + 26 frames). Gray-Scott
   writes one file per (F, k) regime; `--gs-regimes` restricts it to a subset (in this process only). Half or more
   of the gliders and spirals trajectories decay to the uniform state at 64^2 within 40 frames, and their near-zero
   variance makes VRMSE explode, so `--gs-regimes bubbles,maze,worms` gives a readable Gray-Scott row. Every file is
   split into train/valid/test by `--valid-fraction` / `--test-fraction`.
2. Training and scoring, once per training seed 0..`--seeds`-1 (initialisation and data order; the data and the
   evaluation windows are the same for every seed): `physix.compare.compare`, i.e.
   - the universal PhysiX, ONE tokenizer + ONE AR model for all datasets (balanced sampling) and one refiner per
     dataset, trained with `--minutes` x n_datasets of wall-clock in all (tokenizer 50%, AR 30%, refiners 20%;
     data preparation counts; every schedule runs over its stage's budget);
   - each Well baseline (`the_well.benchmark.models`) once per dataset with `--minutes`: a quarter of it sweeps the
     Well's learning-rate grid (short runs, validated), the rest trains with the best learning rate, validated
     periodically, best checkpoint kept;
   - persistence (the last context frame repeated) as a floor.
   Every test trajectory is rolled out from t = 0 (5 context frames; the baselines use their last 4) for 26 frames.
3. Tables. Per seed: training done, VRMSE (the Well's definition, horizons 1, 2:8, 9:26 and one-step on random
   windows, 95% CI over test trajectories; cells not below persistence marked), PhysiX's error budget at lead time 1
   (tokenizer reconstruction, teacher-forced AR, AR rollout, refined rollout). Over seeds: mean VRMSE [min, max];
   the ratio PhysiX / best baseline (the baseline with the lowest VRMSE averaged over seeds) per seed and of the
   means, with a two-sided paired t-test over every (seed, test trajectory) pair; the issue's goal is a ratio below
   0.8 at 9:26, significant at 5%, on at least 2 of 3 datasets. The script reports whatever comes out.
   With `--pretrain-minutes P` the whole comparison runs twice: from scratch, and with the universal tokenizer and AR
   model pretrained ONCE (P minutes on `--pretrain-datasets`, default the compared ones; a one-off cost reported, not
   counted) and fine-tuned within the same equal budget (`physix compare --pretrained`). Both are reported, labelled;
   the baselines are trained once (with the scratch protocol) and serve both. A seed whose comparison is already in
   `--out` is reused (not retrained) unless `--overwrite`, so the pretrained protocol can be added to a finished run.
4. Speed. Rollout frames/s of seed 0's models beside the solver that made the data, at the same resolution.

What the numbers mean -- and do not
A CPU budget of minutes per model, orders of magnitude below the papers' (GPUs for hours to days on the full Well
at 128^2-512^2), on small self-generated stand-ins for the Well datasets, with tiny models. The ranking can differ
from the paper's; the tables say how each method does with the same few CPU minutes. Budgets are wall-clock, so a
busy machine changes every method's number of steps: run it on a quiet machine (load printed at start and end).
Threads: one intra-op thread by default (on this 2-core machine, with another process holding a core, 2 threads
ran 20-100x slower); `--threads 0` keeps torch's default.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import platform
import sys
import time
from datetime import datetime
from pathlib import Path

import torch

from physix.core import cache_dir
from physix.data import scan_split
from physix.compare import compare, protocol
from physix.evaluate import ONE_STEP, PERSISTENCE, PHYSIX, PHYSIX_NO_REFINER, below_floor, load_predictor, rollout_windows
from physix.metrics import HORIZONS, MARK, format_table, mean_ci, paired_test
from physix.recipes import PHYSIX_SPLIT, load_pretrained, pretrain_physix
from physix.sims.generate import GRAY_SCOTT_REGIMES, RECIPES, make_dataset
from physix.wellformat import dataset_dir

DATASETS = ("gray_scott_reaction_diffusion", "shear_flow", "euler_multi_quadrants_periodicBC")
BASELINES = ("fno", "tfno", "unet", "cnextunet")
N_CONTEXT = 5
BENCH_HORIZONS = ("1", "2:8", "9:26")
TABLE_ROWS = (*BENCH_HORIZONS, ONE_STEP)      # rollout windows, then one step from random test windows
HORIZON = max(HORIZONS[h][1] for h in BENCH_HORIZONS)   # 26 predicted frames
GOAL_RATIO = 0.8       # the goal: PhysiX / best baseline below this at 9:26, significant at 5%

_lines: list[str] = []


def say(text: str = ""):
    "Print and keep for the report file."
    print(text, flush=True)
    _lines.append(text)


def machine(tag: str):
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    say(f"[{tag}] {datetime.now().isoformat(timespec='seconds')}  load average (1/5/15 min): {load}")


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"): return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


# ----------------------------------------------------------------------------------------------------- data
def gray_scott_recipe(regimes):
    "The Gray-Scott recipe restricted to `regimes` (a copy; RECIPES is only swapped while generating)."
    base = RECIPES["gray_scott_reaction_diffusion"]
    return dataclasses.replace(base, variants={r: {"regime": r} for r in regimes})


def check_existing(path: Path, resolution: int, name: str) -> str | None:
    "None if the dataset at `path` fits this benchmark, else why not."
    try:
        infos = {s: scan_split(path, s) for s in ("train", "valid", "test")}
    except Exception as e:  # noqa: BLE001 -- any unreadable dataset is "does not fit"
        return f"unreadable ({type(e).__name__}: {e})"
    want = (resolution, 2 * resolution) if RECIPES[name].aspect == 2 else (resolution, resolution)
    res = tuple(infos["train"].resolution)
    if res != want: return f"resolution {'x'.join(map(str, res))}, this run wants {'x'.join(map(str, want))}"
    short = min(i.n_steps for i in infos.values())
    if short < N_CONTEXT + HORIZON: return f"{short} frames per trajectory, need >= {N_CONTEXT + HORIZON}"
    return None


def prepare_data(args, root: Path, datasets) -> dict:
    "Generate (or reuse) every dataset; returns per-dataset notes."
    notes = {}
    for name in datasets:
        path = dataset_dir(root, name)
        if path.exists():
            why = check_existing(path, args.resolution, name)
            if why: sys.exit(f"{path} exists but does not fit: {why}. Use another --root or delete it.")
            notes[name] = "reused"
            continue
        t0 = time.perf_counter()
        saved = RECIPES[name]
        if name == "gray_scott_reaction_diffusion": RECIPES[name] = gray_scott_recipe(args.gs_regimes)
        try:
            make_dataset(name, root, resolution=args.resolution, n_traj=args.n_traj, n_steps=args.n_steps,
                         seed=args.seed, progress=False,
                         fractions=(1 - args.valid_fraction - args.test_fraction, args.valid_fraction, args.test_fraction))
        finally:
            RECIPES[name] = saved
        notes[name] = f"generated in {time.perf_counter() - t0:.1f} s"
    return notes


def describe_data(root: Path, names) -> list[str]:
    rows = ["| dataset | resolution | channels | files | train / valid / test trajectories | frames | |",
            "|---|---|---|---:|---|---:|---|"]
    for name in names:
        path = dataset_dir(root, name)
        i = {s: scan_split(path, s) for s in ("train", "valid", "test")}
        rows.append(f"| `{name}` | {'x'.join(map(str, i['train'].resolution))} | {', '.join(i['train'].channels)} | "
                    f"{len(i['train'].files)} | {i['train'].n_trajectories} / {i['valid'].n_trajectories} / "
                    f"{i['test'].n_trajectories} | {i['train'].n_steps} | |")
    return rows


# ----------------------------------------------------------------------------------------------------- tables
def fmt(c) -> str:
    if c is None: return "—"
    mean, lo, hi = c
    return f"{mean:.3g} [{lo:.3g}, {hi:.3g}]" if math.isfinite(lo) and math.isfinite(hi) else f"{mean:.3g}"


def results_table(results, methods, row_names=TABLE_ROWS) -> list[str]:
    rows = ["| dataset | horizon | " + " | ".join(methods) + " |", "|---|---|" + "---:|" * len(methods)]
    for ds, per_method in results.items():
        for h in row_names:
            cells = [per_method.get(m, {}).get(h) for m in methods]
            trained = [c[0] for m, c in zip(methods, cells) if c is not None and m != PERSISTENCE and math.isfinite(c[0])]
            best = min(trained) if trained else None
            texts = [f"**{fmt(c)}**" if c is not None and m != PERSISTENCE and c[0] == best else fmt(c)
                     for m, c in zip(methods, cells)]
            rows.append(f"| `{ds}` | {h} | " + " | ".join(texts) + " |")
    return rows


def ratio_rows(per_seed, baselines, datasets, rows=TABLE_ROWS, goal=GOAL_RATIO):
    """PhysiX / best baseline per dataset and row: the best baseline is the one with the lowest VRMSE averaged over seeds;
    per-seed ratios, the ratio of the means over seeds, and a paired t-test over every (seed, test trajectory) pair."""
    table = ["| dataset | horizon | best baseline (mean VRMSE) | physix (mean VRMSE) | ratio per seed | ratio | paired p | verdict |",
             "|---|---|---|---:|---|---:|---:|---|"]
    verdicts = {}
    for ds in datasets:
        for h in rows:
            means = {b: [r["vrmse"][ds][b][h][0] for r in per_seed.values()] for b in baselines}
            means = {b: v for b, v in means.items() if all(map(math.isfinite, v))}
            if not means: continue
            best = min(means, key=lambda b: sum(means[b]))
            px = [r["vrmse"][ds][PHYSIX][h][0] for r in per_seed.values()]
            a = [x for r in per_seed.values() for x in r["per_trajectory"][ds][PHYSIX][h]]
            b = [x for r in per_seed.values() for x in r["per_trajectory"][ds][best][h]]
            test = paired_test(a, b)
            ratio = sum(px) / sum(means[best])
            ok = ratio < goal and test["p"] < 0.05 and test["mean_difference"] < 0
            verdicts[ds, h] = (ratio, test["p"], ok)
            word = (f"**below {goal:g}, significant**" if ok else "significantly better" if test["p"] < 0.05 and test["mean_difference"] < 0
                    else "significantly worse" if test["p"] < 0.05 else "n.s.")
            table.append(f"| `{ds}` | {h} | {best} ({sum(means[best]) / len(px):.3g}) | {sum(px) / len(px):.3g} | "
                         f"{', '.join(f'{x / y:.2f}' for x, y in zip(px, means[best]))} | {ratio:.2f} | {test['p']:.2g} (n={test['n']}) | {word} |")
    return table, verdicts


def mean_over_seeds(per_seed, datasets, methods, rows=TABLE_ROWS):
    "`{dataset: {method: {row: (mean over seeds, min, max)}}}` of the seeds' mean VRMSEs."
    out = {}
    for ds in datasets:
        out[ds] = {}
        for m in methods:
            for h in rows:
                v = [r["vrmse"][ds][m][h][0] for r in per_seed.values() if h in r["vrmse"][ds].get(m, {})]
                if v: out[ds].setdefault(m, {})[h] = (sum(v) / len(v), min(v), max(v))
    return out


# ----------------------------------------------------------------------------------------------------- speed
def test_contexts(root: Path, name: str):
    w = rollout_windows(root, name, N_CONTEXT, HORIZON)
    truth = torch.stack([w[i]["fields"] for i in range(len(w))])
    return truth[:, :, :N_CONTEXT]


@torch.no_grad()
def time_predictor(predict, context, name) -> tuple[float, float]:
    "(seconds, frames/s) of one batched rollout of HORIZON frames from every test context."
    predict(context[:1], 1, name)                                      # warm-up, untimed
    t0 = time.perf_counter()
    out = predict(context, HORIZON, name)
    seconds = time.perf_counter() - t0
    assert out.shape[2] == HORIZON, out.shape
    return seconds, context.shape[0] * HORIZON / seconds


def time_solver(name: str, resolution: int, n_traj: int, seed: int, gs_regime: str) -> tuple[float, float]:
    "(seconds, frames/s) of the dataset's solver for `n_traj` trajectories x HORIZON advanced frames."
    recipe = RECIPES[name]
    kwargs = {"regime": gs_regime} if name == "gray_scott_reaction_diffusion" else next(iter(recipe.variants.values()))
    solver = recipe.load_solver()
    solver(n_traj=1, resolution=resolution, n_steps=2, seed=seed + 1, **kwargs)           # warm-up, untimed
    t0 = time.perf_counter()
    solver(n_traj=n_traj, resolution=resolution, n_steps=HORIZON + 1, seed=seed + 2, **kwargs)
    seconds = time.perf_counter() - t0
    return seconds, n_traj * HORIZON / seconds


def uniform_targets(root: Path, name: str) -> tuple[int, int]:
    "(trajectories whose target frames go nearly uniform in some channel, test trajectories)."
    w = rollout_windows(root, name, N_CONTEXT, HORIZON)
    target = torch.stack([w[i]["fields"] for i in range(len(w))])[:, :, N_CONTEXT:]      # [N, C, T, H, W]
    std = target.std(dim=(-2, -1))[:, ~w.constant_mask]                                   # [N, C', T]
    typical = std.transpose(0, 1).flatten(1).median(dim=1).values                         # [C']
    return int((std < 0.01 * typical[None, :, None]).flatten(1).any(1).sum()), len(w)


def run_seeds(args, root: Path, out: Path, pretrained, baselines) -> dict:
    "compare() once per training seed into `out/seed<s>`; every seed's results, per-trajectory scores and report."
    per_seed = {}
    for seed in range(args.seeds):
        t0 = time.perf_counter()
        seed_out = out / f"seed{seed}"
        if (seed_out / "compare.json").is_file() and not args.overwrite:   # an earlier invocation's comparison: reuse it
            per_seed[seed] = reused_seed(seed_out, args.datasets)
            say(f"### Seed {seed}: reusing {seed_out} ({per_seed[seed]['report']['protocol']})")
            say()
            continue
        both = compare(root, args.datasets, args.minutes, seed_out, baselines=baselines, physix=names(args.physix),
                       horizon=HORIZON, overwrite=args.overwrite, tiny=True, n_context=N_CONTEXT, n_one_step=args.one_step, seed=seed,
                       pretrained=pretrained)
        report = json.loads((seed_out / "compare.json").read_text())
        per_seed[seed] = {**both, "per_trajectory": {ds: report["datasets"][ds]["per_trajectory"] for ds in args.datasets}, "report": report}
        machine(f"seed {seed} done")
        say(f"### Seed {seed}: compare() took {time.perf_counter() - t0:.0f} s (universal PhysiX trained {report['physix_train_seconds']:.0f} s "
            f"against {60 * args.minutes * len(args.datasets):.0f} s)")
        say()
        say("| dataset | physix steps: tokenizer / AR / refiner | " + " | ".join(f"{b}: s, steps, lr" for b in baselines) + " |")
        say("|---|---|" + "---|" * len(baselines))
        for ds in args.datasets:
            r = report["datasets"][ds]
            st = r["steps"][PHYSIX]
            say(f"| `{ds}` | {st['tokenizer']} / {st['ar']} / {st['refiner']} | "
                + " | ".join(f"{r['train_seconds'][b]:.0f} s, {r['steps'][b]}, {r['baseline_lr'][b]['lr']:g}" for b in baselines) + " |")
        say()
        say(f"VRMSE (seed {seed}; mean ± 95% CI half-width over test trajectories; {MARK}: not below persistence)")
        say()
        for row in format_table(both["vrmse"], marks=below_floor(both["vrmse"])).splitlines(): say(row)
        say()
        say(f"Error budget (seed {seed}; VRMSE at lead time 1)")
        say()
        for row in format_table(both["error_budget"]).splitlines(): say(row)
        say()
    return per_seed


def reused_seed(seed_out: Path, datasets) -> dict:
    "A finished comparison's scores from its compare.json: VRMSE means and CIs recomputed from the per-trajectory scores."
    report = json.loads((seed_out / "compare.json").read_text())
    per_trajectory = {ds: report["datasets"][ds]["per_trajectory"] for ds in datasets}
    vrmse = {ds: {m: {h: mean_ci(v) for h, v in rows.items()} for m, rows in per_trajectory[ds].items()} for ds in datasets}
    return {"vrmse": vrmse, "per_trajectory": per_trajectory, "report": report}


def summarize(args, root: Path, per_seed: dict, label: str):
    "The over-seeds tables of one protocol: mean VRMSE, the persistence floor, PhysiX / best baseline with the paired test."
    methods = [PHYSIX, PHYSIX_NO_REFINER, *args.baselines, PERSISTENCE]
    n_test = {ds: scan_split(dataset_dir(root, ds), "test").n_trajectories for ds in args.datasets}
    say(f"### {label}: VRMSE averaged over {args.seeds} seed(s) (mean [min, max] over seeds)")
    say()
    say("Test trajectories: " + ", ".join(f"{ds} {n}" for ds, n in n_test.items())
        + f". {PERSISTENCE}: the last context frame repeated (a floor, not a baseline). Rows 1, 2:8, 9:26: rollouts from "
        f"t = 0; {ONE_STEP}: one predicted frame from each of {args.one_step} random test windows.")
    say()
    averaged = mean_over_seeds(per_seed, args.datasets, methods)
    for row in results_table(averaged, methods): say(row)
    say()
    floor = below_floor(averaged)
    say("Persistence floor (mean over seeds): " + ("every method beats persistence everywhere" if not floor else "NOT beaten by"))
    for m in methods:
        where = {ds: [h for d, mm, h in floor if d == ds and mm == m] for ds in args.datasets}
        if any(where.values()): say(f"- {m}: " + "; ".join(f"{ds} at {', '.join(hs)}" for ds, hs in where.items() if hs))
    say()
    for ds in args.datasets:
        k, n = uniform_targets(root, ds)
        if k: say(f"- `{ds}`: {k} of {n} test trajectories become (nearly) spatially uniform in some channel within the "
                  f"{HORIZON} predicted frames; VRMSE divides by that variance, so they dominate the mean and its CI")
    say()
    say(f"### {label}: PhysiX / best trained baseline (goal: below {GOAL_RATIO:g} at 9:26 on at least 2 of 3 datasets, significant at 5%)")
    say()
    rows, verdicts = ratio_rows(per_seed, args.baselines, args.datasets)
    for row in rows: say(row)
    say()
    met = [ds for ds in args.datasets if verdicts.get((ds, "9:26"), (0, 1, False))[2]]
    say(f"- 9:26: ratio below {GOAL_RATIO:g} and significant on {len(met)} of {len(args.datasets)} datasets"
        + (f" ({', '.join(met)})" if met else "") + f" -> goal {'MET' if len(met) >= 2 else 'NOT met'}")
    say("- paired test: two-sided paired t-test of PhysiX's against the best baseline's per-trajectory VRMSE (mean over the "
        "horizon's frames), over every (seed, test trajectory) pair; ratio = PhysiX's mean over seeds / the baseline's.")
    say()


# ----------------------------------------------------------------------------------------------------- main
def names(text: str) -> list[str]:
    return [s.strip() for s in text.split(",") if s.strip()]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--minutes", type=float, default=1.0, help="wall-clock minutes per method and dataset (universal PhysiX: x datasets)")
    p.add_argument("--seeds", type=int, default=1, help="training seeds (init and data order; the data are the same)")
    p.add_argument("--resolution", type=int, default=64, help="grid size (shear_flow: resolution x 2*resolution)")
    p.add_argument("--n-traj", type=int, default=8, help="trajectories per file (Gray-Scott: per regime)")
    p.add_argument("--n-steps", type=int, default=40, help=f"frames per trajectory (>= {N_CONTEXT + HORIZON})")
    p.add_argument("--datasets", default=",".join(DATASETS))
    p.add_argument("--baselines", default=",".join(BASELINES))
    p.add_argument("--physix", default="universal", help="universal, single or universal,single")
    p.add_argument("--gs-regimes", default=",".join(GRAY_SCOTT_REGIMES), help="Gray-Scott regimes to generate")
    p.add_argument("--valid-fraction", type=float, default=0.125)
    p.add_argument("--test-fraction", type=float, default=0.25)
    p.add_argument("--one-step", type=int, default=64, help="random test windows for the one-step row")
    p.add_argument("--seed", type=int, default=0, help="data seed (the solvers' initial conditions)")
    p.add_argument("--pretrain-minutes", type=float, default=0, help="also run the pretrained protocol: pretrain the universal "
                   "tokenizer and AR model once for this long (0: only from scratch)")
    p.add_argument("--pretrain-datasets", help="datasets to pretrain on (default: the compared ones)")
    p.add_argument("--root", help="Well root to reuse / generate into (default: <out>/miniwell)")
    p.add_argument("--out", help="output directory (default: <physix cache>/bench/compare-<time>)")
    p.add_argument("--threads", type=int, default=1, help="torch intra-op threads (default 1; 0 = torch's choice)")
    p.add_argument("--overwrite", action="store_true", help="let compare() replace an existing table and runs in --out "
                   "(without it, a seed's finished comparison in --out is reused)")
    p.add_argument("--report", default="bench_compare.md", help="file name of the report in --out")
    args = p.parse_args()
    args.datasets, args.baselines, args.gs_regimes = names(args.datasets), names(args.baselines), names(args.gs_regimes)
    args.pretrain_datasets = names(args.pretrain_datasets) if args.pretrain_datasets else list(args.datasets)
    bad = [r for r in args.gs_regimes if r not in GRAY_SCOTT_REGIMES]
    if bad or not args.gs_regimes: p.error(f"--gs-regimes: expected some of {GRAY_SCOTT_REGIMES}, got {args.gs_regimes}")
    if args.n_steps < N_CONTEXT + HORIZON: p.error(f"--n-steps must be >= {N_CONTEXT + HORIZON} (5 context + 26 frames)")
    if args.threads < 0 or args.seeds < 1: p.error("--threads: expected >= 0; --seeds: expected >= 1")
    if args.threads: torch.set_num_threads(args.threads)
    out = Path(args.out) if args.out else cache_dir() / "bench" / f"compare-{datetime.now():%Y%m%d-%H%M%S}"
    root = Path(args.root) if args.root else out / "miniwell"
    out.mkdir(parents=True, exist_ok=True)
    wall0 = time.perf_counter()

    say("# bench_compare: the universal PhysiX vs the Well's baselines at equal CPU compute")
    say()
    say(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    machine("start")
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    say(f"CPU: {cpu_name()}; {os.cpu_count()} logical CPUs, {affinity} usable; torch {torch.__version__}, "
        f"{torch.get_num_threads()} intra-op / {torch.get_num_interop_threads()} inter-op threads "
        f"(OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}); CUDA not used")
    if os.getloadavg()[0] + torch.get_num_threads() > affinity + 0.5:
        say(f"WARNING: load average {os.getloadavg()[0]:.2f} + {torch.get_num_threads()} threads > {affinity} usable CPUs: "
            "other processes compete for the CPU; every timing and every wall-clock budget below is affected")
    say(f"protocol: {protocol(args.datasets, args.minutes, names(args.physix), args.baselines)}")
    say(f"PhysiX split {PHYSIX_SPLIT}; tiny presets; {args.seeds} training seed(s) 0..{args.seeds - 1} on the same data; "
        f"context {N_CONTEXT} frames, rollout {HORIZON} frames; out: {out}; data root: {root}")
    say()

    # 1. data
    t0 = time.perf_counter()
    every = list(dict.fromkeys([*args.datasets, *args.pretrain_datasets]))
    notes = prepare_data(args, root, every)
    say(f"## Data ({time.perf_counter() - t0:.0f} s)")
    say()
    table = describe_data(root, every)
    say(table[0].replace("| |", "| source |")); say(table[1])
    for row, name in zip(table[2:], every): say(row.replace("| |", f"| {notes[name]} |"))
    if "gray_scott_reaction_diffusion" in every and notes.get("gray_scott_reaction_diffusion") != "reused":
        say(); say(f"Gray-Scott regimes: {', '.join(args.gs_regimes)}")
    say()

    # 2. train + evaluate, once per seed and protocol
    protocols = {"from scratch": None}
    if args.pretrain_minutes:
        pre_dir, t0 = out / "pretrained", time.perf_counter()
        if (pre_dir / "pretrain.json").is_file() and not args.overwrite: say(f"## Pretraining: reusing {pre_dir}")
        else:
            pretrain_physix(root, args.pretrain_datasets, args.pretrain_minutes, pre_dir, n_context=N_CONTEXT, overwrite=args.overwrite)
            say(f"## Pretraining ({time.perf_counter() - t0:.0f} s)")
        record = load_pretrained(pre_dir)
        say()
        say(f"Universal tokenizer and AR model pretrained once on {', '.join(record['datasets'])} for {record['seconds']:.0f} s "
            f"(budget {record['minutes']:g} min, seed {record['seed']}): a one-off cost, not counted in the comparison's budgets.")
        say()
        protocols["pretrained, then fine-tuned"] = pre_dir
    per_protocol = {}
    for label, pretrained in protocols.items():   # the baselines do not depend on the protocol: trained once, with the first
        say(f"## Protocol: {label}")
        say()
        per_protocol[label] = run_seeds(args, root, out if pretrained is None else out / "pretrained-protocol", pretrained,
                                        args.baselines if not per_protocol else ())
        if len(per_protocol) > 1:                 # the scratch protocol's baseline (and persistence) scores, seed by seed
            first = next(iter(per_protocol.values()))
            for seed, r in per_protocol[label].items():
                for ds in args.datasets:
                    for key in ("vrmse", "per_trajectory"):
                        r[key][ds].update({m: v for m, v in first[seed][key][ds].items() if m in args.baselines})
    for label, per_seed in per_protocol.items():
        say(f"## Over seeds, protocol: {label}")
        say()
        summarize(args, root, per_seed, label)
    per_seed = per_protocol["from scratch"]

    # 3. speed (seed 0's runs)
    say("## Rollout speed vs the numerical solver (frames/s, float32 CPU, same threads and resolution; seed 0's models)")
    say()
    speed_methods = [PHYSIX, PHYSIX_NO_REFINER, *args.baselines]
    say("| dataset | resolution | batch | solver | " + " | ".join(speed_methods) + " |")
    say("|---|---|---:|---:|" + "---:|" * len(speed_methods))
    for ds in args.datasets:
        context = test_contexts(root, ds)
        B, res = context.shape[0], "x".join(map(str, context.shape[-2:]))
        s_sec, s_fps = time_solver(ds, args.resolution, B, args.seed, args.gs_regimes[0])
        specs = per_seed[0]["report"]["datasets"][ds]["specs"]
        cells = []
        for m in speed_methods:
            sec, fps = time_predictor(load_predictor(m, specs[m]), context, ds)
            cells.append(f"{fps:.3g} ({fps / s_fps:.2g}x)")
        say(f"| `{ds}` | {res} | {B} | {s_fps:.3g} | " + " | ".join(cells) + " |")
    say()
    say(f"frames/s = batch x {HORIZON} frames / seconds of one batched rollout; (Nx) = relative to the solver "
        f"simulating the same batch for {HORIZON} frames (Gray-Scott: regime {args.gs_regimes[0]}).")
    say()
    machine("end")
    say(f"total wall-clock {time.perf_counter() - wall0:.0f} s; tables and runs by compare() in {out}/seed*/")
    (out / args.report).write_text("\n".join(_lines) + "\n")
    print(f"report written to {out / args.report}")


if __name__ == "__main__":
    main()
