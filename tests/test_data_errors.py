"""Bad input to physix.data: every case raises a DataError that names the file and the problem."""
import shutil
from pathlib import Path

import h5py
import pytest
import torch
import yaml

from physix.core import DataError, PhysixError
from physix.data import FieldRegistry, WellWindows, scan_split
from physix.wellformat import write_well_dataset, write_well_file


def wave_batch(n_traj=4, T=8, X=8, Y=8, seed=0, name="shear_flow"):
    g = torch.Generator().manual_seed(seed)
    x, y, t = torch.linspace(0, 1, X), torch.linspace(0, 2, Y), torch.arange(T) * 0.1
    phase = torch.rand(n_traj, 1, 1, 1, generator=g) * 6.28
    tracer = torch.sin(6.28 * (x[None, None, :, None] - t[None, :, None, None]) + phase) + 0 * y
    return {"dataset_name": name, "time": t, "coords": {"x": x, "y": y},
            "boundary_conditions": {"x": "PERIODIC", "y": "PERIODIC"}, "scalars": {"Schmidt": 1.0},
            "t0_fields": {"tracer": tracer, "pressure": tracer ** 2},
            "t1_fields": {"velocity": torch.stack([tracer, -tracer], -1)}, "t2_fields": {}}


@pytest.fixture
def dataset(tmp_path):
    return write_well_dataset(tmp_path / "well", [wave_batch(10)], fractions=(0.6, 0.2, 0.2))


def first_train_file(dataset) -> Path:
    return sorted((dataset / "data" / "train").glob("*.hdf5"))[0]


def test_good_dataset_loads(dataset):
    ds = WellWindows(dataset, "train", n_in=2, n_out=2, registry=FieldRegistry.well())
    assert len(ds) == 6 * (8 - 4 + 1)
    assert torch.isfinite(ds[0]["fields"]).all()


def test_missing_directory(tmp_path):
    with pytest.raises(DataError, match=r"nowhere: dataset directory does not exist"):
        WellWindows(tmp_path / "nowhere", "train")


def test_missing_split(dataset):
    shutil.rmtree(dataset / "data" / "valid")
    with pytest.raises(DataError, match=r"valid: no \.hdf5 files"):
        WellWindows(dataset, "valid")


def test_unknown_split(dataset):
    with pytest.raises(DataError, match=r"split 'training': expected one of"):
        WellWindows(dataset, "training")


def test_not_hdf5(dataset):
    bad = dataset / "data" / "train" / "notes.hdf5"
    bad.write_text("this is a text file, not HDF5")
    with pytest.raises(DataError, match=r"notes\.hdf5: not an HDF5 file"):
        WellWindows(dataset, "train")


def test_truncated_hdf5(dataset):
    f = first_train_file(dataset)
    data = f.read_bytes()
    f.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match=rf"{f.name}: cannot be read as a Well file \(truncated or corrupt\?\)"):
        WellWindows(dataset, "train")


@pytest.mark.parametrize("group", ["t0_fields", "t1_fields", "t2_fields"])
def test_missing_field_group(dataset, group):
    f = first_train_file(dataset)
    with h5py.File(f, "a") as h: del h[group]
    with pytest.raises(DataError, match=rf"{f.name}: missing group\(s\) \['{group}'\]"):
        WellWindows(dataset, "train")


def test_unknown_field(tmp_path):
    batch = wave_batch()
    batch["t0_fields"]["vorticity_typo"] = batch["t0_fields"].pop("pressure")
    root = write_well_dataset(tmp_path / "well", [batch])
    with pytest.raises(DataError, match=r"hdf5: unknown field\(s\) \['vorticity_typo'\]"):
        WellWindows(root, "train", registry=FieldRegistry.well())


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_nan_or_inf_in_data(dataset, value):
    f = first_train_file(dataset)
    with h5py.File(f, "a") as h: h["t0_fields/pressure"][2, 5, 3, 3] = value
    ds = WellWindows(dataset, "train", n_in=2, n_out=1, normalization=None)
    ds[0]  # trajectory 0 is clean
    index = 2 * (8 - 3 + 1) + 4  # trajectory 2, window starting at t=4 covers t=5
    with pytest.raises(DataError, match=rf"{f.name}: NaN/Inf in field\(s\) \['pressure'\], trajectory 2, frames 4\.\.6"):
        ds[index]


def test_mismatched_resolutions(dataset):
    other = wave_batch(2, X=16)
    write_well_file(dataset / "data" / "train" / "zz_other.hdf5", other)
    with pytest.raises(DataError, match=r"zz_other\.hdf5: resolution is \(16, 8\) but .* has \(8, 8\)"):
        WellWindows(dataset, "train")


def test_mixed_datasets_in_one_split(dataset):
    write_well_file(dataset / "data" / "train" / "zz_other.hdf5", wave_batch(2, name="rayleigh_benard"))
    with pytest.raises(DataError, match=r"zz_other\.hdf5: dataset_name is rayleigh_benard but"):
        WellWindows(dataset, "train")


def test_window_longer_than_trajectory(dataset):
    with pytest.raises(DataError, match=r"trajectories have 8 time steps, shorter than the window of 9 frames"):
        WellWindows(dataset, "train", n_in=4, n_out=5)
    with pytest.raises(DataError, match=r"shorter than the window of 9 frames"):
        WellWindows(dataset, "test", n_in=8, n_out=1, mode="rollout")


def test_missing_stats(dataset):
    (dataset / "stats.yaml").unlink()
    WellWindows(dataset, "train", normalization=None)  # fine without normalisation
    WellWindows(dataset, "train", normalization="sample_rms")  # per-sample: needs no file
    with pytest.raises(DataError, match=r"stats\.yaml: missing; normalization='zscore' needs it"):
        WellWindows(dataset, "train", normalization="zscore")


def test_stats_without_a_field(dataset):
    stats = yaml.safe_load((dataset / "stats.yaml").read_text())
    del stats["rms"]["velocity"]
    (dataset / "stats.yaml").write_text(yaml.safe_dump(stats))
    with pytest.raises(DataError, match=r"'rms' has no entry for field\(s\) \['velocity'\]"):
        WellWindows(dataset, "train", normalization="rms")


@pytest.mark.parametrize("kwargs, message", [
    (dict(n_in=0), "n_in must be >= 1"),
    (dict(normalization="minmax"), "normalization: expected"),
    (dict(mode="eval"), "mode: expected 'train' or 'rollout'"),
    (dict(n_out=None), "mode='train' needs a number of output frames"),
])
def test_bad_arguments(dataset, kwargs, message):
    with pytest.raises(DataError, match=message):
        WellWindows(dataset, "train", **kwargs)


def test_errors_are_physix_errors(tmp_path):
    with pytest.raises(PhysixError):
        scan_split(tmp_path / "nowhere", "train")
