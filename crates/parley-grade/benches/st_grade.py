"""sentence-transformers doing the grader's embedding work, by the protocol of grade.rs.

Usage: python3 st_grade.py MODEL_FILE UNITS_JSONL RUNS BATCH SINGLES -> "ANSWERS_PER_S P50_MS P95_MS"
UNITS_JSONL holds, per answer, the texts the grader embeds (a JSON array per line). Batched:
the texts of BATCH answers per encode call; single: one answer's texts per call, for the first
SINGLES answers. The model is built from the same weights as parley-embed's (see
../../parley-embed/benches/st_bench.py).
"""
import json
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../parley-embed/benches"))
from st_bench import build  # noqa: E402


def main():
    model_file, units_file = sys.argv[1], sys.argv[2]
    runs, batch, singles = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    from sentence_transformers import SentenceTransformer, models as st_models

    with open(units_file, encoding="utf-8") as f:
        answers = [["query: " + t for t in json.loads(line)] for line in f if line.strip()]
    with tempfile.TemporaryDirectory() as out:
        build(model_file, out)
        word = st_models.Transformer(out, max_seq_length=512)
        pool = st_models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
        model = SentenceTransformer(modules=[word, pool, st_models.Normalize()], device="cpu")
        model.encode([t for a in answers[:batch] for t in a], batch_size=batch)  # warm-up
        rates = []
        for _ in range(runs):
            start = time.perf_counter()
            for i in range(0, len(answers), batch):
                texts = [t for a in answers[i:i + batch] for t in a]
                model.encode(texts, batch_size=len(texts))
            rates.append(len(answers) / (time.perf_counter() - start))
        times = []
        for a in answers[:singles]:
            start = time.perf_counter()
            model.encode(a, batch_size=len(a))
            times.append((time.perf_counter() - start) * 1e3)
    times.sort()
    print(statistics.median(rates), times[len(times) // 2], times[round((len(times) - 1) * 0.95)])


if __name__ == "__main__":
    main()
