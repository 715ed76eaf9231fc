#!/usr/bin/env python3
"""The table of bench/scale.sh, from the logs it leaves in its work directory.

Usage: bench/scale_table.py WORK_DIR
Reads WORK_DIR/train-SYSTEM-N.log and translate-SYSTEM-N.log (progress lines and GNU time
-v output), WORK_DIR/bleu-SYSTEM-N.txt and WORK_DIR/model-SYSTEM-N (its size), and prints a
Markdown table: per system and stage, seconds and peak RSS per size, and the growth exponents
log(v2/v1)/log(n2/n1) between the two largest sizes.
"""
import math
import os
import re
import sys
from collections import OrderedDict


def seconds(text):
    total = 0.0
    for value, unit in re.findall(r"([\d.]+)(h|ms|m|s)", text):
        total += float(value) * {"h": 3600, "m": 60, "s": 1, "ms": 0.001}[unit]
    return total


def gb(value, unit):
    return float(value) * {"B": 1e-9, "kB": 1e-6, "MB": 1e-3, "GB": 1, "TB": 1e3}[unit]


def gnu_time(path):
    text = open(path, errors="replace").read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text)
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if not wall or not peak:
        return None  # still running, or killed before GNU time reported
    wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall.group(1).split(":"))))
    return wall, int(peak.group(1)) / 1e6


def dir_bytes(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            if not f.startswith("."):
                total += os.path.getsize(os.path.join(root, f))
    return total


def main():
    work = sys.argv[1]
    rows = OrderedDict()  # (system, stage) -> {n: (seconds, peak GB)}
    sizes = set()
    stage_line = re.compile(r"\[(.+?)\] done in (\S+?)(?::.*)? \(RSS ([\d.]+) (\w+), peak ([\d.]+) (\w+)\)$")
    logs = sorted(f for f in os.listdir(work) if f.startswith("train-") and f.endswith(".log"))
    for name in logs:
        system, n = re.match(r"train-(.+)-(\d+)\.log", name).groups()
        n = int(n)
        sizes.add(n)
        for line in open(os.path.join(work, name), errors="replace"):
            m = stage_line.match(line.strip())
            if m:
                rows.setdefault((system, m.group(1)), {})[n] = (seconds(m.group(2)), gb(m.group(5), m.group(6)))
        whole = gnu_time(os.path.join(work, name))
        if whole:
            rows.setdefault((system, "train (whole command)"), {})[n] = whole
        tlog = os.path.join(work, f"translate-{system}-{n}.log")
        if os.path.exists(tlog) and gnu_time(tlog):
            rows.setdefault((system, "translate 1,000 sentences (with load)"), {})[n] = gnu_time(tlog)
        model = os.path.join(work, f"model-{system}-{n}")
        if os.path.isdir(model):
            rows.setdefault((system, "model directory (GB)"), {})[n] = (None, dir_bytes(model) / 1e9)
        bleu = os.path.join(work, f"bleu-{system}-{n}.txt")
        if os.path.exists(bleu):
            rows.setdefault((system, "test BLEU"), {})[n] = (float(open(bleu).read().strip()), None)
    sizes = sorted(sizes)

    def label(n):
        return f"{n // 1000000}M" if n % 1000000 == 0 else f"{n // 1000}k"

    def exponent(points):
        points = [(n, v) for n, v in points if v]
        if len(points) < 2:
            return ""
        (n1, v1), (n2, v2) = points[-2], points[-1]
        return f"{math.log(v2 / v1) / math.log(n2 / n1):.2f}"

    head = "| system | stage | " + " | ".join(label(n) for n in sizes) + " | time exp. | memory exp. |"
    print(head)
    print("|" + "---|" * (len(sizes) + 4))
    for (system, stage), by_n in rows.items():
        cells = []
        for n in sizes:
            sec, peak = by_n.get(n, (None, None))
            if stage == "test BLEU":
                cells.append(f"{sec:.1f}" if sec is not None else "")
            elif sec is None and peak is not None:
                cells.append(f"{peak:.2f}")
            elif sec is not None:
                cells.append(f"{sec:.1f} s / {peak:.2f} GB")
            else:
                cells.append("")
        timed = stage not in ("test BLEU", "model directory (GB)")
        t_exp = exponent([(n, by_n[n][0]) for n in sizes if n in by_n]) if timed else ""
        m_exp = exponent([(n, by_n[n][1]) for n in sizes if n in by_n]) if stage != "test BLEU" else ""
        print(f"| {system} | {stage} | " + " | ".join(cells) + f" | {t_exp} | {m_exp} |")
    print()
    print("Seconds from the progress lines; GB is the process's peak RSS at the end of the stage")
    print("(the whole-command rows: GNU time). Exponents between the two largest sizes.")


if __name__ == "__main__":
    main()
