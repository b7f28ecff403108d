"""Mini-Well generation speed: every solver at the issue's reference size, side by side in one run.

    python bench/bench_sims.py [--n-traj 32] [--n-steps 64] [--resolution 64]

Prints, per dataset, the wall-clock seconds to simulate n_traj trajectories x n_steps frames (shear_flow at
resolution x 2*resolution, gray_scott one regime), the reference time from the mini-Well issue (measured
on a 2-core machine), and their ratio (goal: <= 1.5). Writing files is not timed.
"""
import argparse
import time

import torch

from physix.sims.generate import RECIPES

REFERENCE_SECONDS = {  # the mini-Well issue's figures for 32 x 64 frames at 64^2 on 2 cores
    "gray_scott_reaction_diffusion": 75.0,
    "shear_flow": 25.0,
    "euler_multi_quadrants_periodicBC": 55.0,
    "acoustic_scattering_inclusions": 5.0,
}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n-traj", type=int, default=32)
    p.add_argument("--n-steps", type=int, default=64)
    p.add_argument("--resolution", type=int, default=64)
    p.add_argument("--only", nargs="*", default=list(REFERENCE_SECONDS))
    args = p.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; {args.n_traj} trajectories x "
          f"{args.n_steps} frames at {args.resolution}^2")
    print(f"| dataset | seconds | reference s | ratio |\n| --- | ---: | ---: | ---: |")
    for name in args.only:
        recipe = RECIPES[name]
        solver, kwargs = recipe.load_solver(), next(iter(recipe.variants.values()))
        start = time.perf_counter()
        solver(n_traj=args.n_traj, resolution=args.resolution, n_steps=args.n_steps, seed=0, **kwargs)
        seconds = time.perf_counter() - start
        ref = REFERENCE_SECONDS[name]
        print(f"| {name} | {seconds:.1f} | {ref:.0f} | {seconds / ref:.2f} |", flush=True)


if __name__ == "__main__":
    main()
