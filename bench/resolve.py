"""Benchmark of company resolution alone: distinct names, and the same with spelling variants.

Not a test: run it by hand after changing loaders/resolve.py, loaders/resolve_pairs.py or the
name keys:

    /tmp/venv/bin/python bench/resolve.py                        # 10k, 30k, 100k names
    /tmp/venv/bin/python bench/resolve.py --sizes 10000 --baseline-ref HEAD~1
    /tmp/venv/bin/python bench/resolve.py --sizes 30000 100000 --baseline-ref HEAD
    /tmp/venv/bin/python bench/resolve.py --no-baseline

For each size N, N distinct company names are made from seeded word pools (transliterated
Russian and Central Asian words, English trade words, Chinese places and syllables, a legal
form of the country), spread over eight countries. Two runs per implementation, each in a
worker process of its own:

- **distinct**: the N names through ``Resolver.resolve_company`` as trade parties, no
  registry: every name misses the exact look-ups and goes to the fuzzy search, the case of
  a customs extract full of counterparties never seen;
- **variants**: the N names, then one spelling variant of each (a transposition, a dropped
  or doubled letter, a space moved into or out of a word, a slip in the legal form, a
  case change), 2N calls. Printed with the share of variants that joined their name
  (recall) and the number that joined another name (false merges).

The baseline is another revision's ``loaders`` package (``--baseline-ref``, default HEAD:
the committed code), exported with ``git archive`` into a temporary directory and imported
from there, in the same run on the same names. Each worker resolves one throwaway name
before its clock starts (the warm-up, printed apart: rigour's table of territory names,
built once per process). A baseline run longer than
``--baseline-timeout`` seconds is stopped and shown as such. Printed: wall and CPU seconds,
resolved entities, the worker's peak RSS, and for variants recall and false merges. Workers
run with ``PYTHONHASHSEED=0``: the review candidates depend on the order of a set of
trigrams, so both implementations see the same order.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
_COUNTRIES = {
    "RU": ("OOO", "AO", "PAO"), "KZ": ("TOO",), "KG": ("OsOO",), "AM": ("SPY",),
    "CN": ("Co., Ltd.",), "AE": ("FZCO", "FZE", "General Trading LLC"), "TR": ("Ltd. Sti.",),
    "DE": ("GmbH",),
}
_WORDS = """
    alfa avia ak ala altyn arsenal azia bars bereg dinamika delta energo evrazia format
    garant global grupp impuls impeks invest kaskad kvant kristall komplekt logistik meridian
    mikro nova orion ordo optima plyus polyus prom radio resurs rubin servis signal sistem
    snab start stroi sever shelk tau tehno tranzit treid vektor yug yukon zenit zvezda
    baikal volga ural sibir amur neva kama don oka irtysh altai sayan pamir tyan shan
    almaz granit kedr sokol berkut orel lotos fenix titan argon neon kripton ksenon
    precision advanced global united pacific eastern western northern southern central
    digital micro macro nano power energy supply trading machinery components devices
    instruments electronics systems technologies industrial logistics solutions networks
""".split()
_SYLLABLES = """
    hua xin tong sheng kang mei long jin tian da feng hai wei guang xing yuan cheng jia
    zhong hong li ming rui tai an bao chang fu heng jun kai lian neng peng qi shun
""".split()
_PLACES = "shenzhen ningbo suzhou dongguan guangzhou xiamen shanghai hangzhou".split()


def make_names(n: int, seed: int) -> list[tuple[str, str]]:
    """``n`` distinct (name, country) pairs, seeded."""
    rng = random.Random(seed)
    seen: set[str] = set()
    names: list[tuple[str, str]] = []
    countries = list(_COUNTRIES)
    while len(names) < n:
        country = rng.choice(countries)
        if country == "CN":
            core = (f"{rng.choice(_PLACES).title()} {rng.choice(_SYLLABLES).title()}"
                    f"{rng.choice(_SYLLABLES)} {rng.choice(_WORDS[-18:]).title()}")
        else:
            words = rng.sample(_WORDS, rng.choice((2, 3, 3, 4)))
            core = " ".join(w.title() for w in words)
            if rng.random() < 0.1:
                core += f"-{rng.randint(1, 99)}"
        form = rng.choice(_COUNTRIES[country])
        name = f'{form} "{core}"' if rng.random() < 0.5 and country in ("RU", "KZ", "KG", "AM") \
            else f"{core} {form}"
        if (name.lower(), country) in seen or core.lower() in seen:
            continue
        seen.add((name.lower(), country))
        seen.add(core.lower())
        names.append((name, country))
    return names


def variant(name: str, rng: random.Random) -> str:
    """One realistic misspelling of ``name``."""
    kind = rng.choice(("swap", "drop", "double", "space_in", "space_out", "form", "case"))
    letters = [i for i, ch in enumerate(name) if ch.isalpha()]
    i = rng.choice(letters[1:-1] or letters)
    if kind == "swap" and i + 1 < len(name) and name[i + 1].isalpha():
        return name[:i] + name[i + 1] + name[i] + name[i + 2:]
    if kind == "drop":
        return name[:i] + name[i + 1:]
    if kind == "double":
        return name[:i] + name[i] + name[i:]
    if kind == "space_out" and " " in name.strip():
        j = rng.choice([k for k, ch in enumerate(name) if ch == " "])
        return name[:j] + name[j + 1:]
    if kind == "space_in":
        return name[:i] + " " + name[i:]
    if kind == "form":
        for form in ("FZCO", "OsOO", "GmbH", "TOO", "Ltd", "OOO", "SPY"):
            if form in name:
                k = name.index(form)
                return name[:k] + form[1] + form[0] + form[2:] + name[k + len(form):]
    return name.upper()


def worker(code: str, n: int, seed: int, with_variants: bool) -> dict:
    """Runs in its own process, importing ``loaders`` from ``code``."""
    sys.path.insert(0, code)
    from loaders.resolve import Resolver

    names = make_names(n, seed)
    rng = random.Random(seed + 1)
    variants = [(variant(name, rng), country) for name, country in names] if with_variants \
        else []
    # one name through a throwaway resolver before the clock starts: what every process pays
    # once, whatever the number of names (rigour builds its table of territory names, ~2 s,
    # which the application reads from its cache folder instead)
    warm = time.process_time()
    Resolver().resolve_company("Warm-up Trading LLC", "AE")
    warm = time.process_time() - warm
    resolver = Resolver()
    wall, cpu = time.perf_counter(), time.process_time()
    ids = [resolver.resolve_company(name, country) for name, country in names]
    vids = [resolver.resolve_company(name, country) for name, country in variants]
    out = {"seconds": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
           "warm_up_cpu": round(warm, 2),
           "entities": len(resolver), "calls": len(names) + len(variants),
           "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
    if with_variants:
        own = {i: k for k, i in enumerate(ids)}
        joined = sum(1 for k, v in enumerate(vids) if v == ids[k])
        wrong = sum(1 for k, v in enumerate(vids) if v != ids[k] and v in own)
        out.update(recall=round(joined / len(vids), 4), false_merges=wrong)
    return out


def _run(code: str, n: int, seed: int, with_variants: bool, timeout: float | None) -> dict:
    command = [sys.executable, __file__, "--worker", code, "--sizes", str(n), "--seed",
               str(seed)] + (["--variants"] if with_variants else [])
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              check=False, env={**os.environ, "PYTHONHASHSEED": "0"})
    except subprocess.TimeoutExpired:
        return {"timeout": timeout}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _export(ref: str, folder: Path) -> str:
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref, "loaders"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return str(folder)


def _cell(result: dict, key: str) -> str:
    if "timeout" in result:
        return f"> {result['timeout']:.0f} s" if key == "seconds" else "-"
    if "error" in result:
        return "error" if key == "seconds" else "-"
    value = result.get(key, "-")
    return f"{value:.1f}" if isinstance(value, float) and key in ("seconds", "cpu") else str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["10000,30000,100000"],
                        help="name counts, comma- or space-separated")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--baseline-ref", default="HEAD")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--baseline-timeout", type=float, default=600.0)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--variants", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(s) for part in args.sizes for s in part.split(",") if s]
    if args.worker:
        print(json.dumps(worker(args.worker, sizes[0], args.seed, args.variants)))
        return
    print(f"# {_common.command_line()}  ({_common.now()}, load {_common.load_now()})")
    rows = []
    with tempfile.TemporaryDirectory(prefix="tracegraph-bench-resolve-") as tmp:
        baseline = None if args.no_baseline else _export(args.baseline_ref, Path(tmp))
        for n in sizes:
            for with_variants in (False, True):
                runs = [("this tree", str(REPO), None)]
                if baseline:
                    runs.append((args.baseline_ref, baseline, args.baseline_timeout))
                for label, code, timeout in runs:
                    result = _run(code, n, args.seed, with_variants, timeout)
                    rows.append({
                        "names": n, "run": "variants" if with_variants else "distinct",
                        "code": label, "calls": _cell(result, "calls"),
                        "wall s": _cell(result, "seconds"), "cpu s": _cell(result, "cpu"),
                        "entities": _cell(result, "entities"),
                        "warm-up cpu s": _cell(result, "warm_up_cpu"),
                        "peak RSS MiB": _cell(result, "peak_rss_mib"),
                        "variant recall": _cell(result, "recall"),
                        "false merges": _cell(result, "false_merges"),
                    })
                    print(json.dumps(rows[-1]), flush=True)
    print(_common.table(rows, list(rows[0])))


if __name__ == "__main__":
    main()
