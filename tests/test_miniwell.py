"""Every generated mini-Well dataset loads through the_well's own WellDataset (ZScore and RMS) and physix.data."""
import h5py
import pytest
import torch
import yaml
from the_well.data import WellDataset
from the_well.data.normalization import RMSNormalization, ZScoreNormalization

from physix.data import FieldRegistry, WELL_FIELDS, WellWindows, balanced_loader, denormalize
from physix.sims.generate import RECIPES, make_dataset
from physix.wellformat import SPLITS


@pytest.fixture(scope="module")
def miniwell(tmp_path_factory):
    root = tmp_path_factory.mktemp("miniwell")
    for name in RECIPES:
        make_dataset(name, root, resolution=16, n_traj=3, n_steps=6, seed=0, progress=False)
    return root


@pytest.mark.parametrize("name", list(RECIPES))
def test_layout_and_the_well_loading(miniwell, name):
    path = miniwell / "datasets" / name
    varying, constant = WELL_FIELDS[name]
    for split in SPLITS:
        for norm in (ZScoreNormalization, RMSNormalization):
            ds = WellDataset(path=str(path), well_split_name=split, n_steps_input=2, n_steps_output=1,
                             use_normalization=True, normalization_type=norm)
            s = ds[0]
            assert s["input_fields"].shape[-1] == len(varying)
            assert torch.isfinite(s["input_fields"]).all() and torch.isfinite(s["output_fields"]).all()
            if constant: assert s["constant_fields"].shape[-1] == len(constant)
    with h5py.File(next((path / "data" / "train").glob("*.hdf5"))) as f:
        assert f.attrs["dataset_name"] == name
        assert f["dimensions/time"].attrs["time_varying"]
        assert all(g in f for g in ("t0_fields", "t1_fields", "t2_fields", "scalars", "boundary_conditions"))
        bcs = {f["boundary_conditions"][b].attrs["bc_type"] for b in f["boundary_conditions"]}
        assert bcs <= {"WALL", "OPEN", "PERIODIC"}


@pytest.mark.parametrize("name", list(RECIPES))
def test_physix_windows_in_the_wells_channel_order(miniwell, name):
    path = miniwell / "datasets" / name
    varying, constant = WELL_FIELDS[name]
    raw = WellWindows(path, "train", n_in=2, n_out=2, normalization=None, registry=FieldRegistry.well())
    assert raw.channels == varying + constant
    sample = raw[len(raw) - 1]
    for norm in ("zscore", "rms", "sample_rms"):
        n = WellWindows(path, "train", n_in=2, n_out=2, normalization=norm, registry=FieldRegistry.well())[len(raw) - 1]
        torch.testing.assert_close(denormalize(n["fields"], n["shift"], n["scale"]), sample["fields"], rtol=1e-4, atol=1e-4)


def test_zscore_of_training_split_is_standardised(miniwell):
    # stats.yaml comes from the training trajectories: z-scored training frames have mean ~0 and std ~1 per channel.
    path = miniwell / "datasets" / "shear_flow"
    ds = WellWindows(path, "train", n_in=6, n_out=0, mode="train", normalization="zscore")
    frames = torch.stack([ds[i]["fields"] for i in range(len(ds))])  # every training trajectory, all 6 frames
    torch.testing.assert_close(frames.mean(dim=(0, 2, 3, 4)), torch.zeros(4), atol=1e-4, rtol=0)
    torch.testing.assert_close(frames.std(dim=(0, 2, 3, 4), unbiased=False), torch.ones(4), atol=1e-3, rtol=0)


def test_balanced_loader_over_the_whole_miniwell(miniwell):
    names = list(RECIPES)
    loader = balanced_loader(miniwell, names, batch_size=2, n_in=2, n_out=1)
    counts = torch.zeros(len(names))
    for batch in loader:
        ids = batch["dataset_id"].unique()
        assert len(ids) == 1
        counts[ids[0]] += len(batch["dataset_id"])
        present = batch["field_mask"][0]
        assert (batch["fields"][:, ~present] == 0).all()
    assert (counts == counts[0]).all(), counts


def test_same_seed_same_files(miniwell, tmp_path):
    again = make_dataset("euler_multi_quadrants_periodicBC", tmp_path, resolution=16, n_traj=3, n_steps=6, seed=0, progress=False)
    first = miniwell / "datasets" / "euler_multi_quadrants_periodicBC"
    for f in first.rglob("*.hdf5"):
        with h5py.File(f) as a, h5py.File(again / f.relative_to(first)) as b:
            for field in ("t0_fields/density", "t1_fields/momentum"):
                assert (a[field][:] == b[field][:]).all()
    assert yaml.safe_load((first / "stats.yaml").read_text()) == yaml.safe_load((again / "stats.yaml").read_text())
