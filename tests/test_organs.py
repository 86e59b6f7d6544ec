"""Organ identity: which printed names are one organ, and the cross-year checks that follow it.

Real names from the project's own documents (golden/) and the issue's 洪泽区 pair, renamed the
ways real archives rename them (a leading place added or dropped, 管委会 / 管理委员会, spaces and
full width, a short form, one character a recogniser confuses), must join their organ; names of
two organs that share a short name (鼓楼区 of two cities) or differ by a character that is no
confusion (东城区 / 西城区) must never be joined. Then the store: cross-year checks run across a
join, a split undoes one and a merge makes one (each weighing the documents again), a registry
overrides, and a store made before organs were kept has its names joined when it is upgraded.
"""

from __future__ import annotations

import itertools
import json

import pytest
from click.testing import CliRunner

from extractor import Options, Store
from extractor.cli import cli
from extractor.pipeline import extract_bytes
from extractor.store.organs.join import Pin, plan
from extractor.store.organs.names import CONFUSABLE, parse

from . import fixtures as F
from .conftest import DOCS, EXPECTED

RULES = Options().fingerprint
REAL = sorted({json.loads(p.read_text(encoding="utf-8"))["organ"] for p in EXPECTED.glob("*.json")})
CONFUSED = {ch: cls[1] if ch == cls[0] else cls[0] for cls in CONFUSABLE for ch in cls}


def partition(names: list[str], pins: dict[str, Pin] | None = None) -> set[frozenset[str]]:
    clusters, _ = plan(names, pins)
    return {frozenset(p.name for p in c) for c in clusters}


# --- renamings ---------------------------------------------------------------------------------


def spaced(name: str) -> str:
    """Spaces inside the name, an ideographic one too, as a typist or a conversion leaves them."""
    return " ".join(name[:2]) + "\u3000" + name[2:] + "\u00a0"


def ocr(name: str) -> str | None:
    """The name with the last confusable character of its places read as another of its class."""
    end = len("".join(parse(name).places))
    for i in range(end - 1, -1, -1):
        if name[i] in CONFUSED and name[i] not in "区县乡镇":  # (their old forms are normalised anyway)
            return name[:i] + CONFUSED[name[i]] + name[i + 1 :]
    return None


def other_form(name: str) -> str:
    """The name as another year's report prints it: the government's full title where the name
    is short, the short one where it is full; a commission's long name for its short one."""
    for long, short in (("科委", "科学技术委员会"), ("管委会", "管理委员会")):
        if long in name:
            return name.replace(long, short)
    for suffix in ("人民政府", "办事处"):
        if name.endswith(suffix):
            return name.removesuffix(suffix)
    return name + ("办事处" if name.endswith("街道") else "管理委员会" if name.endswith("实验区") else "人民政府")


def renamings(name: str) -> dict[str, str]:
    out = {"spaces": spaced(name), "other form": other_form(name), "with a prefecture": "某某市" + name}
    if (o := ocr(name)) is not None:
        out["one character"] = o
    return out


def test_the_real_names_are_the_projects_own():
    assert "淮安市人民政府" in REAL and "平潭综合实验区" in REAL and len(REAL) >= 8


@pytest.mark.parametrize("name", REAL + ["洪泽区人民政府", "淮安市洪泽区人民政府"])
def test_each_renaming_of_a_real_name_joins_it(name):
    for how, renamed in renamings(name).items():
        assert renamed != name
        (cluster,) = plan([name, renamed])[0]
        assert {p.name for p in cluster} == {name, renamed}, how
        # One of them is its organ's first name; the other says how it joined it, and why.
        (first,) = [p for p in cluster if p.how == "first"]
        (joined,) = [p for p in cluster if p.how != "first"]
        assert joined.via == first.name and first.name in joined.why, how


def test_every_renaming_of_every_real_name_at_once_joins_its_own_name_only():
    names = [n for name in REAL for n in (name, *renamings(name).values())]
    expected = {frozenset((name, *renamings(name).values())) for name in REAL}
    assert partition(names) == expected
    # Whatever order they arrive in.
    assert partition(list(reversed(names))) == expected


REAL_PAIRS = [
    # (one year's name, another year's), both printed by real reports
    ("洪泽区人民政府", "淮安市洪泽区人民政府", "prefix"),  # the district, 2023 and 2024
    ("郟县龙山街道办事处", "郏县龙山街道办事处", "ocr"),  # golden 004 prints the old form of 郏
    ("平潭综合实验区", "平潭综合实验区管委会", "normalized"),  # golden 05's 发布机构
    ("郭巨街道办事处", "郭巨街道", "normalized"),  # golden 000's title and its text
    ("上海市科委", "上海市科学技术委员会", "normalized"),  # golden 10's short form
]


@pytest.mark.parametrize("a,b,how", REAL_PAIRS)
def test_real_variants_join_and_say_how(a, b, how):
    ((first, second),) = [plan([a, b])[0][0]]
    assert {first.how, second.how} == {"first", how}


NEVER = [
    ("南京市鼓楼区人民政府", "福州市鼓楼区人民政府"),  # one short name, two cities
    ("东城区", "西城区"),  # one character apart, but no confusion
    ("淮安市人民政府", "淮安市人民政府办公室"),  # the government and its office
    ("上海市科委", "上海市教委"),
    ("郭巨街道", "郭巨乡"),
    ("淮安市洪泽区人民政府", "宿迁市洪泽区人民政府"),
]


@pytest.mark.parametrize("a,b", NEVER)
def test_two_organs_are_never_joined(a, b):
    assert partition([a, b]) == {frozenset({a}), frozenset({b})}


def test_a_short_name_two_organs_share_joins_neither_and_says_why():
    names = ["鼓楼区人民政府", "南京市鼓楼区人民政府", "福州市鼓楼区人民政府"]
    for order in itertools.permutations(names):
        clusters, apart = plan(list(order))
        assert {frozenset(p.name for p in c) for c in clusters} == {frozenset({n}) for n in names}
        assert "南京市鼓楼区人民政府" in apart["鼓楼区人民政府"] and "福州市鼓楼区人民政府" in apart["鼓楼区人民政府"]
    # With one city only, it joins that city's.
    assert partition(names[:2]) == {frozenset(names[:2])}


def test_a_person_split_stays_split_and_a_registry_name_takes_joins():
    names = ["鼓楼区", "南京市鼓楼区"]
    assert partition(names, {"鼓楼区": Pin("o9", "person")}) == {frozenset({"鼓楼区"}), frozenset({"南京市鼓楼区"})}
    assert partition(names, {"南京市鼓楼区": Pin("o9", "person")}) == {frozenset({"鼓楼区"}), frozenset({"南京市鼓楼区"})}
    assert partition(names, {"南京市鼓楼区": Pin("320106", "registry")}) == {frozenset(names)}
    # Two names a registry gives two organs are two, however alike.
    two = {"鼓楼区": Pin("a", "registry"), "鼓楼区人民政府": Pin("b", "registry")}
    assert partition(["鼓楼区", "鼓楼区人民政府"], two) == {frozenset({"鼓楼区"}), frozenset({"鼓楼区人民政府"})}


@pytest.mark.parametrize(
    "name,places,office,level,kind",
    [
        ("淮安市洪泽区人民政府", ("淮安市", "洪泽区"), "", "县", "government"),
        ("团山子乡人民政府", ("团山子乡",), "", "乡", "government"),
        ("淮安市人民政府", ("淮安市",), "", "市", "government"),
        ("上海市科委", ("上海市",), "科委", "省", "department"),
        ("苏州市昆山市人民政府", ("苏州市", "昆山市"), "", "县", "government"),
        ("济南市市中区", ("济南市", "市中区"), "", "县", "government"),
        ("广州市城市管理局", ("广州市",), "城市管理局", "市", "department"),
        ("平潭综合实验区", ("平潭综合实验区",), "", None, "government"),
    ],
)
def test_a_name_is_read_as_its_places_and_office(name, places, office, level, kind):
    n = parse(name)
    assert (n.places, n.office, n.level, n.kind) == (places, office, level, kind)


# --- the store ---------------------------------------------------------------------------------


def _add(store: Store, report: F.Report):
    result = extract_bytes(f"{report.organ}{report.year}.txt", F.text(report).encode("utf-8"))
    assert result.status == "verified" and result.organ == report.organ
    return store.add(result, RULES)


def _named(report: F.Report, organ: str) -> F.Report:
    return F.Report(organ, report.year, report.template, report.cells)


HUAIAN = F.Report.golden("01_huaian_shi_2024")


def x1(store: Store, sha: str) -> dict[str, str]:
    return {c.check: c.status for c in store.current(sha).checks if c.rule == "X1"}


def test_cross_year_checks_run_across_a_join_a_split_undoes_it_and_a_merge_makes_it(tmp_path):
    earlier = _named(HUAIAN, "洪泽区人民政府")
    later = _named(HUAIAN.next_year(off_by=1), "淮安市洪泽区人民政府")
    with Store(tmp_path / "r.sqlite") as store:
        first = _add(store, earlier)
        second = _add(store, later)
        assert [r.sha256 for r in second.current.related] == [first.sha256]
        assert x1(store, second.sha256)["X1.natural"] == "warn"
        assert x1(store, first.sha256)["X1.natural (next year)"] == "warn"
        (organ,) = store.list_organs(organ="洪泽区人民政府")
        assert [(n.name, n.how, n.via) for n in organ.names] == [
            ("洪泽区人民政府", "prefix", "淮安市洪泽区人民政府"), ("淮安市洪泽区人民政府", "first", None)
        ]  # fmt: skip
        assert organ.name == "淮安市洪泽区人民政府" and organ.level == "县"

        alone = store.split_organ("洪泽区人民政府", by="li")
        assert alone != organ.organ_id
        assert store.current(second.sha256).related == [] and x1(store, first.sha256) == {}
        # A name arriving later does not undo the split.
        third = _add(store, _named(HUAIAN.next_year().next_year(), "洪泽区人民政府"))
        assert store.list_organs(organ="洪泽区人民政府")[0].organ_id == alone
        assert [r.sha256 for r in third.current.related] == []  # 2026's neighbour is 2025, of the other organ

        into = store.merge_organs([organ.organ_id, alone], by="li")
        assert into == organ.organ_id
        assert [r.sha256 for r in store.current(second.sha256).related] == [first.sha256, third.sha256]
        assert [e.detail["change"] for e in store.events(None) if e.action == "organs_changed"] == ["split", "merge"]


def test_a_short_name_is_left_apart_when_a_second_city_arrives(tmp_path):
    with Store(tmp_path / "r.sqlite") as store:
        short = _add(store, _named(HUAIAN.next_year(), "鼓楼区人民政府"))
        nanjing = _add(store, _named(HUAIAN, "南京市鼓楼区人民政府"))
        assert [r.sha256 for r in store.current(short.sha256).related] == [nanjing.sha256]
        _add(store, _named(HUAIAN.next_year().next_year(), "福州市鼓楼区人民政府"))
        # Which 鼓楼区 the short name is, is now a guess: it is not made, and its other year goes.
        assert store.current(short.sha256).related == [] and store.current(nanjing.sha256).related == []
        (apart,) = store.list_organs(organ="鼓楼区人民政府")
        assert "福州市鼓楼区人民政府" in (apart.names[0].apart or "")


def test_a_registry_overrides_and_gives_what_is_known(tmp_path):
    registry = tmp_path / "organs.csv"
    registry.write_text(
        "name,organ_id,region,level,kind\n淮安市洪泽区人民政府,320813,320813,县,government\n洪泽区政府,320813,,,\n",
        encoding="utf-8-sig",
    )
    db = tmp_path / "r.sqlite"
    with Store(db) as store:
        first = _add(store, _named(HUAIAN, "洪泽区人民政府"))
    runner = CliRunner()
    loaded = runner.invoke(cli, ["organs", "load", str(registry), "--db", str(db), "--reviewer", "li"])
    assert loaded.exit_code == 0, loaded.output
    listed = runner.invoke(cli, ["organs", "list", "--db", str(db), "--json", "--organ", "320813"])
    (organ,) = [json.loads(line) for line in listed.stdout.splitlines()]
    assert (organ["region"], organ["level"], organ["kind"], organ["origin"]) == ("320813", "县", "government", "registry")
    assert {n["name"]: n["how"] for n in organ["names"]} == {
        "淮安市洪泽区人民政府": "registry", "洪泽区政府": "registry", "洪泽区人民政府": "normalized"
    }  # fmt: skip
    with Store(db) as store:
        second = _add(store, _named(HUAIAN.next_year(), "淮安市洪泽区人民政府"))
        assert [r.sha256 for r in second.current.related] == [first.sha256]
    bad = tmp_path / "bad.csv"
    bad.write_text("name,organ_id,level\n某县,x,国\n", encoding="utf-8")
    refused = runner.invoke(cli, ["organs", "load", str(bad), "--db", str(db)])
    assert refused.exit_code == 2 and "line 2" in refused.output


def test_a_batch_takes_a_registry_before_its_first_document(tmp_path):
    registry = tmp_path / "organs.csv"
    registry.write_text("name,organ_id,region,level,kind\n淮安市人民政府,320800,320800,市,government\n", encoding="utf-8")
    db = tmp_path / "r.sqlite"
    runner = CliRunner()
    done = runner.invoke(cli, ["batch", str(DOCS / "01_huaian_shi_2024.pdf"), "--db", str(db), "--workers", "1", "--organs", str(registry)])
    assert done.exit_code in (0, 1), done.output
    with Store(db) as store:
        (organ,) = store.list_organs(organ="320800")
        assert (organ.region, organ.level, organ.origin) == ("320800", "市", "registry")
        assert {n.name for n in organ.names} == {"淮安市人民政府"}
        assert [e.actor for e in store.events(None) if e.action == "organs_changed"] == ["registry"]
    bad = tmp_path / "bad.csv"
    bad.write_text("name,organ_id,level\n某县,x,国\n", encoding="utf-8")
    refused = runner.invoke(cli, ["batch", str(DOCS / "01_huaian_shi_2024.pdf"), "--db", str(tmp_path / "new.sqlite"), "--organs", str(bad)])
    assert refused.exit_code == 2 and "line 2" in refused.output and not (tmp_path / "new.sqlite").exists()


def test_the_cli_lists_every_join_with_why_and_splits(tmp_path):
    db = tmp_path / "r.sqlite"
    with Store(db) as store:
        _add(store, _named(HUAIAN, "洪泽区人民政府"))
        _add(store, _named(HUAIAN.next_year(), "淮安市洪泽区人民政府"))
        _add(store, _named(HUAIAN, "兴安区人民政府"))
    runner = CliRunner()
    listed = runner.invoke(cli, ["organs", "list", "--db", str(db), "--joined"])
    assert listed.exit_code == 0, listed.output
    assert "洪泽区人民政府  [prefix]" in listed.stdout and "why: 洪泽区人民政府 printed without its leading place 淮安市" in listed.stdout
    assert "兴安区" not in listed.stdout  # one name: no join to show
    split = runner.invoke(cli, ["organs", "split", "洪泽区人民政府", "--db", str(db), "--reviewer", "li"])
    assert split.exit_code == 0 and "on its own" in split.stdout
    assert "[prefix]" not in runner.invoke(cli, ["organs", "list", "--db", str(db)]).stdout
    unknown = runner.invoke(cli, ["organs", "split", "无此机关", "--db", str(db), "--reviewer", "li"])
    assert unknown.exit_code == 2 and "无此机关" in unknown.output


def test_a_store_made_before_organs_has_its_names_joined_when_upgraded(tmp_path):
    db = tmp_path / "r.sqlite"
    with Store(db) as store:
        first = _add(store, _named(HUAIAN, "洪泽区人民政府"))
        second = _add(store, _named(HUAIAN.next_year(), "淮安市洪泽区人民政府"))
        # As the version before organs kept it: no organs, and each name its own organ's.
        store.db.execute("DROP TABLE organ_names")
        store.db.execute("DROP TABLE organs")
        store.db.execute("DELETE FROM _migrations WHERE name = 'm011_organs'")
        store.db.execute("DELETE FROM reviews")  # the results as read: no other year weighed
        assert store.current(second.sha256).related == []
    with Store(db) as store:
        assert [r.sha256 for r in store.current(second.sha256).related] == [first.sha256]
        assert [o.organ_id for o in store.list_organs(joined_only=True)] == [store.list_organs(organ="洪泽区人民政府")[0].organ_id]
