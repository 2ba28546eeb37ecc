"""Benchmark: does the extraction engine run in time linear in its input, whatever the input?

  .venv/bin/python benchmarks/engine_scaling.py [--shapes news,quotes,...] [--sizes 12500,50000,...]
      [--limit 120] [--profile SHAPE:SIZE]

Runs `factcheck.extraction.engine.pipeline.extract` (what the Celery task runs, through
`extract_each`) on generated texts of each hostile shape at each size, one measurement per
child process (a fresh interpreter, the model loaded and warmed before the clock starts, a
hard kill at 3x --limit so a runaway input cannot hang the run). Prints, per shape and size,
seconds in spaCy (`nlp(text)`), seconds in the rule code after it (`extract_doc`), the total
and seconds per 100k characters: linear time shows as a flat last column. A shape stops at
the first size whose total passes --limit (120 s), and says so.

Shapes (all generated, seeded):
  news      paragraphs of real sentences (ClaimBuster) with curly quotations and attributions
  quotes    straight-quote-heavy: '"..." X said', runs of '"word" "word"' and bare '"' marks
  parens    nested parentheses, 400 deep, around words
  longsent  one sentence with no punctuation at all (words and spaces only)
  emoji     emoji, alone and in runs, between words
  lines     many short lines (three to six words, single newlines)
  quotedense  long sentences (10k to 60k characters, no full stop) with almost every token inside
            marks, each opened by a frame ('X said', 'according to the report') and made of
            one of '"a "a "a', '"a" "b" "c"', or quotations separated only by commas
            (one paragraph per 100,000 characters)

--profile news:200000 prints a cProfile of the rule code on one input instead.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATASET = Path(os.environ.get("CHECKWORTHY_TRAIN", "/work/shared/datasets/checkworthiness/train.tsv"))
SHAPES = ("news", "quotes", "parens", "longsent", "emoji", "lines", "quotedense")
SIZES = (12_500, 50_000, 200_000, 1_000_000)
SPEAKERS = ["Maria Lopez", "the minister", "John Carter", "a spokesperson for the agency", "Ahmed Khan", "Putin"]
EMOJI = "😀🔥🇺🇦👍🏽🎉💥🚀❤️🙏🏼😂"


def _sentences() -> list[str]:
    if DATASET.exists():
        with open(DATASET, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f, delimiter="\t"))
        found = [r[1].strip() for r in rows[1:] if len(r) > 1 and 40 < len(r[1]) < 300]
        if found:
            return found
    raise SystemExit(f"sentences not found: {DATASET} (set CHECKWORTHY_TRAIN)")


def generate(shape: str, size: int, seed: int = 11) -> str:
    """`size` characters of text of one shape."""
    rng = random.Random(seed)
    pool = _sentences()
    words = " ".join(pool[:2000]).split()
    out: list[str] = []
    total = 0

    def add(piece: str) -> None:
        nonlocal total
        out.append(piece)
        total += len(piece)

    if shape == "news":
        add(" date 2024-08-14 Generated report\n\n")
        while total < size:
            para = " ".join(rng.sample(pool, rng.randint(2, 4)))
            if rng.random() < 0.35:
                para += f" “{rng.choice(pool).rstrip('.')},” {rng.choice(SPEAKERS)} said."
            add(para + "\n\n")
    elif shape == "quotes":
        while total < size:
            r = rng.random()
            if r < 0.4:
                add(f'"{rng.choice(pool).rstrip(".")}," {rng.choice(SPEAKERS)} said. ')
            elif r < 0.8:
                add(" ".join(f'"{rng.choice(words)}"' for _ in range(rng.randint(3, 30))) + " ")
            else:
                add('"' * rng.randint(1, 40) + " " + rng.choice(pool) + " ")
            if rng.random() < 0.1:
                add("\n\n")
    elif shape == "parens":
        while total < size:
            depth = 400
            add(" ".join(f"({rng.choice(words)}" for _ in range(depth)) + ")" * depth + ". ")
    elif shape == "longsent":
        clean = [w.strip(".,;:!?\"'()“”’‘") for w in words]
        clean = [w for w in clean if w]
        add("The report says ")
        while total < size:
            add(rng.choice(clean) + " ")
    elif shape == "emoji":
        while total < size:
            if rng.random() < 0.5:
                add("".join(rng.choice(EMOJI) for _ in range(rng.randint(1, 200))) + " ")
            else:
                add(f"{rng.choice(pool)} {rng.choice(EMOJI)} ")
    elif shape == "lines":
        while total < size:
            add(" ".join(rng.choice(words) for _ in range(rng.randint(3, 6))) + "\n")
    elif shape == "quotedense":
        clean = [w.strip(".,;:!?\"'()“”’‘") for w in words]
        clean = [w for w in clean if w]
        para = 0
        while total < size:
            # One long sentence of one variant (10k to 60k characters), opened by a frame.
            variant = rng.choice(("open", "closed", "commas"))
            frame = rng.choice([f"{rng.choice(SPEAKERS)} said", "according to the report", "he added"])
            add(f"{frame} ")
            end = total + rng.randint(10_000, 60_000)
            while total < min(end, size):
                w = rng.choice(clean)
                if variant == "open":  # '"a "a "a': opening marks only
                    add(f'"{w} ')
                elif variant == "closed":  # '"a" "b" "c"'
                    add(f'"{w}" ')
                else:  # '"a b", "c d", ...': quotations separated only by commas
                    add(f'"{w} {rng.choice(clean)}", ')
            if total - para > 100_000:
                para = total
                add("\n\n")
    else:
        raise SystemExit(f"unknown shape {shape!r}")
    return "".join(out)[:size]


def measure(shape: str, size: int) -> dict:
    """One measurement, in this process: parse, then the rule code, timed apart."""
    from factcheck.extraction.engine import pipeline

    nlp = pipeline.get_nlp()
    text = generate(shape, size)
    if len(text) > nlp.max_length:
        nlp.max_length = len(text) + 1
    t0 = time.perf_counter()
    doc = nlp(text)
    t1 = time.perf_counter()
    found = pipeline.extract_doc(doc)
    t2 = time.perf_counter()
    return {
        "chars": len(text),
        "spacy": t1 - t0,
        "rules": t2 - t1,
        "total": t2 - t0,
        "quotes": len(found.quotes),
        "claims": len(found.claims),
    }


def profile(shape: str, size: int) -> None:
    import cProfile
    import pstats

    from factcheck.extraction.engine import pipeline

    nlp = pipeline.get_nlp()
    text = generate(shape, size)
    nlp.max_length = max(nlp.max_length, len(text) + 1)
    doc = nlp(text)
    prof = cProfile.Profile()
    prof.enable()
    pipeline.extract_doc(doc)
    prof.disable()
    pstats.Stats(prof).sort_stats("cumulative").print_stats(25)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--limit", type=float, default=120.0, help="stop a shape after a size takes longer (s)")
    parser.add_argument("--profile", help="SHAPE:SIZE: profile the rule code on one input")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # SHAPE, in the child process
    args = parser.parse_args()
    if args.one:  # the child: every size of one shape, one JSON line each, stops past the limit
        from factcheck.extraction.engine import pipeline

        pipeline.extract(generate("news", 3000, seed=1))  # warm every model (as a running worker has)
        for size in map(int, args.sizes.split(",")):
            r = measure(args.one, size)
            print(json.dumps(r), flush=True)
            if r["total"] > args.limit:
                break
        return 0
    if args.profile:
        shape, size = args.profile.split(":")
        profile(shape, int(size))
        return 0

    import platform

    print(f"# engine scaling: {platform.python_version()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    print(f"{'shape':<9} {'chars':>9} {'spaCy s':>8} {'rules s':>8} {'total s':>8} {'s/100k':>7} quotes claims")
    for shape in args.shapes.split(","):
        cmd = [sys.executable, __file__, "--one", shape, "--sizes", args.sizes, "--limit", str(args.limit)]
        child = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        # A runaway input must not hang the run: the child is killed past 3x the limit per size.
        sizes = args.sizes.split(",")
        deadline = time.monotonic() + 60 + len(sizes) * args.limit * 3
        for line in child.stdout:
            r = json.loads(line)
            per = r["total"] / r["chars"] * 100_000
            print(
                f"{shape:<9} {r['chars']:>9} {r['spacy']:>8.2f} {r['rules']:>8.2f} {r['total']:>8.2f} {per:>7.2f}"
                f" {r['quotes']:>6} {r['claims']:>6}",
                flush=True,
            )
            if r["total"] > args.limit:
                print(f"{shape:<9} stopped: {r['chars']} characters took {r['total']:.0f} s (> {args.limit:.0f} s)")
            if time.monotonic() > deadline:
                break
        try:
            child.wait(timeout=max(1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            print(f"{shape:<9} killed past {deadline:.0f}: stopping this shape")
        if child.returncode:
            print(f"{shape:<9} child exited {child.returncode}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
