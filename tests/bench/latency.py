#!/usr/bin/env python3
"""Where a keystroke's time goes inside the server: the median time between consecutive steps.

Run the server with `AGENTLINT_LOG=agentlint::latency=trace` and its stderr in a file (for
example through a wrapper script given to bench-keystroke as AGENTLINT_BIN), then:

    tests/bench/latency.py server-stderr.log

Each keystroke is the steps from a `didChange` being read to its diagnostics being written.
bench-keystroke ends with a burst of 50 changes: for it, how many analyses ran to the end after
its last change was handled (1: it settled in the newest version's analysis), and the time from
that change to the last diagnostics written.
"""

import statistics
from collections import Counter
import sys
from datetime import datetime


def steps(path):
    for line in open(path, encoding="utf-8", errors="replace"):
        if "agentlint::latency:" not in line:
            continue
        stamp, _, rest = line.partition(" ")
        what = rest.split("agentlint::latency:", 1)[1].strip()
        yield datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() * 1e6, what


def main(path):
    keystrokes, current = [], None
    for at, what in steps(path):
        if what == "message read":
            current = [(at, what)]
        elif current is not None:
            current.append((at, what))
            if what == "written" and any(w == "analysis end" for _, w in current):
                keystrokes.append(current)
                current = None
    # The steps every keystroke went through (the most common sequence: a server of another
    # version may name its steps differently).
    sequences = Counter(tuple(w for _, w in k) for k in keystrokes)
    expected = list(sequences.most_common(1)[0][0]) if sequences else []
    complete = [k for k in keystrokes if [w for _, w in k] == expected]
    if not complete:
        sys.exit(f"no complete keystroke in {path} (was AGENTLINT_LOG=agentlint::latency=trace set?)")
    print(f"{len(complete)} keystrokes, median µs between steps:")
    for i in range(1, len(expected)):
        gaps = [k[i][0] - k[i - 1][0] for k in complete]
        print(f"  {expected[i - 1]:>20} → {expected[i]:<20} {statistics.median(gaps):8.0f}")
    print(f"  {'total':>43} {statistics.median(k[-1][0] - k[0][0] for k in complete):8.0f}")
    burst(list(steps(path)))


def burst(events, size=50):
    """The last `size` changes: analyses run to the end after the last one, and its settling."""
    changes = [i for i, (_, what) in enumerate(events) if what == "didChange"]
    if len(changes) < size:
        return
    last = changes[-1]
    after = events[last:]
    analyses = sum(1 for _, what in after if what == "analysed")
    written = [at for at, what in after if what == "written"]
    if written:
        print(
            f"burst of {size}: {analyses} analysis(es) after its last change, "
            f"{(written[-1] - events[last][0]) / 1000:.2f} ms from it to the last diagnostics"
        )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else sys.exit(__doc__))
