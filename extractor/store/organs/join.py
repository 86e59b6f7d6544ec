"""Which printed names are one organ: the names of one group (`names.Name.group`) put together,
each with how and why. Pure: the same names and pins give the same plan, whatever order the
names arrived in (their order only decides which name is first of its organ).

A name joins another, in this order of trust:

* **pinned**: a registry (`registry`) or a person (`person`) gave it an organ: names given one
  organ are one, and names given two are never joined;
* **normalized**: the same places and office once width, spaces and short forms are made alike;
* **ocr**: the same but for one character of a confusable pair (郟/郏), and no other name is so
  close to it;
* **prefix**: printed without its leading places ("洪泽区" for "淮安市洪泽区"), when exactly one
  organ is named with them. Two ("鼓楼区" of 南京市 and of 福州市) leave it apart, and say so.

A name a person pinned takes part in no guess (ocr, prefix) either way: a split stays split.
Every decision, and every name left apart, comes with a sentence saying why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from .names import Name, confusable, fold, parse

How = Literal["first", "registry", "person", "normalized", "ocr", "prefix"]


@dataclass(frozen=True)
class Pin:
    organ_id: str
    by: Literal["registry", "person"]


@dataclass(frozen=True)
class Placement:
    """One name in a plan: its cluster, how it came to be there, from which name, and why."""

    name: str
    cluster: int
    how: How
    via: str | None
    why: str


class _Sets:
    """Union-find over names, each set knowing the organs pinned in it and whether a person fixed it."""

    def __init__(self, names: Sequence[str], pins: Mapping[str, Pin]):
        self.parent = {n: n for n in names}
        self.pinned = {n: {pins[n].organ_id} if n in pins else set() for n in names}
        self.fixed = {n: n in pins and pins[n].by == "person" for n in names}
        self.members = {n: [n] for n in names}

    def root(self, n: str) -> str:
        while self.parent[n] != n:
            self.parent[n] = self.parent[self.parent[n]]
            n = self.parent[n]
        return n

    def can_join(self, a: str, b: str) -> bool:
        ra, rb = self.root(a), self.root(b)
        return ra != rb and not (self.pinned[ra] and self.pinned[rb] and self.pinned[ra] != self.pinned[rb])

    def join(self, a: str, b: str) -> None:
        ra, rb = self.root(a), self.root(b)
        self.parent[rb] = ra
        self.pinned[ra] |= self.pinned[rb]
        self.fixed[ra] = self.fixed[ra] or self.fixed[rb]
        self.members[ra] += self.members.pop(rb)


def _one_apart(a: str, b: str) -> tuple[str, str] | None:
    """The one confusable pair of characters two keys differ by, or None."""
    if len(a) != len(b):
        return None
    diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return diff[0] if len(diff) == 1 and confusable(*diff[0]) else None


def _ends_with(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    return len(longer) > len(shorter) and tuple(map(fold, longer[-len(shorter) :])) == tuple(map(fold, shorter))


def _compatible(a: Sequence[Name], b: Sequence[Name]) -> bool:
    """Whether every place chain of `a` and of `b` is the other's or ends it (no two places apart)."""
    for x in a:
        for y in b:
            fx, fy = tuple(map(fold, x.places)), tuple(map(fold, y.places))
            short, long = sorted((fx, fy), key=len)
            if long[len(long) - len(short) :] != short:
                return False
    return True


def plan(names: Sequence[str], pins: Mapping[str, Pin] | None = None) -> tuple[list[list[Placement]], dict[str, str]]:
    """The organs `names` make (a list of clusters, each its names in the given order), and the
    names left apart with why (a join that would have been a guess between several organs)."""
    pins = pins or {}
    names = list(dict.fromkeys(names))
    parsed = {n: parse(n) for n in names}
    sets = _Sets(names, pins)
    reasons: dict[str, tuple[How, str | None, str]] = {}
    apart: dict[str, str] = {}

    # Pinned names: one organ for the names given one organ_id.
    first_of: dict[str, str] = {}
    for n in names:
        if n in pins:
            pin = pins[n]
            anchor = first_of.setdefault(pin.organ_id, n)
            if anchor != n:
                sets.join(anchor, n)
            said = "listed in the organs registry as" if pin.by == "registry" else "put there by a person:"
            reasons[n] = (pin.by, None, f"{said} {pin.organ_id}")

    # The same key: one organ (unless two pins keep them apart).
    by_key: dict[str, list[str]] = {}
    for n in names:
        by_key.setdefault(parsed[n].key, []).append(n)
    for key, same in by_key.items():
        anchor = next((n for n in same if n in pins), same[0])  # a registry's name over a printed one
        for n in same:
            if n != anchor and sets.can_join(anchor, n):
                sets.join(anchor, n)
                reasons.setdefault(n, ("normalized", anchor, f"the same as {anchor} once width, spaces and short forms are made alike ({key.rstrip('|')})"))

    def free(n: str) -> bool:
        return not sets.fixed[sets.root(n)]

    # One character read as another, where no other key is as close.
    keys = list(by_key)
    for k in keys:
        partners = [(o, pair) for o in keys if o != k and (pair := _one_apart(k, o))]
        if len(partners) > 1:
            apart.setdefault(by_key[k][0], f"one character away from several organs ({', '.join(by_key[o][0] for o, _ in partners)}): left apart")
        if len(partners) != 1:
            continue
        other, (mine, theirs) = partners[0]
        if keys.index(other) > keys.index(k):
            continue  # the pair is joined once, from the later key
        a, b = by_key[other][0], by_key[k][0]
        if free(a) and free(b) and sets.can_join(a, b) and _compatible([parsed[a]], [parsed[b]]):
            sets.join(a, b)
            reasons[b] = ("ocr", a, f"one character apart from {a} ({mine} for {theirs}), a pair recognisers and typists confuse")

    # Printed without its leading places: joined when exactly one organ is named with them.
    for k in sorted(keys, key=lambda k: -len(parsed[by_key[k][0]].places)):
        n = by_key[k][0]
        me = parsed[n]
        if not me.places or not free(n):
            continue
        roots = {
            sets.root(by_key[o][0])
            for o in keys
            if fold(parsed[by_key[o][0]].office) == fold(me.office)
            and _ends_with(parsed[by_key[o][0]].places, me.places)
            and free(by_key[o][0])
        } - {sets.root(n)}
        if len(roots) > 1:
            shown = ", ".join(sorted(max(sets.members[r], key=lambda m: len(parsed[m].places)) for r in roots))
            apart[n] = f"printed without its leading places, and several organs are named so under one ({shown}): left apart"
            continue
        if not roots:
            continue
        (target,) = roots
        mine_all = [parsed[m] for m in sets.members[sets.root(n)]]
        theirs_all = [parsed[m] for m in sets.members[target]]
        if sets.can_join(target, n) and _compatible(mine_all, theirs_all):
            fullest = max(sets.members[target], key=lambda m: (len(parsed[m].places), -names.index(m)))
            sets.join(target, n)
            lead = "".join(parsed[fullest].places[: len(parsed[fullest].places) - len(me.places)])
            reasons[n] = ("prefix", fullest, f"{n} printed without its leading place {lead}: {fullest} is the only organ named so under one")
            apart.pop(n, None)

    clusters: dict[str, list[Placement]] = {}
    order = [sets.root(n) for n in names]
    index = {r: i for i, r in enumerate(dict.fromkeys(order))}
    for n, r in zip(names, order, strict=True):
        how, via, why = reasons.get(n, ("first", None, "the first name of its organ"))
        clusters.setdefault(r, []).append(Placement(n, index[r], how, via, why))
    return list(clusters.values()), {n: why for n, why in apart.items() if sets.root(n) == n and len(sets.members[n]) == 1}
