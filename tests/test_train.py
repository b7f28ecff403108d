"""The training engine across processes: DDP/FSDP2 equivalence, SIGKILL + resume, torchrun restarts, unsafe or
broken checkpoints. These start real torchrun jobs (gloo on CPU)."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from physix.core import CheckpointError, ConfigError
from physix.train import (RegressionConfig, RegressionStage, TrainConfig, fit, launch, load_stage, load_weights,
                          torchrun_command, write_run_spec)

TESTS = Path(__file__).parent
sys.path.insert(0, str(TESTS))
from engine_stages import FaultyConfig, FaultyStage  # noqa: E402

ENV = {"PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]), "OMP_NUM_THREADS": "1"}


def weights(run_dir: Path) -> dict:
    latest = json.loads((run_dir / "checkpoints" / "latest.json").read_text())["dir"]
    return load_file(run_dir / "checkpoints" / latest / "model.safetensors")


def assert_same_weights(a: dict, b: dict, tol=1e-5):
    assert a.keys() == b.keys()
    for k in a: torch.testing.assert_close(a[k], b[k], rtol=tol, atol=tol, msg=lambda m: f"{k}: {m}")


def quiet(_line): pass


@pytest.mark.parametrize("parallel", ["ddp", "fsdp"])
def test_two_ranks_match_one_process_with_twice_the_batch(tmp_path, parallel):
    common = dict(max_steps=5, lr=1e-2, progress=False, parallel=parallel, schedule="cosine", warmup=1, grad_clip=1.0)
    two = launch(RegressionStage(), TrainConfig(run_dir=str(tmp_path / "two"), batch_size=4, **common), nproc=2, echo=quiet, env=ENV)
    one = fit(RegressionStage(), TrainConfig(run_dir=str(tmp_path / "one"), batch_size=8, **common))
    assert_same_weights(weights(two), weights(one))
    # the logged (rank-averaged) losses agree too
    losses = lambda r: [json.loads(l)["loss"] for l in (r / "log.jsonl").read_text().splitlines() if '"loss"' in l]
    assert losses(two) == pytest.approx(losses(one), rel=1e-5)


def test_sigkill_then_resume_matches_uninterrupted_run(tmp_path):
    config = FaultyConfig(dropout=0.1, step_delay=0.15)
    cfg = TrainConfig(run_dir=str(tmp_path / "killed"), max_steps=16, batch_size=16, lr=1e-2, schedule="cosine",
                      checkpoint_every=2, progress=False)
    write_run_spec(FaultyStage(config), cfg)
    job = subprocess.Popen(torchrun_command(cfg.run_dir, nproc=1), env={**os.environ, **ENV}, start_new_session=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = Path(cfg.run_dir) / "log.jsonl"
    deadline = time.time() + 120
    while time.time() < deadline:
        steps = [json.loads(l).get("step", 0) for l in log.read_text().splitlines()] if log.exists() else []
        if steps and max(steps) >= 7: break
        time.sleep(0.05)
    os.killpg(job.pid, signal.SIGKILL)
    job.wait()
    assert job.returncode != 0
    latest = json.loads((Path(cfg.run_dir) / "checkpoints" / "latest.json").read_text())
    assert 6 <= latest["step"] < 16, latest
    # the checkpoint latest.json points at is complete and loads
    load_weights(Path(cfg.run_dir) / "checkpoints" / latest["dir"], FaultyStage(config).build_model())
    torch.load(Path(cfg.run_dir) / "checkpoints" / latest["dir"] / "state.pt", weights_only=True)

    resumed = launch(FaultyStage(config), cfg.replace(resume=True), nproc=1, echo=quiet, env=ENV)
    reference = fit(FaultyStage(config.replace(step_delay=0.0)), cfg.replace(run_dir=str(tmp_path / "reference")))
    assert_same_weights(weights(resumed), weights(reference), tol=1e-6)
    steps = [json.loads(l)["step"] for l in (resumed / "log.jsonl").read_text().splitlines() if '"loss"' in l]
    assert steps == list(range(1, 17))  # lines written after the checkpoint by the killed run were dropped


@pytest.mark.parametrize("parallel", ["ddp", "fsdp"])
def test_torchrun_restart_resumes_from_last_checkpoint(tmp_path, parallel):
    marker = tmp_path / "crashed"
    config = FaultyConfig(crash_marker=str(marker), crash_at_call=5, crash_rank=1)
    cfg = TrainConfig(run_dir=str(tmp_path / "restarted"), max_steps=8, batch_size=4, lr=1e-2, checkpoint_every=2,
                      progress=False, parallel=parallel)
    lines = []
    run = launch(FaultyStage(config), cfg, nproc=2, max_restarts=1, echo=lines.append, env=ENV)
    assert marker.exists(), "the injected crash did not happen"
    assert any("injected crash on rank 1" in l for l in lines)
    assert json.loads((run / "checkpoints" / "latest.json").read_text())["step"] == 8
    reference = launch(FaultyStage(config.replace(crash_at_call=0)), cfg.replace(run_dir=str(tmp_path / "reference")),
                       nproc=2, echo=quiet, env=ENV)
    assert_same_weights(weights(run), weights(reference))


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    run = tmp_path_factory.mktemp("runs") / "done"
    return fit(RegressionStage(), TrainConfig(run_dir=str(run), max_steps=3, batch_size=16, progress=False))


def copy_run(src: Path, dst: Path) -> tuple[Path, Path]:
    import shutil
    shutil.copytree(src, dst)
    return dst, dst / "checkpoints" / json.loads((dst / "checkpoints" / "latest.json").read_text())["dir"]


class Evil:
    def __init__(self, marker): self.marker = marker
    def __reduce__(self): return (os.system, (f"touch {self.marker}",))


def test_malicious_pickle_is_refused(finished_run, tmp_path):
    run, ckpt = copy_run(finished_run, tmp_path / "run")
    marker = tmp_path / "pwned"
    state = torch.load(ckpt / "state.pt", weights_only=True)
    torch.save({**state, "step": Evil(str(marker))}, ckpt / "state.pt")
    with pytest.raises(CheckpointError, match=r"state\.pt: refused to load"):
        fit(RegressionStage(), TrainConfig(run_dir=str(run), max_steps=5, batch_size=16, progress=False, resume=True))
    assert not marker.exists(), "unpickling ran the payload"


@pytest.mark.parametrize("victim, message", [
    ("model.safetensors", r"model\.safetensors: cannot be read as safetensors \(truncated or corrupt\?\)"),
    ("state.pt", r"state\.pt: cannot be read \(truncated or corrupt\?\)"),
])
def test_truncated_checkpoint_files(finished_run, tmp_path, victim, message):
    run, ckpt = copy_run(finished_run, tmp_path / "run")
    data = (ckpt / victim).read_bytes()
    (ckpt / victim).write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match=message):
        fit(RegressionStage(), TrainConfig(run_dir=str(run), max_steps=5, batch_size=16, progress=False, resume=True))


def test_checkpoint_from_another_model_config(finished_run, tmp_path):
    run, ckpt = copy_run(finished_run, tmp_path / "run")
    with pytest.raises(CheckpointError, match=r"parameter '0\.weight' has shape \(32, 8\) in the checkpoint but \(64, 8\)"):
        fit(RegressionStage(RegressionConfig(hidden=64)), TrainConfig(run_dir=str(run), max_steps=5, batch_size=16, progress=False, resume=True))
    with pytest.raises(CheckpointError, match="missing weights|not found"):
        load_weights(tmp_path / "nowhere", RegressionStage().build_model())


def test_existing_run_is_not_overwritten(finished_run):
    before = weights(finished_run)
    with pytest.raises(Exception, match="already holds a run"):
        fit(RegressionStage(), TrainConfig(run_dir=str(finished_run), max_steps=3, batch_size=16, progress=False))
    assert_same_weights(weights(finished_run), before, tol=0)


@pytest.mark.parametrize("bad, message", [
    ({"max_steps": 3, "batch_sise": 4}, r"unknown key\(s\) \['batch_sise'\]"),
    ({"max_steps": "3"}, r"TrainConfig\.max_steps: expected"),
    ({"max_steps": 3, "betas": [0.9]}, r"TrainConfig\.betas: expected 2 items"),
    ({"max_steps": 3, "optimizer": "sgd"}, r"TrainConfig\.optimizer: expected one of \['adamw', 'soap'\]"),
])
def test_bad_train_config(bad, message):
    with pytest.raises(ConfigError, match=message):
        TrainConfig.from_dict(bad)


def test_bad_stage_config_in_run_spec():
    with pytest.raises(ConfigError, match=r"RegressionConfig: unknown key\(s\) \['hiden'\]"):
        load_stage(RegressionStage.path(), {"hiden": 3})


def test_dataset_smaller_than_a_global_batch(tmp_path):
    with pytest.raises(ConfigError, match="fewer than one global batch of 64"):
        fit(RegressionStage(RegressionConfig(n_samples=32)), TrainConfig(run_dir=str(tmp_path / "r"), max_steps=1, batch_size=64, progress=False))


def test_two_nodes_with_c10d_rendezvous(tmp_path):
    """Two torchrun agents on this machine acting as two nodes (c10d rendezvous on localhost) match one process."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]
    cfg = TrainConfig(run_dir=str(tmp_path / "nodes"), max_steps=4, batch_size=4, lr=1e-2, progress=False)
    write_run_spec(RegressionStage(), cfg)
    jobs = [subprocess.Popen(torchrun_command(cfg.run_dir, nproc=1, nnodes=2, node_rank=r, rdzv_endpoint=f"127.0.0.1:{port}"),
                             env={**os.environ, **ENV}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for r in (0, 1)]
    outputs = [j.communicate(timeout=300)[0] for j in jobs]
    assert all(j.returncode == 0 for j in jobs), outputs[0][-3000:] + outputs[1][-3000:]
    one = fit(RegressionStage(), cfg.replace(run_dir=str(tmp_path / "one"), batch_size=8))
    assert_same_weights(weights(Path(cfg.run_dir)), weights(one))
    start = json.loads((Path(cfg.run_dir) / "log.jsonl").read_text().splitlines()[0])
    assert start["world_size"] == 2
