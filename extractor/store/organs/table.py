"""The organs of a store: `organs` (one row per organ, its stable `organ_id`) and `organ_names`
(every name a report printed, or a registry listed, with its organ and how it got there).

A name is placed when it is first seen (`assign`): its group's names are planned again
(`join.plan`) and each cluster keeps the organ_id most of its names held, so ids stay put as
names arrive; a cluster no id fits gets a new one (`o` and a number never used before). What
moved is returned, so the store weighs those documents' other years again: cross-year checks
and evidence are keyed on the organ, not on the printed name (`same_organ`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .join import Pin, Placement, plan
from .names import parse

SCHEMA = """
CREATE TABLE organs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: an auto organ_id is 'o' || seq
    organ_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,                     -- the canonical name
    region TEXT,                            -- the region code, where a registry gives it
    level TEXT,                             -- 省, 市, 县, 乡, where known
    kind TEXT,                              -- government or department, where known
    origin TEXT NOT NULL,                   -- auto (from printed names) or registry
    made_at TEXT NOT NULL
);
CREATE TABLE organ_names (
    name TEXT PRIMARY KEY,                  -- as printed (results.organ) or listed by a registry
    organ_id TEXT NOT NULL REFERENCES organs (organ_id),
    grp TEXT NOT NULL,                      -- the names it could be joined to share it (names.Name.group)
    how TEXT NOT NULL,                      -- first, normalized, ocr, prefix, registry, person
    via TEXT,                               -- the name it was joined to
    why TEXT NOT NULL,
    pin TEXT,                               -- registry or person: its organ kept whatever arrives
    apart TEXT,                             -- why a join that would have been a guess was not made
    first_seen TEXT NOT NULL
);
CREATE INDEX organ_names_group ON organ_names (grp);
CREATE INDEX organ_names_organ ON organ_names (organ_id);
"""


@dataclass(frozen=True)
class Moved:
    """What a change of the organs moved: names whose organ changed, and the organs touched."""

    names: frozenset[str] = frozenset()
    organs: frozenset[str] = frozenset()

    def __or__(self, other: Moved) -> Moved:
        return Moved(self.names | other.names, self.organs | other.organs)


@dataclass(frozen=True)
class _Decision:
    placements: list[tuple[Placement, str | None]]  # each name with its organ_id (None: a new organ)
    apart: dict[str, str]


def _group_rows(db: sqlite3.Connection, grp: str) -> list[tuple[str, str, str | None]]:
    return db.execute("SELECT name, organ_id, pin FROM organ_names WHERE grp = ? ORDER BY rowid", (grp,)).fetchall()


def _decide(db: sqlite3.Connection, grp: str, extra: Sequence[str] = ()) -> _Decision:
    """The group's names (and `extra`, as if seen) planned, each cluster given an organ_id:
    the one its pins name, else the one held by its earliest name that no earlier cluster took."""
    rows = _group_rows(db, grp)
    held = {name: organ for name, organ, _ in rows}
    pins = {name: Pin(organ, pin) for name, organ, pin in rows if pin}  # type: ignore[arg-type]
    names = [name for name, _, _ in rows] + [n for n in extra if n not in held]
    clusters, apart = plan(names, pins)
    reserved = {pin.organ_id for pin in pins.values()}
    taken: set[str] = set()
    out: list[tuple[Placement, str | None]] = []
    for cluster in clusters:
        pinned = [pins[p.name].organ_id for p in cluster if p.name in pins]
        kept = [held[p.name] for p in cluster if p.name in held and held[p.name] not in taken and held[p.name] not in reserved]
        organ = pinned[0] if pinned else (kept[0] if kept else None)
        if organ is not None:
            taken.add(organ)
        out += [(p, organ) for p in cluster]
    return _Decision(out, apart)


def _new_organ(db: sqlite3.Connection, name: str, at: str) -> str:
    cur = db.execute("INSERT INTO organs (organ_id, name, origin, made_at) VALUES ('', ?, 'auto', ?)", (name, at))
    organ = f"o{cur.lastrowid}"
    db.execute("UPDATE organs SET organ_id = ? WHERE seq = ?", (organ, cur.lastrowid))
    return organ


def replan(db: sqlite3.Connection, grp: str, at: str, extra: Sequence[str] = ()) -> Moved:
    """Place the group's names again (`extra`: new names, added); returns what moved."""
    decision = _decide(db, grp, extra)
    before = {name: organ for name, organ, _ in _group_rows(db, grp)}
    made: dict[int, str] = {}
    moved: set[str] = set()
    touched: set[str] = set(before.values())
    changed: set[str] = set()  # the organs a known name left or joined
    for p, organ in decision.placements:
        if organ is None:
            organ = made.get(p.cluster) or made.setdefault(p.cluster, _new_organ(db, p.name, at))
        touched.add(organ)
        apart = decision.apart.get(p.name)
        if p.name not in before:  # a new name moves nobody's documents: its own are still arriving
            db.execute(
                "INSERT INTO organ_names (name, organ_id, grp, how, via, why, apart, first_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (p.name, organ, grp, p.how, p.via, p.why, apart, at),
            )
            continue
        if before[p.name] != organ:
            moved.add(p.name)
            changed |= {before[p.name], organ}
        db.execute(
            "UPDATE organ_names SET organ_id = ?, how = ?, via = ?, why = ?, apart = ? WHERE name = ?",
            (organ, p.how, p.via, p.why, apart, p.name),
        )
    refresh(db, touched)
    return Moved(frozenset(moved), frozenset(changed))


def refresh(db: sqlite3.Connection, organs: Iterable[str]) -> None:
    """Each organ's canonical name, level and kind follow its names (a registry's stay as given);
    an organ of the printed names left with none is gone."""
    for organ in organs:
        row = db.execute("SELECT origin FROM organs WHERE organ_id = ?", (organ,)).fetchone()
        if row is None:
            continue
        names = [n for (n,) in db.execute("SELECT name FROM organ_names WHERE organ_id = ? ORDER BY rowid", (organ,))]
        if row[0] == "registry":
            continue
        if not names:
            db.execute("DELETE FROM organs WHERE organ_id = ?", (organ,))
            continue
        # The fullest name: most places named, then the longest, then the first seen.
        canonical = max(names, key=lambda n: (len(parse(n).places), len(n), -names.index(n)))
        described = parse(canonical)
        db.execute(
            "UPDATE organs SET name = ?, level = ?, kind = ? WHERE organ_id = ?",
            (canonical, described.level, described.kind, organ),
        )


def assign(db: sqlite3.Connection, name: str | None, at: str) -> Moved:
    """Place a printed name seen for the first time (nothing to do for a known one)."""
    if not name or db.execute("SELECT 1 FROM organ_names WHERE name = ?", (name,)).fetchone():
        return Moved()
    return replan(db, parse(name).group, at, extra=[name])


def organ_of(db: sqlite3.Connection, name: str) -> str | None:
    row = db.execute("SELECT organ_id FROM organ_names WHERE name = ?", (name,)).fetchone()
    return row[0] if row else None


def names_of(db: sqlite3.Connection, organ: str) -> list[str]:
    return [n for (n,) in db.execute("SELECT name FROM organ_names WHERE organ_id = ? ORDER BY rowid", (organ,))]


def same_organ(db: sqlite3.Connection, name: str, *, arriving: str | None = None) -> list[str]:
    """Every name of the organ `name` is printed for, itself included, as the store places them
    now, and as it would were `arriving` (a name about to be added) placed too. A store without
    organs (one being carried over from an earlier version) knows each name alone."""
    try:
        row = db.execute("SELECT organ_id FROM organ_names WHERE name = ?", (name,)).fetchone()
        unknown = [n for n in (name, arriving) if n and organ_of(db, n) is None]
    except sqlite3.OperationalError:  # no organs table yet
        return [name] if arriving in (None, name) else [name, arriving]
    if row is not None and not [n for n in unknown if parse(n).group == parse(name).group]:
        return names_of(db, row[0])
    grp = parse(name).group
    decision = _decide(db, grp, [n for n in unknown if parse(n).group == grp])
    mine = next(p for p, _ in decision.placements if p.name == name)
    organ = next(o for p, o in decision.placements if p.name == name)
    here = [p.name for p, _ in decision.placements if p.cluster == mine.cluster]
    elsewhere = [n for n in names_of(db, organ) if n not in here] if organ else []
    return here + elsewhere


# --- people's changes ---------------------------------------------------------------------------


def _pin(db: sqlite3.Connection, names: Iterable[str], organ: str, by: str, at: str) -> set[str]:
    """Give `names` the organ `organ` for good (`by`: registry or person); returns their groups."""
    groups = set()
    for name in names:
        grp = parse(name).group
        groups.add(grp)
        db.execute(
            "INSERT INTO organ_names (name, organ_id, grp, how, why, pin, first_seen) VALUES (?, ?, ?, ?, '', ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET organ_id = excluded.organ_id, pin = excluded.pin",
            (name, organ, grp, by, by, at),
        )
    return groups


def _replan_all(db: sqlite3.Connection, groups: Iterable[str], at: str, also: Iterable[str] = ()) -> Moved:
    moved = Moved(frozenset(), frozenset(also))
    for grp in sorted(set(groups)):
        moved |= replan(db, grp, at)
    refresh(db, moved.organs)
    return moved


def split(db: sqlite3.Connection, name: str, at: str) -> tuple[str, Moved]:
    """`name` taken out of its organ into one of its own, for good: no guess joins it again."""
    was = organ_of(db, name)
    if was is None:
        raise LookupError(name)
    organ = _new_organ(db, name, at)
    moved = _replan_all(db, _pin(db, [name], organ, "person", at), at, also=[was, organ])
    return organ, moved | Moved(frozenset({name}), frozenset())


def merge(db: sqlite3.Connection, organs: Sequence[str], at: str) -> tuple[str, Moved]:
    """The organs (their ids) made one, the first's id kept, every name of them pinned to it."""
    into = organs[0]
    kept = set(names_of(db, into))
    names = [n for organ in organs for n in names_of(db, organ)]
    moved = _replan_all(db, _pin(db, names, into, "person", at), at, also=organs)
    return into, moved | Moved(frozenset(n for n in names if n not in kept), frozenset())


@dataclass(frozen=True)
class Entry:
    """One row of an organs registry: a name and the organ it is, with what is known of it."""

    name: str
    organ_id: str
    region: str | None = None
    level: str | None = None
    kind: str | None = None


def load_registry(db: sqlite3.Connection, entries: Sequence[Entry], at: str) -> Moved:
    """A registry's organs and names, over what the printed names made: each listed name is
    pinned to its organ, and printed names join them as they join any name."""
    groups: set[str] = set()
    organs: set[str] = set()
    for e in entries:
        if e.organ_id not in organs:
            organs.add(e.organ_id)
            db.execute(
                "INSERT INTO organs (organ_id, name, region, level, kind, origin, made_at) VALUES (?, ?, ?, ?, ?, 'registry', ?)"
                " ON CONFLICT (organ_id) DO UPDATE SET name = excluded.name, region = excluded.region,"
                " level = excluded.level, kind = excluded.kind, origin = 'registry'",
                (e.organ_id, e.name, e.region, e.level, e.kind, at),
            )
        groups |= _pin(db, [e.name], e.organ_id, "registry", at)
    return _replan_all(db, groups, at, also=organs)


def fill(db: sqlite3.Connection, at: str) -> Moved:
    """Every name the results print, placed (a store made before organs were kept)."""
    moved = Moved()
    by_group: dict[str, list[str]] = {}
    for (name,) in db.execute("SELECT organ FROM results WHERE organ IS NOT NULL GROUP BY organ ORDER BY min(id)"):
        by_group.setdefault(parse(name).group, []).append(name)
    for grp, names in by_group.items():
        moved |= replan(db, grp, at, extra=names)
    return moved


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrintedName:
    """A name of an organ: how it joined, from which name, why; its documents and their years."""

    name: str
    how: str
    via: str | None
    why: str
    pin: str | None
    apart: str | None
    documents: int
    years: tuple[int, ...]


@dataclass(frozen=True)
class Known:
    """What is known of an organ: its id, canonical name, and where known its place in the state."""

    organ_id: str
    name: str
    region: str | None
    level: str | None
    kind: str | None


@dataclass(frozen=True)
class Organ(Known):
    """An organ as `organs list` shows it: also how it was made, and every name it was printed under."""

    origin: str
    names: tuple[PrintedName, ...]

    def to_dict(self) -> dict[str, object]:
        from dataclasses import asdict

        return asdict(self)


def listing(db: sqlite3.Connection, *, organ: str | None = None, joined_only: bool = False) -> list[Organ]:
    """The organs (`organ`: the one of that id, or of that name), each with its names."""
    where, args = "", ()
    if organ is not None:
        found = organ if db.execute("SELECT 1 FROM organs WHERE organ_id = ?", (organ,)).fetchone() else organ_of(db, organ)
        where, args = "WHERE o.organ_id = ?", (found or "",)
    counts: dict[str, tuple[int, tuple[int, ...]]] = {}
    for name, n, years in db.execute(
        "SELECT organ, count(*), group_concat(DISTINCT year) FROM current_results WHERE organ IS NOT NULL GROUP BY organ"
    ):
        counts[name] = (n, tuple(sorted(int(y) for y in years.split(",") if y)) if years else ())
    out = []
    for organ_id, name, region, level, kind, origin in db.execute(
        f"SELECT o.organ_id, o.name, o.region, o.level, o.kind, o.origin FROM organs o {where} ORDER BY o.name, o.organ_id", args  # noqa: S608
    ).fetchall():
        names = tuple(
            PrintedName(n, how, via, why, pin, apart, *counts.get(n, (0, ())))
            for n, how, via, why, pin, apart in db.execute(
                "SELECT name, how, via, why, pin, apart FROM organ_names WHERE organ_id = ? ORDER BY rowid", (organ_id,)
            )
        )
        if joined_only and len(names) < 2 and not any(n.apart for n in names):
            continue
        out.append(Organ(organ_id, name, region, level, kind, origin, names))
    return out
