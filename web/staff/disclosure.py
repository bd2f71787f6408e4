"""Small-cell protection: the ONE function, `protect()`, that decides how every number on the staff
page and in the CSV export is shown.

The rule (also explained on the page, in Swedish):

0. Publication periods are fixed and do not overlap: one ISO quarter (weeks 1–13, 14–26, 27–39,
   40–52/53), shown only when it has ended (data.py). So two requests never publish two different
   versions of the same counts: "W40–41" and "W41–42" are both the same quarter, and a quarter's
   numbers no longer change once anyone can see them (nothing to learn by adding visits and
   watching a number move).
1. Every number, cell or total: 0 is shown as 0, 1–4 as "<5", anything else rounded to the nearest
   5 (5–7 → 5, 8–12 → 10, 13–17 → 15 …). No count is ever shown exactly, so someone who added k known
   visits to a cell through the public guide learns the rest only to within the rounding.
2. Then we play the attacker: from everything that is published — "<5" meaning 1–4, a rounded R
   meaning R−2 … R+2 (5 meaning 5–7) — we derive by repeated addition and subtraction what each
   number can be (interval propagation over every "this = the sum of those" relation, across rows,
   columns, tables and the three channel views). If any number that is not 0 would be pinned to one
   value, a number involved in that deduction is shown as "–" instead (totals first, cells only where
   a total cannot help), and everything is checked again until no number can be worked out exactly.
   Every number, not only 1–4: a known injection of k visits turns an exact n + k into an exact n.

The caller describes the publication as a `Plan`: numbers (`Post`, with the true count, whether it
is a cell or a total, and how willingly it may be hidden) and sum relations (`summa(parent,
children)`). Zero is always shown as 0, so zeros are constants and drop out of the arithmetic.
"""
from __future__ import annotations

import collections
import logging
from dataclasses import dataclass
from typing import Iterable

logger = logging.getLogger(__name__)

CELL = "cell"
SUMMA = "summa"
INF = 10**12            # "no upper bound known"
_STOR = 10**11          # anything above this counts as unbounded (no slow creep towards INF)
LITEN = range(1, 5)     # the counts that must never be recoverable
DOLD = "–"
SMA = "<5"


BAS = 5                 # every number ≥ 5 is rounded to the nearest multiple of this


def avrunda(n: int) -> int:
    """To the nearest 5, halves upwards (7 → 5, 8 → 10, 12 → 10, 13 → 15); never banker's rounding."""
    return ((n + BAS // 2) // BAS) * BAS


@dataclass
class Post:
    """One published number."""
    varde: int          # the true count (never shown as such unless it is an exact cell)
    typ: str            # CELL or SUMMA
    vikt: int = 0       # lower = hidden sooner when something must be hidden
    dold: bool = False

    def visas(self) -> str:
        v = self.varde
        if v == 0:
            return "0"
        if self.dold:
            return DOLD
        if v < 5:
            return SMA
        return str(avrunda(v))

    def intervall(self) -> tuple[int, int]:
        """What a reader learns from the shown text (never tighter than the truth)."""
        v = self.varde
        if v == 0:
            return 0, 0
        if self.dold:
            # Zeros are never hidden; a hidden cell is (almost always) one of 5 or more.
            return (5, INF) if self.typ == CELL and v >= 5 else (1, INF)
        if v < 5:
            return 1, 4
        r = avrunda(v)
        return max(5, r - BAS // 2), r + BAS // 2

    @property
    def sortering(self) -> float:
        """A sort key from the SHOWN value only (ordering by the true count would leak it)."""
        v = self.varde
        if v == 0:
            return 0.0
        if self.dold:
            return -1.0
        if v < 5:
            return 2.5
        return float(avrunda(v))


class Plan:
    def __init__(self) -> None:
        self.poster: list[Post] = []
        self.summor: list[tuple[int, tuple[int, ...]]] = []

    def post(self, varde: int, typ: str, vikt: int = 0) -> int:
        if varde < 0:
            raise ValueError("negativt antal")
        self.poster.append(Post(int(varde), typ, vikt))
        return len(self.poster) - 1

    def summa(self, parent: int, children: Iterable[int]) -> None:
        """parent = the sum of children (both already added with `post`)."""
        children = tuple(children)
        if sum(self.poster[c].varde for c in children) != self.poster[parent].varde:
            raise ValueError("summan stämmer inte med delarna")
        self.summor.append((parent, children))

    def visas(self, i: int) -> str:
        return self.poster[i].visas()


class _System:
    """The sum relations with the zeros taken out, ready for propagation."""

    def __init__(self, plan: Plan):
        self.plan = plan
        poster = plan.poster
        self.cons: list[tuple[int, tuple[int, ...]]] = []
        for parent, children in plan.summor:
            if poster[parent].varde == 0:
                continue  # shown as 0: all its parts are 0 and shown as 0 too
            kids = tuple(c for c in children if poster[c].varde != 0)
            self.cons.append((parent, kids))
        self.var_cons: dict[int, list[int]] = collections.defaultdict(list)
        for ci, (p, kids) in enumerate(self.cons):
            self.var_cons[p].append(ci)
            for c in kids:
                self.var_cons[c].append(ci)

    def propagate(self, max_steg: int) -> tuple[list[int], list[int], bool]:
        """Bounds every number can be narrowed to from what is shown. Returns (lo, hi, converged);
        `self.why_lo` / `self.why_hi` then hold the relation that set each final bound (-1: the
        number's own shown text)."""
        poster = self.plan.poster
        lo = [0] * len(poster)
        hi = [0] * len(poster)
        why_lo = self.why_lo = [-1] * len(poster)
        why_hi = self.why_hi = [-1] * len(poster)
        for i, p in enumerate(poster):
            lo[i], hi[i] = p.intervall()
        cons, var_cons = self.cons, self.var_cons
        queue = collections.deque(range(len(cons)))
        queued = [True] * len(cons)
        steg = 0
        while queue:
            steg += 1
            if steg > max_steg:
                return lo, hi, False
            ci = queue.popleft()
            queued[ci] = False
            p, kids = cons[ci]
            slo = 0
            shi = 0
            for c in kids:
                slo += lo[c]
                shi += hi[c]
            changed = []
            # the total from its parts
            nlo = max(lo[p], slo)
            nhi = min(hi[p], shi)
            if nhi > _STOR:
                nhi = INF
            if nlo != lo[p] or nhi != hi[p]:
                if nlo != lo[p]:
                    why_lo[p] = ci
                if nhi != hi[p]:
                    why_hi[p] = ci
                lo[p], hi[p] = nlo, nhi
                changed.append(p)
            plo, phi = lo[p], hi[p]
            # each part from the total and the other parts
            for c in kids:
                clo = max(lo[c], plo - (shi - hi[c]))
                chi = hi[c]
                if phi < _STOR:
                    chi = min(chi, phi - (slo - lo[c]))
                if chi > _STOR:
                    chi = INF
                if clo != lo[c] or chi != hi[c]:
                    if clo > chi:  # impossible with consistent data; never hide a bug
                        raise AssertionError("motsägelse i skyddsberäkningen")
                    if clo != lo[c]:
                        why_lo[c] = ci
                    if chi != hi[c]:
                        why_hi[c] = ci
                    lo[c], hi[c] = clo, chi
                    changed.append(c)
            for x in changed:
                for cj in var_cons[x]:
                    if not queued[cj]:
                        queued[cj] = True
                        queue.append(cj)
        return lo, hi, True

    def forklaring(self, d: int, max_djup: int = 8) -> list[tuple[int, int]]:
        """The shown numbers that the deduction of d's bounds rests on, as (post, depth): walk back
        from d along the recorded relations to numbers whose bound came from their own text."""
        out: list[tuple[int, int]] = []
        seen: set[tuple[int, str]] = set()
        frontier = [(d, "lo"), (d, "hi")]
        depth = 0
        while frontier and depth < max_djup:
            depth += 1
            nxt = []
            for x, side in frontier:
                if (x, side) in seen:
                    continue
                seen.add((x, side))
                ci = (self.why_lo if side == "lo" else self.why_hi)[x]
                if ci < 0:
                    if x != d:
                        out.append((x, depth - 1))
                    continue
                p, kids = self.cons[ci]
                other = "hi" if side == "lo" else "lo"
                if x == p:
                    nxt.extend((c, side) for c in kids)
                else:
                    nxt.append((p, side))
                    nxt.extend((c, other) for c in kids if c != x)
            frontier = nxt
        return out


def _klass(post: Post) -> int:
    """Totals are hidden first (the rule), then exact cells, and "<5" cells only as a last resort."""
    if post.typ == SUMMA:
        return 0
    return 1 if post.varde >= 5 else 2


def _valj(system: _System, d: int, redan: set[int]) -> int | None:
    """Which number to hide so that d can no longer be worked out: one of the shown numbers the
    deduction rests on — totals before cells, less important views first, nearest first."""
    poster = system.plan.poster
    best = None
    forklaring = system.forklaring(d)
    if any(m in redan for m, _ in forklaring):
        return None  # a number it rests on is already being hidden this round; check again after
    for m, depth in forklaring:
        post = poster[m]
        if post.dold or post.varde == 0:
            continue
        key = (_klass(post), post.vikt, depth, m)
        if best is None or key < best:
            best = key
    if best is not None:
        return best[3]
    # Nothing shown left in the deduction: hide d itself (a total; a "<5" cell only as a last resort).
    return d if not poster[d].dold and d not in redan else None


def protect(plan: Plan, max_varv: int = 10_000) -> Plan:
    """Applies the rule to the plan (marks posts `dold`) and returns it. Deterministic: the same
    counts always give the same shown numbers, whichever view or export is asked for."""
    system = _System(plan)
    # Every number that is not 0: none may be pinned (with injected visits, an exact large number
    # gives away the small number under it).
    kansliga = [i for i, p in enumerate(plan.poster) if p.varde > 0]
    if not kansliga:
        return plan
    max_steg = 200 * (len(system.cons) + 10) + 100_000
    for _ in range(max_varv):
        lo, hi, ok = system.propagate(max_steg)
        if ok:
            avslojade = [i for i in kansliga if lo[i] == hi[i]]
        else:  # could not finish the check: assume the worst
            logger.warning("Skyddsberäkningen blev inte klar; fler summor döljs")
            avslojade = [i for i in kansliga if lo[i] >= hi[i] - 1]
        if not avslojade:
            return plan
        dolj: set[int] = set()
        for d in avslojade:
            x = _valj(system, d, dolj)
            if x is not None:
                dolj.add(x)
        if not dolj:
            raise AssertionError("skyddet kunde inte göras färdigt")
        for x in dolj:
            plan.poster[x].dold = True
    raise AssertionError("skyddet kunde inte göras färdigt")
