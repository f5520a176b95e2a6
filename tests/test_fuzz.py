"""Fuzz pass (issue 15): truncated, binary, empty, huge-cell and wrong-extension files.

A fixed list of bad files, generated at test time in a temporary folder, is
fed to every loader (``hutan_geo.io.load_*``, ``load``, ``load_district``)
and to every ``hutan-geo`` command. The library may only raise a
:class:`~hutan_geo.errors.HutanError` (or ``FileNotFoundError`` for a missing
path) whose message names the file; the command line prints one message and
exits with status 2, never a traceback.
"""

from __future__ import annotations

import json
import random
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
import shapely

from hutan_geo import io
from hutan_geo.cli import main
from hutan_geo.errors import HutanError

_RNG = random.Random(15)
_GOOD_CSV = "学校编号,学校名称,学段,经度,纬度\nS1,城关第一小学,小学,113.31,27.61\nS2,城关中学,初中,113.32,27.62\n"
#: Files of the list that are awkward but readable: a 32,000-character Excel cell, a huge and nested GeoJSON
#: property, a GBK file cut inside its last character (read up to the cut; the broken row goes to review).
_LOADABLE = {"huge_cell.xlsx", "huge_cell.geojson", "truncated.csv"}
_KINDS = sorted(io.LAYOUT[name][1] for name in io.LAYOUT)


def _xlsx_bytes(tmp: Path, big: bool = False) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    for line in _GOOD_CSV.splitlines():
        ws.append(line.split(","))
    if big:
        ws.append(["S3", "巨" * 32_000, "小学", 113.33, 27.63])
    path = tmp / "_book.xlsx"
    book.save(path)
    return path.read_bytes()


def _spatial_bytes(tmp: Path, suffix: str) -> bytes:
    path = tmp / f"_layer{suffix}"
    gdf = gpd.GeoDataFrame({"学校名称": ["一小"], "学段": ["小学"]}, geometry=[shapely.Point(113.3, 27.6)], crs=4326)
    gdf.to_file(path, engine="pyogrio")
    return path.read_bytes()


def bad_files(tmp: Path) -> dict[str, bytes | None]:
    """Name -> bytes of every bad file (None: a folder under that name)."""
    xlsx = _xlsx_bytes(tmp)
    geojson = _spatial_bytes(tmp, ".geojson")
    gpkg = _spatial_bytes(tmp, ".gpkg")
    binary = _RNG.randbytes(3000)
    files: dict[str, bytes | None] = {
        "empty.csv": b"",
        "blank.csv": b" \n\r\n\t\n",
        "empty.xlsx": b"",
        "empty.geojson": b"",
        "empty.shp": b"",
        "binary.csv": binary,
        "binary.xlsx": binary,
        "binary.geojson": binary,
        "binary.gpkg": binary,
        "binary.shp": binary,
        "nul.csv": _GOOD_CSV.encode() + b"\x00\x00\x01",
        "utf16_no_bom.csv": _GOOD_CSV.encode("utf-16-le"),
        "truncated.csv": _GOOD_CSV.encode("gbk")[:-7] + "城".encode("gbk")[:1],
        "truncated_quote.csv": _GOOD_CSV.encode()[:60] + b'"S9,\xe5',
        "truncated.xlsx": xlsx[: len(xlsx) // 2],
        "truncated.geojson": geojson[: len(geojson) // 2],
        "truncated.gpkg": gpkg[: len(gpkg) // 3],
        "huge_cell.csv": (_GOOD_CSV + "S3," + "巨" * 200_000 + ",小学,113.3,27.6\n").encode(),
        "huge_cell.xlsx": _xlsx_bytes(tmp, big=True),
        "huge_cell.geojson": json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [113.3, 27.6]},
                        "properties": {"学校名称": "巨" * 200_000, "学段": "小学", "深": {"a": [[1], {"b": None}]}},
                    }
                ],
            },
            ensure_ascii=False,
        ).encode(),
        "xlsx_named.csv": xlsx,
        "csv_named.xlsx": _GOOD_CSV.encode(),
        "csv_named.geojson": _GOOD_CSV.encode(),
        "csv_named.shp": _GOOD_CSV.encode(),
        "png_named.gpkg": b"\x89PNG\r\n\x1a\n" + binary[:200],
        "old.xls": binary[:512],
        "notes.docx": binary[:512],
        "zip_named.zip": _zip_of_nothing(),
        "folder.csv": None,
    }
    return files


def _zip_of_nothing() -> bytes:
    buffer = __import__("io").BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "no layer here")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("fuzz")
    out = {}
    for name, data in bad_files(tmp).items():
        path = tmp / name
        if data is None:
            path.mkdir()
            (path / "inside.csv").write_text(_GOOD_CSV, encoding="utf-8")
        else:
            path.write_bytes(data)
        out[name] = path
    return out


def _only_our_errors(call, path: Path) -> None:
    try:
        result = call()
    except HutanError as exc:
        message = f"{type(exc).__name__}: {exc}"
    else:
        message = None
    if message is not None:
        assert path.name in message, f"the error does not name {path.name}: {message}"
        return
    assert result.rows_read == len(result.valid) + len(result.rejected) + result.blank_rows


def test_every_loader_raises_only_our_errors(bad: dict[str, Path]) -> None:
    loaders = {name: getattr(io, name) for name in io.__all__ if name.startswith("load_") and name != "load_frame"}
    loaders.pop("load_district")
    assert len(loaders) == 12  # every dataset kind, security profiles, residences and bus stops included
    for path in bad.values():
        for name, loader in loaders.items():
            try:
                _only_our_errors(lambda loader=loader, path=path: loader(path), path)
            except AssertionError:
                raise
            except Exception as exc:  # reported with the loader and the file
                pytest.fail(f"{name}({path.name}) raised {type(exc).__name__}: {exc}")
        for kind in _KINDS:
            try:
                _only_our_errors(lambda kind=kind, path=path: io.load(path, kind), path)
            except AssertionError:
                raise
            except Exception as exc:
                pytest.fail(f"load({path.name}, {kind!r}) raised {type(exc).__name__}: {exc}")


@pytest.mark.parametrize("name", ["binary.csv", "nul.csv", "huge_cell.csv", "xlsx_named.csv", "folder.csv"])
def test_load_district_with_a_bad_file(tmp_path: Path, bad: dict[str, Path], name: str) -> None:
    root = tmp_path / "district"
    (root / "schools").mkdir(parents=True)
    (root / "hazards").mkdir()
    (root / "hazards" / "hazards.csv").write_text("隐患编号,隐患类别,隐患描述,地址\nH1,交通,路口,人民路1号\n", "utf-8")
    target = root / "schools" / "schools.csv"
    if bad[name].is_dir():
        target.mkdir()
    else:
        target.write_bytes(bad[name].read_bytes())
    with pytest.raises(HutanError, match=r"schools\.csv"):
        io.load_district(root)


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_validate_command_on_every_bad_file(bad: dict[str, Path], capsys, tmp_path: Path, lang: str) -> None:
    for path in bad.values():
        code, err = _cli(["validate", "schools", str(path), "--out", str(tmp_path / "o"), "--lang", lang], capsys)
        if path.name in _LOADABLE:  # bad-looking but readable: a result, not an error
            assert (code, err) == (0, ""), (path.name, code, err)
            continue
        assert code == 2, (path.name, code, err)
        assert len(err.strip().splitlines()) == 1, err
        assert path.name in err


def test_geocode_command_on_bad_files(bad: dict[str, Path], capsys, tmp_path: Path) -> None:
    for name in ("empty.csv", "binary.csv", "nul.csv", "truncated.xlsx", "csv_named.xlsx", "folder.csv", "old.xls"):
        code, err = _cli(["geocode", str(bad[name]), "--out", str(tmp_path / "o")], capsys)
        assert code == 2, (name, code, err)
        assert len(err.strip().splitlines()) == 1, err


def test_commands_with_a_bad_folder(tmp_path: Path, bad: dict[str, Path], capsys) -> None:
    a_file = tmp_path / "a_file"
    a_file.write_text("not a folder")
    broken = tmp_path / "broken_district"
    (broken / "schools").mkdir(parents=True)
    (broken / "schools" / "schools.csv").write_bytes(bad["binary.csv"].read_bytes())
    commands = [
        ["demo", "--out", str(a_file / "sub"), "--no-png"],
        ["demo-data", "--out", str(a_file)],
        ["assets", "--cache", str(a_file)],
        ["patrol", "--district", str(broken), "--iterations", "10", "--out", str(tmp_path / "p")],
        ["coverage", "--district", str(a_file), "--iterations", "10", "--out", str(tmp_path / "c")],
        ["geocode", str(bad["truncated.csv"]), "--district", str(broken)],
    ]
    for argv in commands:
        code, err = _cli(argv, capsys)
        assert code == 2, (argv, code, err)
        assert len(err.strip().splitlines()) == 1, (argv, err)


def test_validate_writes_into_a_file_path_is_one_message(tmp_path: Path, capsys) -> None:
    good = tmp_path / "schools.csv"
    good.write_text(_GOOD_CSV, encoding="utf-8")
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    code, err = _cli(["validate", "schools", str(good), "--out", str(blocker)], capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1
