"""The tokenizer's sparse first convolution against convolving the whole filled field union, side by side.

    python bench/bench_sparse_encoder.py [--resolution 64] [--patch 2] [--batch 4] [--frames 5] [--repeats 5] [--threads 1]

The PhysiX encoder reads the union of all Well channels (45 slots); a dataset fills 2-5 of them and the rest hold
the learnable fill. `UniversalTokenizer.quantize` convolves only the present channels and adds the fill's
precomputed term (exactly the same latents and gradients, checked in nbs/06_tokenizer.ipynb); the reference path
is `encoder(fill_absent(x, mask))`, what quantize did before. For each dataset (shear_flow at resolution x
2*resolution) and the tiny tokenizer (FSQ levels 8,5,5,5; `--patch`), it times, in one process with the same
threads and inputs: encoding a batch of 9-frame clips (no gradient; what the AR stage's token cache and every
rollout window do) and one training step (encoder + decoder forward and backward, AdamW) on `--batch` clips of
`--frames` frames. Fastest of `--repeats` after a warm-up. Ratio = union time / sparse time (> 1: sparse faster).
"""
import argparse
import time

import torch
import torch.nn.functional as F

from physix.data import WELL_FIELDS
from physix.tokenizer import TokenizerConfig, UniversalTokenizer


def fastest(fn, repeats: int) -> float:
    fn()                                                        # warm-up, untimed
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter(); fn(); best = min(best, time.perf_counter() - t0)
    return best


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--resolution", type=int, default=64)
    p.add_argument("--patch", type=int, default=2)
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--frames", type=int, default=5)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args()
    if args.threads: torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s); tiny tokenizer, patch {args.patch}; fastest of {args.repeats}")
    print("| dataset | H x W | present / union channels | encode 16 x 9 frames: union | sparse | ratio | train step: union | sparse | ratio |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for ds in ("gray_scott_reaction_diffusion", "shear_flow", "euler_multi_quadrants_periodicBC"):
        H, W = args.resolution, args.resolution * (2 if ds == "shear_flow" else 1)
        torch.manual_seed(0)
        tok = UniversalTokenizer(TokenizerConfig(datasets=(ds,), levels=(8, 5, 5, 5), patch=args.patch))
        mask = tok.registry.mask(sum(WELL_FIELDS[ds], ()))
        opt = torch.optim.AdamW(tok.parameters())

        def clip(b, t):
            x = torch.zeros(b, len(tok.registry), t, H, W); x[:, mask] = torch.randn(b, int(mask.sum()), t, H, W); return x

        enc_x, train_x = clip(16, 9), clip(args.batch, args.frames)
        union = lambda x: tok.fsq(tok.encoder(tok.fill_absent(x, mask)))
        sparse = lambda x: tok.quantize(x, mask)

        def step(encode):
            def run():
                codes = encode(train_x)[0] if encode is union else encode(train_x)[1]
                loss = F.mse_loss(tok.reconstruct(codes, ds), train_x[:, tok.slots(ds)])
                opt.zero_grad(); loss.backward(); opt.step()
            return run

        with torch.no_grad():
            e_union, e_sparse = fastest(lambda: union(enc_x), args.repeats), fastest(lambda: sparse(enc_x), args.repeats)
        s_union, s_sparse = fastest(step(union), args.repeats), fastest(step(sparse), args.repeats)
        print(f"| `{ds}` | {H} x {W} | {int(mask.sum())} / {len(tok.registry)} | {e_union:.3f} s | {e_sparse:.3f} s | "
              f"{e_union / e_sparse:.1f} | {s_union:.3f} s | {s_sparse:.3f} s | {s_union / s_sparse:.2f} |", flush=True)


if __name__ == "__main__":
    main()
