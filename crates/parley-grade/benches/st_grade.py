"""sentence-transformers doing the grader's embedding work, by the protocol of grade.rs.

Usage: python3 st_grade.py MODEL_FILE UNITS_JSONL RUNS BATCH SINGLES -> "ANSWERS_PER_S P50_MS P95_MS"
UNITS_JSONL holds, per answer, its sentences (a JSON array per line). As the grader does, each
answer is embedded once, its sentences joined, and each sentence's vector is the mean of its own
tokens' states from that pass. Batched: BATCH answers per encode call; single: one answer per
call, for the first SINGLES answers. The model is built from the same weights as parley-embed's (see
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

    import numpy as np

    with open(units_file, encoding="utf-8") as f:
        answers = [json.loads(line) for line in f if line.strip()]
    with tempfile.TemporaryDirectory() as out:
        build(model_file, out)
        word = st_models.Transformer(out, max_seq_length=512)
        pool = st_models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
        model = SentenceTransformer(modules=[word, pool, st_models.Normalize()], device="cpu")
        tok = word.tokenizer
        prefix = len(tok("query:", add_special_tokens=False)["input_ids"])

        def grade_pass(group):
            out = model.encode(["query: " + " ".join(a) for a in group], batch_size=len(group),
                               output_value=None)
            for a, o in zip(group, out):
                states = o["token_embeddings"].numpy()
                at = 1 + prefix
                for s in a if len(a) > 1 else []:
                    n = len(tok(s, add_special_tokens=False)["input_ids"])
                    v = states[at:at + n].mean(axis=0)
                    v / max(np.linalg.norm(v), 1e-12)
                    at += n

        grade_pass(answers[:batch])  # warm-up
        rates = []
        for _ in range(runs):
            start = time.perf_counter()
            for i in range(0, len(answers), batch):
                grade_pass(answers[i:i + batch])
            rates.append(len(answers) / (time.perf_counter() - start))
        times = []
        for a in answers[:singles]:
            start = time.perf_counter()
            grade_pass([a])
            times.append((time.perf_counter() - start) * 1e3)
    times.sort()
    print(statistics.median(rates), times[len(times) // 2], times[round((len(times) - 1) * 0.95)])


if __name__ == "__main__":
    main()
