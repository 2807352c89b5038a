"""HF transformers as the peer of `headwise bench train|infer --peer-python PYTHON`.

headwise starts this script with the workload's shape, then drives it over stdin/stdout one line at a
time, so that its rounds alternate with headwise's own and both see the same load from other processes:

    -> {"ready": true, "transformers": "5.12.1", "torch": "2.14.1", ...}
    <- round N [B]        N timed units (training steps, or forward calls at batch B), then it answers
    -> {"seconds": [...]}
    <- quit

Training: AutoModelForSequenceClassification from the config.json given, random weights, AdamW
(fused where torch has it), gradient clipping at 1.0, dropout as configured, on random tokens with every
position attended. Inference: the given model directory (a saved HF encoder) with a fresh
classification head, under torch.inference_mode(), logits copied back as a caller would.
HF's default attention (SDPA) in eager mode: what a user of transformers gets without torch.compile.
"""
import argparse
import json
import os
import re
import sys
import time

import torch
import transformers
from transformers import AutoConfig, AutoModelForSequenceClassification


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["train", "infer"])
    p.add_argument("--config", help="config.json folder of the shape to train (train)")
    p.add_argument("--model", help="saved HF encoder folder (infer)")
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--seq", type=int, required=True)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--labels", type=int, default=4)
    p.add_argument("--lr", type=float, default=1e-5)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    if a.mode == "train":
        config = AutoConfig.from_pretrained(a.config, num_labels=a.labels)
        model = AutoModelForSequenceClassification.from_config(config)
        model.train()
        unit = training_step(model, config, a)
    else:
        model = AutoModelForSequenceClassification.from_pretrained(a.model, num_labels=2)
        model.eval()
        unit = forward_call(model, model.config, a)

    say({"ready": True, "transformers": transformers.__version__, "torch": torch.__version__,
         "attention": getattr(model.config, "_attn_implementation", "unknown"),
         "blas": blas_name(), "threads": torch.get_num_threads()})
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        if words[0] != "round":
            say({"error": "unknown command " + line.strip()})
            continue
        batch = int(words[2]) if len(words) > 2 else a.batch
        seconds = []
        for _ in range(int(words[1])):
            start = time.perf_counter()
            unit(batch)
            seconds.append(time.perf_counter() - start)
        say({"seconds": seconds})


def random_ids(config, batch, seq, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randint(1, config.vocab_size, (batch, seq), generator=g)


def training_step(model, config, a):
    ids = random_ids(config, a.batch, a.seq, 7)
    mask = torch.ones_like(ids)
    labels = torch.randint(0, a.labels, (a.batch,), generator=torch.Generator().manual_seed(8))
    try:
        opt = torch.optim.AdamW(model.parameters(), lr=a.lr, fused=True)
    except (RuntimeError, TypeError):
        opt = torch.optim.AdamW(model.parameters(), lr=a.lr)

    def step(_batch):
        opt.zero_grad(set_to_none=True)
        loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
    return step


def forward_call(model, config, a):
    inputs = {}

    def call(batch):
        if batch not in inputs:
            ids = random_ids(config, batch, a.seq, 11 + batch)
            inputs[batch] = (ids, torch.ones_like(ids))
        ids, mask = inputs[batch]
        with torch.inference_mode():
            model(input_ids=ids, attention_mask=mask).logits.tolist()
    return call


def blas_name():
    """The BLAS library torch's products run on, as the process mapped it (torch's BLAS_INFO may say only 'generic')."""
    try:
        with open("/proc/self/maps") as maps:
            libs = sorted({line.split()[-1] for line in maps
                           if re.match(r"lib(openblas|mkl_rt|mkl_core|blis)", os.path.basename(line.split()[-1]))})
        if libs:
            return ", ".join(libs)
    except OSError:
        pass
    try:
        return torch.__config__.show().split("BLAS_INFO=")[1].split(",")[0]
    except IndexError:
        return "unknown"


def say(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
