"""compare's default table against compare's own CSV, the same rows, in the same run.

    python benchmarks/compare_table.py            # 100,000 rows, 5 interleaved runs each
    python benchmarks/compare_table.py --quick    # 3 runs

The table streams as the single-schedule table does (plain aligned rows under Rich's header), so
it should cost about what the CSV costs: the figure is the ratio of the medians (wall time).
"""

from __future__ import annotations

import argparse
import sys

from bench import LRSCHED, interleaved

SPECS = ["step --lr 0.1 --step-size 10", "cosine --lr 0.1 --min-lr 0.001"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("-n", type=int, default=100_000, help="rows (default 100,000)")
    options = parser.parse_args()
    compare = [LRSCHED, "compare", *SPECS, "-n", str(options.n)]
    times = interleaved(
        {"csv": [*compare, "-f", "csv"], "table": [*compare, "-f", "table"]},
        repeat=3 if options.quick else 5,
    )
    ratio = times["table"] / times["csv"]
    print(f"python {sys.version.split()[0]}; medians of interleaved runs, {options.n:,} rows")
    print(f"compare table: {times['table']:6.2f} s vs its csv {times['csv']:.2f} s -> {ratio:.2f}x")
    per_row = (times["table"] - times["csv"]) / options.n * 1e6
    print(f"               {per_row:.1f} us a row more than the csv")


if __name__ == "__main__":
    main()
