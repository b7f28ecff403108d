"""The `physix` command as a user runs it: real processes, exit codes, no tracebacks, nothing lost."""
import json
import os
import subprocess
import sys
from pathlib import Path

import h5py
import pytest
import torch

from physix.data import WellWindows

PHYSIX = [sys.executable, "-c", "import sys; from physix.cli import main; sys.exit(main())"]


def physix(*args, env=None):
    return subprocess.run([*PHYSIX, *map(str, args)], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "OMP_NUM_THREADS": "1", **(env or {})})


def assert_clean_error(result, *words):
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("physix: error: "), result.stderr
    for w in words: assert w in result.stderr, (w, result.stderr)


def test_console_script_is_installed():
    script = Path(sys.executable).parent / "physix"
    assert script.exists(), "pip install should have created the `physix` console script"
    r = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "data" in r.stdout and "demo" in r.stdout


def test_make_info_and_no_overwrite(tmp_path):
    args = ["data", "make", "--dataset", "shear_flow", "--resolution", "16", "--n-traj", "3", "--n-steps", "5", "--out", tmp_path]
    r = physix(*args)
    assert r.returncode == 0, r.stderr
    train = tmp_path / "datasets" / "shear_flow" / "data" / "train"
    f = next(train.glob("*.hdf5"))
    before = f.read_bytes()
    assert len(WellWindows(train.parents[1], "train", n_in=2, n_out=1)) == 1 * 3

    r = physix("data", "info", tmp_path)
    assert r.returncode == 0 and "shear_flow" in r.stdout and "tracer, pressure, velocity_x, velocity_y" in r.stdout

    r = physix(*args, "--seed", "1")  # exists: refused, file untouched
    assert_clean_error(r, "already exists", "--overwrite")
    assert f.read_bytes() == before

    r = physix(*args, "--seed", "1", "--overwrite")
    assert r.returncode == 0, r.stderr
    assert f.read_bytes() != before


def test_default_output_under_env_var(tmp_path):
    r = physix("data", "make", "--dataset", "shear_flow", "--resolution", "16", "--n-traj", "3", "--n-steps", "3",
               env={"PHYSIX_MINIWELL": str(tmp_path / "mw")})
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "mw" / "datasets" / "shear_flow" / "stats.yaml").is_file()


@pytest.mark.parametrize("args, words", [
    (["data", "make", "--dataset", "navier_stokes"], ["unknown dataset 'navier_stokes'", "gray_scott_reaction_diffusion"]),
    (["data", "make", "--dataset", "shear_flow", "--resolution", "48"], ["power of two", "48"]),
    (["data", "make", "--dataset", "shear_flow", "--n-steps", "1"], ["n_steps", ">= 2"]),
    (["data", "make"], ["--dataset NAME or --all"]),
    (["data", "info", "/no/such/dir"], ["/no/such/dir: no such directory"]),
])
def test_bad_input_exits_cleanly(tmp_path, args, words):
    assert_clean_error(physix(*args, "--out", tmp_path) if args[1] == "make" else physix(*args), *words)


def test_unwritable_output_leaves_nothing(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    r = physix("data", "make", "--dataset", "shear_flow", "--resolution", "16", "--n-traj", "3", "--n-steps", "3", "--out", blocker / "root")
    assert_clean_error(r, "cannot create directory")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_unstable_solver_leaves_no_partial_dataset(tmp_path):
    # A Gray-Scott run with a negative diffusion coefficient blows up: SimulationError, no dataset directory.
    code = ("import sys; from physix.cli import main; from physix.sims import generate as g; "
            "g.RECIPES['gray_scott_reaction_diffusion'].variants = {'bad': {'F': 0.03, 'k': 0.06, 'D_A': -2.0}}; "
            "sys.exit(main(sys.argv[1:]))")
    r = subprocess.run([sys.executable, "-c", code, "data", "make", "--dataset", "gray_scott_reaction_diffusion",
                        "--resolution", "16", "--n-traj", "3", "--n-steps", "3", "--out", str(tmp_path)],
                       capture_output=True, text=True, timeout=600)
    assert_clean_error(r, "not finite")
    assert not (tmp_path / "datasets" / "gray_scott_reaction_diffusion").exists()
    assert not any(p.name.endswith(".tmp") for p in tmp_path.rglob("*"))


def test_demo_generates_then_reuses(tmp_path):
    r = physix("demo", "--out", tmp_path)
    assert r.returncode == 0, r.stderr
    for name in ("gray_scott_reaction_diffusion", "shear_flow", "euler_multi_quadrants_periodicBC",
                 "euler_multi_quadrants_openBC", "acoustic_scattering_inclusions"):
        assert name in r.stdout
        assert (tmp_path / "datasets" / name / "stats.yaml").is_file()
    assert "resolution 64x128" in r.stdout  # shear flow is twice as long in y
    stamp = (tmp_path / "datasets" / "shear_flow" / "stats.yaml").stat().st_mtime_ns
    r = physix("demo", "--out", tmp_path)
    assert r.returncode == 0 and r.stdout.count("already generated, reusing it") == 5
    assert (tmp_path / "datasets" / "shear_flow" / "stats.yaml").stat().st_mtime_ns == stamp


def test_train_tokenizer_then_load(tmp_path):
    for name in ("gray_scott_reaction_diffusion", "shear_flow"):
        r = physix("data", "make", "--dataset", name, "--resolution", "16", "--n-traj", "3", "--n-steps", "16", "--out", tmp_path / "well")
        assert r.returncode == 0, r.stderr
    args = ["train", "tokenizer", "--datasets", "gray_scott_reaction_diffusion,shear_flow", "--root", tmp_path / "well",
            "--run-dir", tmp_path / "run", "--steps", "4", "--batch-size", "2"]
    r = physix(*args)
    assert r.returncode == 0, r.stderr
    from physix.tokenizer import load
    tok = load(tmp_path / "run")
    assert sorted(tok.decoders) == ["gray_scott_reaction_diffusion", "shear_flow"]
    assert_clean_error(physix(*args), "already holds a run")  # no silent overwrite
    r = physix(*args, "--resume", "--nproc", "2")  # continue the finished run under torchrun: nothing left to do
    assert r.returncode == 0, r.stderr

    # the AR model on the tokenizer's tokens, under torchrun with two processes
    r = physix("train", "ar", "--tokenizer", tmp_path / "run", "--root", tmp_path / "well", "--run-dir", tmp_path / "ar",
               "--n-frames", "5", "--steps", "2", "--batch-size", "2", "--nproc", "2")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert json.loads((tmp_path / "ar" / "checkpoints" / "latest.json").read_text())["step"] == 2
    assert_clean_error(physix("train", "ar", "--tokenizer", tmp_path / "nothing", "--root", tmp_path / "well",
                              "--run-dir", tmp_path / "ar2"), "no checkpoint")

    # a refiner on the AR model's predictions for Gray-Scott
    r = physix("train", "refiner", "--ar", tmp_path / "ar", "--dataset", "gray_scott_reaction_diffusion", "--root", tmp_path / "well",
               "--run-dir", tmp_path / "refiner", "--n-context", "3", "--n-samples", "4", "--steps", "2", "--batch-size", "4")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    from physix.refiner import load_refiner
    assert load_refiner(tmp_path / "refiner")[0] == "gray_scott_reaction_diffusion"

    # the continuous tokenizer, under torchrun with two processes
    r = physix("train", "tokenizer", "--kind", "continuous", "--datasets", "gray_scott_reaction_diffusion,shear_flow",
               "--root", tmp_path / "well", "--run-dir", tmp_path / "continuous", "--steps", "2", "--batch-size", "1", "--nproc", "2")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    model = load(tmp_path / "continuous")
    fields = torch.rand(1, 2, 5, 16, 16)
    latents, scale = model.encode_fields(fields, "gray_scott_reaction_diffusion")
    assert model.decode_fields(latents, "gray_scott_reaction_diffusion", scale).shape == fields.shape


@pytest.mark.parametrize("datasets, words", [
    ("navier_stokes", ["unknown dataset(s) ['navier_stokes']"]),
    ("euler_multi_quadrants_openBC", ["euler_multi_quadrants_openBC: dataset directory does not exist"]),
])
def test_train_tokenizer_bad_input(tmp_path, datasets, words):
    r = physix("train", "tokenizer", "--datasets", datasets, "--root", tmp_path, "--run-dir", tmp_path / "run", "--steps", "2")
    assert_clean_error(r, *words)
