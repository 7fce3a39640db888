#!/usr/bin/env python3
"""Precision of agentlint's errors and warnings on public agent repositories, against verdicts
read by hand (judgments.tsv). Usage:

    tests/precision/measure.py CHECKOUTS [AGENTLINT]

CHECKOUTS holds one directory per repository of repositories.tsv, named as its `repo` column,
checked out at its commit (see README.md). AGENTLINT defaults to target/release/agentlint.
Prints right / wrong / undecided per repository, per set and per rule, and every error or warning
no verdict covers (read those, and add them to judgments.tsv)."""
import collections
import csv
import json
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
checkouts = sys.argv[1]
binary = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "../../target/release/agentlint")
verdicts = {
    (row["repo"], row["loc"], row["code"]): row["verdict"]
    for row in csv.DictReader(open(os.path.join(here, "judgments.tsv")), delimiter="\t")
}
by_set = collections.defaultdict(collections.Counter)
by_rule = collections.defaultdict(collections.Counter)
by_set_and_rule = collections.defaultdict(collections.Counter)
unjudged = []
for repo in csv.DictReader(open(os.path.join(here, "repositories.tsv")), delimiter="\t"):
    name = repo["repo"]
    if not os.path.isdir(os.path.join(checkouts, name)):
        print(f"{name:20} not checked out")
        continue
    run = subprocess.run(
        [binary, "check", "--format", "json", name], cwd=checkouts, capture_output=True, text=True
    )
    counts = collections.Counter()
    for finding in json.loads(run.stdout)["diagnostics"]:
        if finding["severity"] not in ("error", "warning"):
            continue
        loc = f"{finding['path'][len(name) + 1:]}:{finding['range']['start']['line']}"
        verdict = verdicts.get((name, loc, finding["code"]), "UNJUDGED")
        counts[verdict] += 1
        by_set[repo["set"]][verdict] += 1
        by_rule[finding["code"]][verdict] += 1
        by_set_and_rule[f"{repo['set']} {finding['code']}"][verdict] += 1
        if verdict == "UNJUDGED":
            unjudged.append(f"{name}\t{loc}\t{finding['code']}\t{finding['message']}")
    print(f"{name:20} {dict(counts)}")
all_sets = collections.Counter()
for counts in by_set.values():
    all_sets.update(counts)
by_set["all"] = all_sets
for title, table in (("set", by_set), ("rule", by_rule), ("set and rule", by_set_and_rule)):
    print(f"\nby {title}:")
    for key, counts in sorted(table.items()):
        judged = counts["RIGHT"] + counts["WRONG"]
        rate = f"{100 * counts['RIGHT'] / judged:.0f}%" if judged else "-"
        print(f"  {key:14} right {counts['RIGHT']:3}  wrong {counts['WRONG']:3}  "
              f"undecided {counts['UNSURE']:2}  unjudged {counts['UNJUDGED']:2}  ({rate} right)")
if unjudged:
    print("\nnot judged yet:")
    print("\n".join(unjudged))
