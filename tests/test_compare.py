"""`physix compare` and `physix eval` end to end through their CLI functions, on a tiny Gray-Scott mini-Well.

A smoke comparison: the universal PhysiX (tokenizer, AR model, refiner) and an FNO, 0.1 minutes each; then `physix eval` on the
runs it trained must reproduce its table (greedy decoding and fixed data make rollouts deterministic)."""
import argparse
import contextlib
import csv
import io
import json

import pytest

from physix.core import OutputExistsError
from physix.compare import cmd_compare, compare_arguments
from physix.evaluate import cmd_eval, eval_arguments
from physix.sims.generate import make_dataset

GS = "gray_scott_reaction_diffusion"


@pytest.fixture(scope="module")
def well(tmp_path_factory):
    root = tmp_path_factory.mktemp("well")
    make_dataset(GS, root, resolution=16, n_traj=3, n_steps=14, progress=False)
    return root


def run(cmd, add_arguments, argv):
    "Parse `argv` as the CLI would and run `cmd`; its exit status and what it printed."
    args = add_arguments(argparse.ArgumentParser()).parse_args([str(a) for a in argv])
    out = io.StringIO()
    with contextlib.redirect_stdout(out): status = cmd(args)
    return status, out.getvalue()


def rows(path, metric="vrmse"):
    return {(r["dataset"], r["horizon"], r["method"]): float(r[metric]) for r in csv.DictReader(path.open())}


def test_compare_then_eval(well, tmp_path):
    out = tmp_path / "compare"
    argv = ["--datasets", GS, "--minutes", "0.1", "--root", well, "--out", out, "--baselines", "fno"]
    status, printed = run(cmd_compare, compare_arguments, argv)
    assert status == 0
    lines = printed.splitlines()
    assert lines[0].startswith("equal compute: universal PhysiX: one model for all 1 dataset(s)")
    assert lines[2:4] == ["VRMSE", "| dataset | horizon | physix | physix (no refiner) | fno | persistence |"]
    assert sorted(p.name for p in out.iterdir()) == sorted(["compare.csv", "compare.json", "compare.md", "compare.png", "compare_error_budget.csv",
                                                            "compare_error_budget.md", "compare_error_budget.png",
                                                            "compare_neps.csv", "compare_neps.md", "compare_neps.png", "runs"])
    table = rows(out / "compare.csv")
    assert set(table) == {(GS, h, m) for h in ("1", "2:8", "one-step") for m in ("physix", "physix (no refiner)", "fno", "persistence")}
    assert all(v > 0 for v in table.values())
    neps = rows(out / "compare_neps.csv", "neps")
    assert set(neps) == {(GS, f"{h} {b}", m) for h in ("1", "2:8") for b in ("low", "mid", "high")
                         for m in ("physix", "physix (no refiner)", "fno", "persistence")}
    assert all(v > 0 for v in neps.values())
    report = json.loads((out / "compare.json").read_text())
    assert report["minutes"] == 0.1 and report["datasets"][GS]["horizon"] == 9
    steps = report["datasets"][GS]["steps"]
    assert steps["fno"] >= 1 and all(s >= 1 for s in steps["physix"].values())
    assert report["physix_train_seconds"] >= 6 and report["datasets"][GS]["train_seconds"]["fno"] >= 6  # each used its 0.1-minute budget

    with pytest.raises(OutputExistsError, match="already exist"):  # refused at once, before any training
        run(cmd_compare, compare_arguments, argv)

    specs = report["datasets"][GS]["specs"]
    status, printed = run(cmd_eval, eval_arguments, [
        "--datasets", GS, "--root", well, "--tokenizer", specs["physix"]["tokenizer"], "--ar", specs["physix"]["ar"],
        "--refiner", f"{GS}={specs['physix']['refiner'][GS]}", "--baseline", f"fno={specs['fno']}", "--persistence", "--out", tmp_path / "eval"])
    assert status == 0
    assert rows(tmp_path / "eval" / "eval.csv") == pytest.approx(table, rel=1e-5)
    assert rows(tmp_path / "eval" / "eval_neps.csv", "neps") == pytest.approx(neps, rel=1e-5)


def test_compare_overwrite(well, tmp_path):
    argv = ["--datasets", GS, "--minutes", "0.02", "--root", well, "--out", tmp_path, "--baselines", "fno"]
    assert run(cmd_compare, compare_arguments, argv)[0] == 0
    before = (tmp_path / "compare.json").read_text()
    assert run(cmd_compare, compare_arguments, argv + ["--overwrite"])[0] == 0
    assert json.loads((tmp_path / "compare.json").read_text())["minutes"] == 0.02
    assert (tmp_path / "compare.json").read_text() != before  # new timings


def test_cli_errors_are_one_line(well, tmp_path):
    "Once physix.cli wires `compare`, a bad request is one line on stderr and exit status 2."
    from physix.cli import build_parser, main
    choices = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices
    if "compare" not in choices: pytest.skip("physix.cli has no `compare` sub-command yet")
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = main(["compare", "--datasets", GS, "--minutes", "0.1", "--root", str(well), "--out", str(tmp_path),
                       "--baselines", "fno,resnet"])
    assert status == 2
    assert err.getvalue().startswith("physix: error: baselines: unknown ['resnet']") and err.getvalue().count("\n") == 1
