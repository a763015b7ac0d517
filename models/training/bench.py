"""Speed and memory of an artifact in analyze mode (tagging pass + one targeted pass per found aspect,
exactly as evaluate.py / the runtime do it), onnxruntime CPU, one process.

  python3 models/training/bench.py --artifact models/absa/minilm-absa-en-1.0.0 --threads 2 [--batch 32]

Texts: the restaurants14 + laptops14 validation sentences of the artifact (eval/), cycled.
Reports sentences/s (wall clock, tokenization + both passes + decoding), mean ms per batch and
peak RSS of the process (ru_maxrss).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from absa_data import read_eval_jsonl  # noqa: E402
from evaluate import analyzer_from_artifact  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--artifact", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--no-spinning", action="store_true", help="onnxruntime threads sleep instead of spinning")
    ap.add_argument("--json-out")
    a = ap.parse_args()
    texts = []
    for n in ("restaurants14", "laptops14"):
        texts += [s.text for s in read_eval_jsonl(os.path.join(a.artifact, "eval", f"{n}-val.jsonl"))]
    an = analyzer_from_artifact(a.artifact, a.threads, spinning=not a.no_spinning)
    an.bs = max(a.batch, 1)
    # warm-up
    an.analyze(texts[: a.batch])
    n_sent = n_asp = 0
    c0 = os.times()
    t0 = time.perf_counter()
    i = 0
    lat = []
    while time.perf_counter() - t0 < a.seconds:
        batch = [texts[(i + k) % len(texts)] for k in range(a.batch)]
        i += a.batch
        t1 = time.perf_counter()
        res = an.analyze(batch)
        lat.append(time.perf_counter() - t1)
        n_sent += len(batch)
        n_asp += sum(len(r["aspects"]) for r in res)
    dt = time.perf_counter() - t0
    c1 = os.times()
    cpu_s = (c1.user - c0.user) + (c1.system - c0.system)
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = None
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    out = {
        "threads": a.threads, "spinning": not a.no_spinning, "batch": a.batch, "sentences": n_sent, "seconds": round(dt, 2),
        "sentences_per_s": round(n_sent / dt, 1), "aspects_per_sentence": round(n_asp / max(n_sent, 1), 2),
        "ms_per_batch_mean": round(1000 * sum(lat) / len(lat), 1),
        "cpu_seconds": round(cpu_s, 2), "cpu_ms_per_sentence": round(1000 * cpu_s / max(n_sent, 1), 2),
        # what `threads` dedicated cores would give if the process had them to itself
        "sentences_per_s_if_cores_free": round(n_sent / max(cpu_s / a.threads, 1e-9), 1),
        "load_avg_1min": load, "peak_rss_mb": round(rss_mb, 1),
        "model_mb": round(os.path.getsize(os.path.join(a.artifact, "model.onnx")) / 1e6, 1),
        "cpu": open("/proc/cpuinfo").read().split("model name")[1].split("\n")[0].strip(": ") if os.path.exists("/proc/cpuinfo") else "",
        "nproc": os.cpu_count(),
    }
    print(json.dumps(out))
    if a.json_out:
        json.dump(out, open(a.json_out, "w"), indent=2)


if __name__ == "__main__":
    main()
