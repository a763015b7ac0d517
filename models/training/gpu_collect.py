"""After gpu_run.sh: pick the best MiniLM config on restaurants14+laptops14 validation (int8 ONNX),
put logs + metrics of every config in results.tgz and the chosen int8 models in <16 MB parts."""
import glob, json, os, subprocess, sys, tarfile

W, OUT = sys.argv[1], sys.argv[2]


def score(m):
    if "validation" not in m:  # --export-only: best fp32 validation score of the training history
        return max(h["score"] for h in m["training"]["history"])
    v = m["validation"]
    return sum((v[k]["ate_f1"] + v[k]["apc_accuracy"] + v[k]["apc_macro_f1"] + v[k]["e2e_f1"]) / 4
               for k in ("restaurants14", "laptops14")) / 2


summary = {}
for mj in glob.glob(os.path.join(W, "*", "artifact", "metrics.json")):
    name = mj.split(os.sep)[-3]
    m = json.load(open(mj))
    summary[name] = {"score": score(m), "validation": m.get("validation")}
json.dump(summary, open(os.path.join(W, "summary.json"), "w"), indent=2)
print(json.dumps({k: round(v["score"], 4) for k, v in summary.items()}))
with tarfile.open(os.path.join(OUT, "results.tgz"), "w:gz") as t:
    t.add(os.path.join(W, "summary.json"), "summary.json")
    for f in glob.glob(os.path.join(W, "*.log")):
        t.add(f, os.path.basename(f))
    for f in glob.glob(os.path.join(W, "*", "artifact", "*.json")):
        parts = f.split(os.sep)
        t.add(f, f"{parts[-3]}/{parts[-1]}")
minilm = [k for k in summary if k.startswith("minilm")]
chosen = sorted(minilm, key=lambda k: -summary[k]["score"])[: int(os.environ.get("RETURN_TOP", "1"))]
chosen += [k for k in summary if k.startswith("e5")]
for k in chosen:
    src = os.path.join(W, k, "artifact", "model.onnx")
    subprocess.run(["split", "-b", "15000000", "-d", src, os.path.join(OUT, f"{k}.onnx.part")], check=True)
    print("returned", k)
