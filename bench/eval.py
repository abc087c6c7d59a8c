"""Score loading, resolution and detection on the independent worlds of ../shared/eval.

    flock /tmp/tracegraph-neo4j.lock /tmp/venv/bin/python bench/eval.py --json eval.json
    flock /tmp/tracegraph-neo4j.lock /tmp/venv/bin/python bench/eval.py \
        --world ../shared/eval/world-b-hard --out /tmp/eval --heap 2g --pagecache 1g

For each world (default: every folder of ../shared/eval holding a truth.json.gz), in a
fresh managed server of its own: load the world's csv.gz files the transactional way, run
the chain and front detections with their default options, write chains.csv, fronts.csv and
companies.csv (one row per Company node, every name it was seen under) to ``--out``/world,
and score them with ../shared/eval/score.py --json (``--scorer``). Prints one summary per
world: resolution (nodes vs true companies, split, merged), chain links (precision, recall, F1,
average precision, recall by pattern), fronts (average precision, precision at k, decoys in
the top k), rejected rows by reason against the truth's bad rows, and the time of each
phase. These are the figures every change to loading, resolution or detection reports.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402

EVAL_DIR = _common.REPO.parent / "shared" / "eval"
TRUTH = "truth.json.gz"
# a reason quotes the bad value ("negative quantity '-432'"); counted without it
_QUOTED_VALUE = re.compile(r" ?'[^']*'")


def _arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--world", action="append", type=Path, metavar="DIR",
                        help="a world folder with *.csv.gz and truth.json.gz (repeatable; "
                             "default: every one in ../shared/eval)")
    parser.add_argument("--out", type=Path, help="where results go (default: a temp dir)")
    parser.add_argument("--heap", help="Neo4j heap (default TRACEGRAPH_NEO4J_HEAP or 1g)")
    parser.add_argument("--pagecache", help="Neo4j page cache (default as the server's)")
    parser.add_argument("--scorer", type=Path, default=EVAL_DIR / "score.py",
                        help="the scorer (default ../shared/eval/score.py)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write all figures here")
    return parser.parse_args(argv)


def _worlds(given: list[Path] | None) -> list[Path]:
    """The world folders to score; exits with one line when there are none."""
    if given:
        missing = [str(w) for w in given if not (w / TRUTH).is_file()]
        if missing:
            sys.exit(f"eval: no {TRUTH} in {', '.join(missing)}")
        return given
    if not EVAL_DIR.is_dir():
        sys.exit(f"eval: {EVAL_DIR} is absent (the worlds ship beside the repo); nothing scored")
    worlds = sorted(d for d in EVAL_DIR.iterdir() if (d / TRUTH).is_file())
    if not worlds:
        sys.exit(f"eval: no folder of {EVAL_DIR} holds a {TRUTH}; nothing scored")
    return worlds


def _rejects(report: dict, truth: dict) -> dict:
    """Rejected rows per file kind and reason (values left out), and how they meet the
    truth's planted bad rows."""
    import pandas as pd

    by_reason: Counter = Counter()
    rejected_ids: set[str] = set()
    for entry in report["files"]:
        if not entry.get("rejects_path"):
            continue
        frame = pd.read_csv(entry["rejects_path"], dtype=str, keep_default_na=False)
        kind = entry["kind"]
        by_reason.update(f"{kind}: {_QUOTED_VALUE.sub('', r)}" for r in frame["reject_reason"])
        if "record_id" in frame:
            rejected_ids.update(i.strip() for i in frame["record_id"] if i.strip())
    bad = {b["record_id"] for b in truth.get("bad_rows", [])}
    missed = Counter(b["kind"] for b in truth.get("bad_rows", [])
                     if b["record_id"] not in rejected_ids)
    return {"by_reason": dict(by_reason.most_common()),
            "rows_read": sum(e["rows_read"] for e in report["files"]),
            "rows_rejected": sum(e["rows_rejected"] for e in report["files"]),
            "rows_duplicate": sum(e.get("rows_duplicate", 0) for e in report["files"]),
            "bad_rows": len(bad), "bad_rows_rejected": len(bad & rejected_ids),
            "bad_rows_missed_by_kind": dict(missed),
            "rejected_not_bad": len(rejected_ids - bad)}


def _score(scorer: Path, world: Path, folder: Path) -> dict:
    """The scorer's figures for the three files in ``folder`` (its --json output)."""
    done = subprocess.run(
        [sys.executable, str(scorer), "--truth", str(world / TRUTH),
         "--chains", str(folder / "chains.csv"), "--fronts", str(folder / "fronts.csv"),
         "--companies", str(folder / "companies.csv"), "--json"],
        capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"eval: {scorer.name} failed on {world.name}: "
                 f"{(done.stderr.strip().splitlines() or ['no message'])[-1]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _detect(graph, folder: Path, server_pid: int | None) -> dict:
    """Chains, fronts and companies of the loaded graph, written to ``folder``; the timings."""
    from graph.companies import company_names
    from tracegraph.jobs.detect import detect_chains, detect_fronts
    from tracegraph.output import save_frame

    with _common.Meter(server_pid) as chains_meter:
        chains = detect_chains(graph).chains
    with _common.Meter(server_pid) as fronts_meter:
        fronts = detect_fronts(graph)
    save_frame(chains, "csv", folder / "chains.csv")
    save_frame(fronts, "csv", folder / "fronts.csv")
    save_frame(company_names(graph), "csv", folder / "companies.csv")
    return {"chains": chains_meter.as_dict(), "fronts": fronts_meter.as_dict(),
            "rows": {"chains": len(chains), "fronts": len(fronts)}}


def run_world(world: Path, out: Path, args: argparse.Namespace) -> dict:
    """Load, detect and score one world in a fresh managed server of its own."""
    from tracegraph.jobs.load import load_files

    folder = out / world.name
    folder.mkdir(parents=True, exist_ok=True)
    files = sorted(world.glob("*.csv.gz"))
    with _common.managed_server(args.heap, args.pagecache) as (config, status):
        with _common.connect_to(config, status) as graph:
            with _common.Meter(status.pid) as load_meter:
                report = load_files(graph, files, bulk=False,
                                    report_path=folder / "load-report.json")
            found = _detect(graph, folder, status.pid)
        server = {"heap": config.heap, "pagecache": config.pagecache}
    with gzip.open(world / TRUTH, "rt", encoding="utf-8") as f:
        truth = json.load(f)
    return {"world": str(world), "out": str(folder), "server": server,
            "timings": {"load": load_meter.as_dict(), "chains": found["chains"],
                        "fronts": found["fronts"]},
            "load_timings": report["timings"], "entities": report["entities"],
            "mirror_pairs": {"found": report["derived"].get("mirror_pairs"),
                             "planted": len(truth.get("mirror_pairs", []))},
            "output_rows": found["rows"], "rejects": _rejects(report, truth),
            "score": _score(args.scorer, world, folder)}


def _ratio(a, b) -> str:
    return f"{a} / {b}"


def summary(result: dict) -> str:
    """The figures of one world as a plain two-column table."""
    score, rej, t = result["score"], result["rejects"], result["timings"]
    comp, ch, fr = score["companies"], score["chains"], score["fronts"]
    rows = [
        ("Company nodes / true companies", _ratio(comp["nodes"], comp["true_companies"])),
        ("  over-split %", comp["over_split_pct"]),
        ("  nodes matching no company", comp["nodes_matching_no_company"]),
        ("  companies split (extra nodes)", f"{comp['companies_split']} ({comp['extra_nodes']})"),
        ("  nodes merging companies", comp["nodes_merging_companies"]),
        ("chains out / true chains", _ratio(ch["output_chains"], ch["true_chains"])),
        ("  link P / R / F1 / AP", " / ".join(f"{ch[k]:.3f}" for k in (
            "precision", "link_recall", "f1", "average_precision"))),
        ("  full-chain recall", ch["full_chain_recall"]),
        ("  P at min score (n)", f"{ch['precision_at_min_score']} ({ch['output_at_min_score']})"),
        ("  outputs touching decoys", ch["outputs_touching_decoys"]),
        *((f"  recall {p}", r) for p, r in ch["recall_by_pattern"].items()),
        ("fronts out / true fronts", _ratio(fr["output_rows"], fr["true_fronts"])),
        ("  AP / P@k", f"{fr['average_precision']:.3f} / {fr['precision_at_k']:.3f}"),
        ("  P / R at min score", f"{fr['precision_at_min_score']} / {fr['recall_at_min_score']}"),
        ("  decoys in top k", fr["decoys_in_top_k"]),
        ("rows read / rejected / duplicate", " / ".join(str(rej[k]) for k in (
            "rows_read", "rows_rejected", "rows_duplicate"))),
        ("  bad rows rejected / planted", _ratio(rej["bad_rows_rejected"], rej["bad_rows"])),
        ("  rejected, not planted bad", rej["rejected_not_bad"]),
        *((f"  {reason}", n) for reason, n in rej["by_reason"].items()),
        *((f"  missed bad rows: {kind}", n) for kind, n in rej["bad_rows_missed_by_kind"].items()),
        ("mirror pairs found / planted", _ratio(*result["mirror_pairs"].values())),
        *((f"{phase} wall / cpu / server cpu s", " / ".join(str(m[k]) for k in (
            "wall_s", "cpu_s", "server_cpu_s"))) for phase, m in t.items()),
    ]
    width = max(len(label) for label, _ in rows) + 2
    head = f"== {Path(result['world']).name}  (results in {result['out']})"
    return "\n".join([head, *(f"{label:<{width}}{value}" for label, value in rows)])


def _commit() -> str:
    """The checked-out commit (the working tree may hold more), for the record."""
    done = subprocess.run(["git", "-C", str(_common.REPO), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def main(argv=None) -> None:
    args = _arguments(argv)
    worlds = _worlds(args.world)
    if not args.scorer.is_file():
        sys.exit(f"eval: scorer {args.scorer} is absent")
    out = args.out or Path(tempfile.mkdtemp(prefix="tracegraph-eval-"))
    _common.use_code(None)
    results = []
    for world in worlds:
        results.append(run_world(world.resolve(), out, args))
        print(summary(results[-1]), flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"command": _common.command_line(), "commit": _commit(),
                                         "at": _common.now(), "worlds": results}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
