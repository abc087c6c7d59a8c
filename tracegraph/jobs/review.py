"""Human decisions on candidate duplicates, chains and fronts: the judgements file, its
rules, its effect on the graph.

Judgements live apart from derived data, in ``TRACEGRAPH_HOME/judgements.jsonl``, one JSON
object a line (CONTRACT.md "exports and judgements")::

    {"kind": "same_as", "subject": ["co-…", "co-…"], "decision": "merge", "note": "…",
     "author": "anna", "at": "2026-12-02T06:10:00+00:00"}

They are mirrored in the graph as Judgement nodes and applied after every load
(:func:`apply_judgements`), so a reload never undoes them: the companies of a merge become
one node (the first one merged into keeps its id, the others' ids go to its ``merged_ids``
and their names to its ``names``), the candidate of a split is removed and not listed again.
A decision that contradicts an earlier one (merge after split of the same companies, or
split after merge, also through a chain of merges) is refused with both shown. Chains
(subject: the chain id, stable for the same data and parameters) and fronts (the company
id) are confirmed or dismissed, the latest decision standing; a note decides nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import click
import pandas as pd

from graph.connection import Graph
from graph.judgements import (candidate_evidence, company_ids_present, drop_candidates,
                              merge_companies, write_judgements)
from graph.store import GraphWriter
from loaders.ids import make_id

__all__ = ["ReviewError", "judgements_path", "read_judgements", "candidates", "decide",
           "apply_judgements", "export_judgements", "import_judgements", "judgement_lines",
           "record", "decision_states", "KINDS", "SAME_AS_DECISIONS", "DECISIONS", "NOTE"]

KINDS = ("chain", "front", "same_as")
SAME_AS_DECISIONS = ("merge", "split")
NOTE = "note"
# what each kind of judgement may decide: a chain or a front is confirmed or dismissed, a
# candidate pair merged or split; a note on any of them decides nothing
DECISIONS = {"chain": ("confirm", "dismiss", NOTE), "front": ("confirm", "dismiss", NOTE),
             "same_as": (*SAME_AS_DECISIONS, NOTE)}
SUBJECT_SIZE = {"chain": 1, "front": 1, "same_as": 2}
_FIELDS = ("kind", "subject", "decision", "note", "author", "at")
FILE_NAME = "judgements.jsonl"


class ReviewError(click.ClickException):
    """A decision refused or a judgements file unreadable; the message is one line. A click
    error, so any command (``load`` too, which applies the file) prints it as one line."""


def judgements_path() -> Path:
    """``TRACEGRAPH_HOME/judgements.jsonl``."""
    from tracegraph.settings import home_dir

    return home_dir() / FILE_NAME


def _author() -> str:
    from tracegraph.settings import author

    return author()


def _checked(raw: object, where: str) -> dict:
    """One judgement read from a file, with its id; ReviewError saying where it is wrong."""
    if not isinstance(raw, dict):
        raise ReviewError(f"{where}: a judgement is a JSON object")
    kind, subject, decision = raw.get("kind"), raw.get("subject"), raw.get("decision")
    if kind not in KINDS:
        raise ReviewError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    if not (isinstance(subject, list) and subject and all(isinstance(s, str) and s
                                                         for s in subject)):
        raise ReviewError(f"{where}: subject must be a list of ids")
    if not isinstance(decision, str) or not decision:
        raise ReviewError(f"{where}: decision missing")
    if kind == "same_as" and (decision not in DECISIONS[kind] or len(set(subject)) != 2
                              or len(subject) != 2):
        raise ReviewError(f"{where}: a same_as judgement is merge, split or note of two "
                          "different companies")
    if kind != "same_as" and (decision not in DECISIONS[kind] or len(subject) != 1):
        raise ReviewError(f"{where}: a {kind} judgement is {', '.join(DECISIONS[kind])} of "
                          f"one {kind} id")
    if not isinstance(raw.get("at"), str) or not raw["at"]:
        raise ReviewError(f"{where}: at (ISO time) missing")
    judgement = {key: raw.get(key) for key in _FIELDS}
    judgement["id"] = make_id("judgement", kind, *subject, decision, judgement["at"])
    return judgement


def read_judgements(path: str | os.PathLike | None = None) -> list[dict]:
    """The judgements of ``path`` (default :func:`judgements_path`), in the order made; none
    when the file does not exist."""
    path = Path(path) if path else judgements_path()
    if not path.exists():
        return []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise ReviewError(f"cannot read judgements {path}: {error}") from error
    found = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as error:
            raise ReviewError(f"{path} line {number}: not JSON ({error.msg})") from error
        except RecursionError as error:
            raise ReviewError(f"{path} line {number}: JSON nested too deep") from error
        found.append(_checked(raw, f"{path} line {number}"))
    return found


def _append(judgements: list[dict], path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            for judgement in judgements:
                out.write(json.dumps({k: judgement.get(k) for k in _FIELDS},
                                     ensure_ascii=False) + "\n")
    except OSError as error:
        raise ReviewError(f"cannot write judgements {path}: {error}") from error


# -- the rules ---------------------------------------------------------------------------------


class _Groups:
    """Union-find over merge judgements: which ids are one company, and which merges and
    splits stand between ids."""

    def __init__(self, judgements: list[dict]):
        self.parent: dict[str, str] = {}
        self.merges: list[dict] = []
        self.splits: list[dict] = []
        for judgement in judgements:
            if _merge_or_split(judgement):
                self.add(judgement)

    def find(self, entity_id: str) -> str:
        root = entity_id
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        return root

    def add(self, judgement: dict) -> None:
        a, b = judgement["subject"]
        if judgement["decision"] == "merge":
            self.merges.append(judgement)
            kept, gone = self.find(a), self.find(b)
            if kept != gone:
                self.parent[gone] = kept
        else:
            self.splits.append(judgement)

    def members(self) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = {}
        for entity_id in sorted(set(self.parent) | set(self.parent.values())):
            groups.setdefault(self.find(entity_id), []).append(entity_id)
        return groups

    def conflict(self, judgement: dict) -> dict | None:
        """The earlier judgement ``judgement`` contradicts, if any."""
        a, b = judgement["subject"]
        if judgement["decision"] == "merge":
            ra, rb = self.find(a), self.find(b)
            return next((s for s in self.splits
                         if {self.find(s["subject"][0]), self.find(s["subject"][1])} == {ra, rb}),
                        None)
        if self.find(a) != self.find(b):
            return None
        direct = [m for m in self.merges if set(m["subject"]) == {a, b}]
        chain = [m for m in self.merges if self.find(m["subject"][0]) == self.find(a)]
        return (direct or chain)[0]

    def same(self, judgement: dict) -> dict | None:
        """An earlier judgement that says the same thing of the same pair."""
        pair = set(judgement["subject"])
        return next((j for j in self.merges + self.splits
                     if set(j["subject"]) == pair and j["decision"] == judgement["decision"]),
                    None)


def _merge_or_split(judgement: dict) -> bool:
    return judgement["kind"] == "same_as" and judgement["decision"] in SAME_AS_DECISIONS


def _shown(judgement: dict) -> str:
    note = f' "{judgement["note"]}"' if judgement.get("note") else ""
    return (f'{judgement["decision"]} {" ".join(judgement["subject"])} by '
            f'{judgement.get("author") or "?"} at {judgement["at"]}{note}')


def _refusal(new: dict, earlier: dict) -> ReviewError:
    return ReviewError(f"refused: {_shown(new)} contradicts the earlier {_shown(earlier)}")


# -- on the graph ------------------------------------------------------------------------------


def apply_judgements(graph: Graph, path: str | os.PathLike | None = None) -> dict:
    """Mirror the judgements file as Judgement nodes and apply its same_as decisions: each
    group of merged companies becomes one node, split pairs lose their candidate. Run after
    every load; cheap and idempotent. Returns counts (empty when there are no judgements)."""
    judgements = read_judgements(path)
    if not judgements:
        return {}
    write_judgements(graph, judgements)
    groups = _Groups(judgements)
    folded = 0
    survivor: dict[str, str] = {}
    for root, members in groups.members().items():
        present = company_ids_present(graph, members)
        nodes = [m for m in members if m in present]
        kept = root if root in nodes else (nodes[0] if nodes else root)
        for member in members:
            survivor[member] = kept
            if member != kept and merge_companies(graph, kept, member):
                folded += 1
    pairs = {tuple(survivor.get(i, i) for i in s["subject"]) for s in groups.splits}
    dropped = drop_candidates(graph, [p for p in pairs if p[0] != p[1]])
    if folded:
        GraphWriter(graph).rebuild_trades_with()
    return {"judgements": len(judgements), "companies_merged": folded,
            "candidates_dropped": dropped}


def candidates(graph: Graph, path: str | os.PathLike | None = None) -> pd.DataFrame:
    """SAME_AS_CANDIDATE pairs awaiting a decision, with their evidence (lists joined
    with ``;``)."""
    decided = {frozenset(j["subject"]) for j in read_judgements(path) if _merge_or_split(j)}
    rows = [r for r in candidate_evidence(graph)
            if frozenset((r["a_id"], r["b_id"])) not in decided]
    columns = ["a_id", "b_id", "score", "method", "a_name", "b_name", "a_names", "b_names",
               "a_identifiers", "b_identifiers", "a_country", "b_country", "a_addresses",
               "b_addresses", "shared_officers", "shared_partners", "a_partners", "b_partners"]
    frame = pd.DataFrame(rows, columns=columns)
    for column in columns:
        if frame[column].map(lambda v: isinstance(v, list)).any():
            frame[column] = frame[column].map(
                lambda v: ";".join(str(x) for x in v) if isinstance(v, list) else v)
    return frame


def decide(graph: Graph, a: str, b: str, decision: str, note: str | None = None,
           path: str | os.PathLike | None = None) -> tuple[dict, bool]:
    """Record ``decision`` (merge or split) on companies ``a`` and ``b`` and apply it.

    Returns the judgement and whether it is new (False: the same decision stood already).
    ReviewError when a and b are one id, either is no company of the graph, or the decision
    contradicts an earlier one (both shown).
    """
    if decision not in SAME_AS_DECISIONS:
        raise ReviewError(f"decision {decision!r} is not one of {', '.join(SAME_AS_DECISIONS)}")
    if a == b:
        raise ReviewError(f"{a} is one company: a {decision} needs two different ids")
    missing = sorted({a, b} - company_ids_present(graph, [a, b]))
    if missing:
        raise ReviewError(f"no company {', '.join(missing)} in the graph "
                          "(ids as `tracegraph review list` shows them)")
    path = Path(path) if path else judgements_path()
    earlier = read_judgements(path)
    groups = _Groups(earlier)
    judgement = _checked({"kind": "same_as", "subject": [a, b], "decision": decision,
                          "note": note or None, "author": _author(),
                          "at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")},
                         "new judgement")
    same = groups.same(judgement)
    if same:
        return same, False
    conflict = groups.conflict(judgement)
    if conflict:
        raise _refusal(judgement, conflict)
    _append([judgement], path)
    apply_judgements(graph, path)
    return judgement, True


def judgement_lines(path: str | os.PathLike | None = None) -> tuple[str, int]:
    """The judgements as JSON lines (CONTRACT.md "exports and judgements"), and how many."""
    judgements = read_judgements(path)
    return "".join(json.dumps({k: j.get(k) for k in _FIELDS}, ensure_ascii=False) + "\n"
                   for j in judgements), len(judgements)


def export_judgements(out: str | os.PathLike, path: str | os.PathLike | None = None) -> int:
    """Write the judgements to ``out`` as JSON lines; how many."""
    text, count = judgement_lines(path)
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as error:
        raise ReviewError(f"cannot write {out}: {error}") from error
    return count


def record(graph: Graph, kind: str, subject: list[str], decision: str,
           note: str | None = None, path: str | os.PathLike | None = None) -> dict:
    """Record a decision on a chain (``subject`` [chain id]), a front ([company id]) or a
    candidate pair ([a, b]; merge and split go through :func:`decide`), signed with the
    settings' author, and mirror it as a Judgement node. ReviewError when the decision is
    not one of :data:`DECISIONS` for the kind."""
    if kind == "same_as" and decision in SAME_AS_DECISIONS:
        return decide(graph, subject[0], subject[1], decision, note, path)[0]
    path = Path(path) if path else judgements_path()
    judgement = _checked({"kind": kind, "subject": list(subject), "decision": decision,
                          "note": (note or "").strip() or None, "author": _author(),
                          "at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")},
                         "new judgement")
    if decision == NOTE and not judgement["note"]:
        raise ReviewError("a note needs its text")
    _append([judgement], path)
    write_judgements(graph, [judgement])
    return judgement


def decision_states(judgements: list[dict]) -> dict[tuple[str, tuple[str, ...]], dict]:
    """Where each subject stands: ``(kind, subject)`` (a pair's ids sorted) to its latest
    decision (``decision``, ``author``, ``at``; None while only noted) and every ``notes``
    entry in order."""
    states: dict[tuple[str, tuple[str, ...]], dict] = {}
    for judgement in judgements:
        subject = judgement["subject"]
        key = (judgement["kind"], tuple(sorted(subject) if judgement["kind"] == "same_as"
                                        else subject))
        state = states.setdefault(key, {"decision": None, "author": None, "at": None,
                                        "notes": []})
        if judgement.get("note"):
            state["notes"].append(judgement)
        if judgement["decision"] != NOTE:
            state.update(decision=judgement["decision"], author=judgement.get("author"),
                         at=judgement["at"])
    return states


def import_judgements(source: str | os.PathLike, graph: Graph | None = None,
                      path: str | os.PathLike | None = None) -> tuple[int, int]:
    """Add the judgements of ``source`` to the file (those it holds already are skipped),
    then apply them when ``graph`` is given. All or nothing: one that contradicts an earlier
    one refuses the whole import. Returns (added, skipped)."""
    if not Path(source).is_file():
        raise ReviewError(f"no judgements file {source}")
    incoming = read_judgements(source)
    path = Path(path) if path else judgements_path()
    known = read_judgements(path)
    ids = {j["id"] for j in known}
    groups = _Groups(known)
    added = []
    for judgement in incoming:
        if judgement["id"] in ids or (_merge_or_split(judgement) and groups.same(judgement)):
            continue
        if _merge_or_split(judgement):
            conflict = groups.conflict(judgement)
            if conflict:
                raise _refusal(judgement, conflict)
            groups.add(judgement)
        ids.add(judgement["id"])
        added.append(judgement)
    _append(added, path)
    if graph is not None and added:
        apply_judgements(graph, path)
    return len(added), len(incoming) - len(added)
