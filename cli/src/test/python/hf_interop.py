"""HF transformers' side of headwise's interop tests (HfInteropTest runs it with HEADWISE_HF_PYTHON).

  read TEXTS.json OUT.json DIR...  what HF makes of model directories: logits, pipeline answers, the loss
                                   HF would fine-tune with, and headwise's decision as the README computes it
  make ROOT                        tiny HF classifiers of every kind, each with its logits and token ids, and
                                   in ROOT-encoder a bare BertModel with its CLS and mean sentence vectors
  train DIR BATCH.json OUT.json    five AdamW steps in HF's way from DIR's weights (token types too when the
                                   batch has "types"); the weights afterwards
  windows DIR TEXTS.json STRIDE OUT.json
                                   each text's windows as tokenizers' truncation with stride STRIDE cuts
                                   them, and the softmax of their logits' mean and max
"""
import json
import os
import sys

import torch
from transformers import (AutoModelForSequenceClassification, AutoTokenizer, BertConfig,
                          BertForSequenceClassification, BertModel, BertTokenizer, DistilBertConfig,
                          DistilBertForSequenceClassification, pipeline)

TEXTS = ["Hello world, hello!", "hello hellos World", "Café owners say hello", "world " * 80 + "the end"]
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "Hello", "world", "World", "##s", ",", "!",
         "cafe", "Café", "owners", "say", "the", "end", "."]


def headwise_predict(model, tok, text):
    """headwise's decision for one text, from config.json's "headwise" block."""
    hw = model.config.headwise
    ids = tok(text)["input_ids"]                         # [CLS] ... [SEP], uncut
    n, tail = hw["max_length"], hw["tail_tokens"]
    if len(ids) > n:                                     # head+tail: the first tokens and the last ones
        ids = ids[:n - tail - 1] + ids[len(ids) - tail - 1:]
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits[0]
    levels = hw["levels"]
    if hw["task"] == "multilabel":                       # sigmoids against the tuned thresholds
        t = hw.get("thresholds", {"global": 0.5})
        cut = t.get("per_label") or [t["global"]] * len(logits)
        return [l for l, p, c in zip(levels[0]["labels"], torch.sigmoid(logits).tolist(), cut) if p >= c]
    if hw["task"] != "hierarchical":                     # multiclass, and binary saved as two logits
        return [levels[0]["labels"][int(logits.argmax())]]
    links = hw.get("label_space", {}).get("hierarchy", []) if hw.get("consistent_decoding", True) else []
    path = []
    for k, level in enumerate(levels):                   # each level owns logits[start:end]
        start, end = level["logits"]
        allowed = links[k - 1].get(path[-1], []) if 0 < k <= len(links) else []
        ids = [level["labels"].index(c) for c in allowed] or range(end - start)
        path.append(level["labels"][max(ids, key=lambda c: logits[start + c].item())])
    return path


def read(texts_file, out_file, *model_dirs):
    texts = json.load(open(texts_file))
    json.dump({d: read_one(d, texts) for d in model_dirs}, open(out_file, "w"))


def read_one(model_dir, texts):
    tok = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForSequenceClassification.from_pretrained(model_dir, dtype=torch.float32).eval()
    enc = tok(texts, truncation=True, padding=True, return_tensors="pt")
    with torch.no_grad():
        logits = model(**enc).logits
    pipe = pipeline("text-classification", model=model, tokenizer=tok, device="cpu")
    answers = pipe(texts, truncation=True)
    configured = model.config.problem_type
    multi = configured == "multi_label_classification"
    labels = torch.zeros(len(texts), model.config.num_labels) if multi else torch.zeros(len(texts), dtype=torch.long)
    model.train()
    model(**enc, labels=labels)                            # HF settles problem_type on the first labelled forward
    out = {"logits": logits.tolist(), "pipeline": answers, "problem_type": configured,
           "fine_tune_problem_type": model.config.problem_type, "model_max_length": tok.model_max_length,
           "ids": [tok(t, truncation=True)["input_ids"] for t in texts]}
    if hasattr(model.config, "headwise"):
        model.eval()
        out["headwise_predict"] = [headwise_predict(model, tok, t) for t in texts]
    return out


def tiny(kind, labels, problem_type=None):
    common = dict(vocab_size=len(VOCAB), max_position_embeddings=64, num_labels=len(labels),
                  id2label=dict(enumerate(labels)), label2id={l: i for i, l in enumerate(labels)},
                  problem_type=problem_type)
    if kind == "bert":
        cfg = BertConfig(hidden_size=16, num_hidden_layers=2, num_attention_heads=4, intermediate_size=32,
                         hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, **common)
        return BertForSequenceClassification(cfg)
    cfg = DistilBertConfig(dim=16, n_layers=2, n_heads=4, hidden_dim=32, dropout=0.0, attention_dropout=0.0,
                           seq_classif_dropout=0.0, **common)
    return DistilBertForSequenceClassification(cfg)


def make(root):
    """Models of every kind; each directory gets expected.json with HF's logits and token ids."""
    torch.manual_seed(0)
    os.makedirs(root, exist_ok=True)
    vocab = os.path.join(root, "vocab.txt")
    open(vocab, "w").write("\n".join(VOCAB) + "\n")
    kinds = {
        "distilbert-multiclass": ("distilbert", ["red", "green", "blue"], None, {}, "json-uncased"),
        "bert-two-label-cased-vocab-only": ("bert", ["NEG", "POS"], None, {}, "vocab-cased"),
        "bert-multilabel-sharded-fp16": ("bert", ["x", "y", "z"], "multi_label_classification",
                                         {"max_shard_size": "4KB", "dtype": torch.float16}, "json-uncased"),
        "distilbert-one-logit-bf16": ("distilbert", ["spam"], None, {"dtype": torch.bfloat16}, "json-cased"),
        "bert-level-names": ("bert", ["level1:p", "level1:q", "level2:p1", "level2:p2", "level2:q1"], None, {},
                             "json-uncased"),
    }
    for name, (arch, labels, problem, save, tokenizer) in kinds.items():
        d = os.path.join(root, name)
        model = tiny(arch, labels, problem).eval()
        dtype = save.pop("dtype", None)
        if dtype is not None:       # weights as stored, so both sides compute from the same values
            model = model.to(dtype).to(torch.float32)
            model.to(dtype).save_pretrained(d, **save)
            model = model.to(torch.float32)
        else:
            model.save_pretrained(d, **save)
        tok = BertTokenizer(vocab_file=vocab, do_lower_case=tokenizer.endswith("-uncased"), model_max_length=32)
        tok.save_pretrained(d)
        if tokenizer.startswith("vocab"):  # what older checkpoints ship: vocab.txt and tokenizer_config.json
            os.remove(os.path.join(d, "tokenizer.json"))
            open(os.path.join(d, "vocab.txt"), "w").write("\n".join(VOCAB) + "\n")
        tok = AutoTokenizer.from_pretrained(d)
        enc = tok(TEXTS, truncation=True, padding=True, return_tensors="pt")
        with torch.no_grad():
            logits = model(**enc).logits
        json.dump({"texts": TEXTS, "logits": logits.tolist(), "labels": labels,
                   "ids": [tok(t, truncation=True)["input_ids"] for t in TEXTS]},
                  open(os.path.join(d, "expected.json"), "w"))
    d = root + "-encoder"
    encoder = BertModel(BertConfig(vocab_size=len(VOCAB), max_position_embeddings=64, hidden_size=16,
                                   num_hidden_layers=2, num_attention_heads=4, intermediate_size=32)).eval()
    encoder.save_pretrained(d)
    tok = BertTokenizer(vocab_file=vocab, model_max_length=32)
    tok.save_pretrained(d)
    enc = tok(TEXTS, truncation=True, padding=True, return_tensors="pt")
    with torch.no_grad():
        h = encoder(**enc).last_hidden_state
    mask = enc["attention_mask"].unsqueeze(2).float()
    json.dump({"cls": h[:, 0].tolist(), "mean": ((h * mask).sum(1) / mask.sum(1)).tolist()},
              open(os.path.join(d, "expected.json"), "w"))


def train(model_dir, batch_file, out_file):
    """HF Trainer's optimisation, step by step: AdamW without decay on biases and LayerNorm weights,
    gradient clipping at 1.0; the model's own loss for its problem_type, or what an HF user overrides
    compute_loss with for heads HF lacks: BCE on one logit ("bce"), a cross-entropy per level ("levels")."""
    b = json.load(open(batch_file))
    model = AutoModelForSequenceClassification.from_pretrained(model_dir, dtype=torch.float32)
    model.train()
    norm = [n for n, m in model.named_modules() if isinstance(m, torch.nn.LayerNorm)]
    no_decay = {n for n, _ in model.named_parameters() if n.endswith("bias") or any(n == f"{m}.weight" for m in norm)}
    groups = [{"params": [p for n, p in model.named_parameters() if n not in no_decay], "weight_decay": 0.01},
              {"params": [p for n, p in model.named_parameters() if n in no_decay], "weight_decay": 0.0}]
    opt = torch.optim.AdamW(groups, lr=b["lrs"][0], betas=(0.9, 0.999), eps=1e-8)
    inputs = {"input_ids": torch.tensor(b["ids"]), "attention_mask": torch.tensor(b["mask"])}
    if b.get("types") is not None:
        inputs["token_type_ids"] = torch.tensor(b["types"])
    loss_kind = b["loss"]
    labels = torch.tensor(b["labels"], dtype=torch.long if loss_kind in ("model", "levels") and not b["multilabel"]
                          else torch.float32)
    losses = []
    for lr in b["lrs"]:
        for g in opt.param_groups:
            g["lr"] = lr
        if loss_kind == "model":
            loss = model(**inputs, labels=labels).loss
        else:
            logits = model(**inputs).logits
            if loss_kind == "bce":
                loss = torch.nn.functional.binary_cross_entropy_with_logits(logits.squeeze(1), labels)
            else:
                bounds = b["level_bounds"]
                loss = sum(torch.nn.functional.cross_entropy(logits[:, s:e], labels[:, k])
                           for k, (s, e) in enumerate(bounds))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad()
        losses.append(loss.item())
    json.dump({"losses": losses, "weights": {n: p.detach().flatten().tolist() for n, p in model.named_parameters()}},
              open(out_file, "w"))


def windows(model_dir, texts_file, stride, out_file):
    """Each text's overflowing windows, and the softmax of their logits' mean and max.

    The windows are cut the way tokenizers' truncation with a stride does (Encoding.truncate on the text's
    tokens, then the post-processor adds the special tokens to each window). tokenizers 0.23's
    encode(return_overflowing_tokens=True) drops the text after its first max_length tokens when cutting
    overflows; "overflowing" holds what it returns, to compare where it does cover the text.
    """
    texts = json.load(open(texts_file))
    stride = int(stride)
    tok = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForSequenceClassification.from_pretrained(model_dir, dtype=torch.float32).eval()
    backend = tok.backend_tokenizer
    room = tok.model_max_length - backend.num_special_tokens_to_add(False)
    out = {"windows": [], "overflowing": [], "mean": [], "max": []}
    for text in texts:
        backend.no_truncation()  # the call below sets it, and post_process would apply it
        backend.no_padding()
        e = backend.encode(text, add_special_tokens=False)
        e.truncate(room, stride=stride)
        ids = [backend.post_process(w).ids for w in [e] + e.overflowing]
        out["windows"].append(ids)
        out["overflowing"].append(tok(text, truncation=True, stride=stride, return_overflowing_tokens=True)["input_ids"])
        width = max(len(w) for w in ids)
        batch = torch.tensor([w + [tok.pad_token_id] * (width - len(w)) for w in ids])
        mask = torch.tensor([[1] * len(w) + [0] * (width - len(w)) for w in ids])
        with torch.no_grad():
            logits = model(input_ids=batch, attention_mask=mask).logits
        out["mean"].append(torch.softmax(logits.mean(0), 0).tolist())
        out["max"].append(torch.softmax(logits.max(0).values, 0).tolist())
    json.dump(out, open(out_file, "w"))


if __name__ == "__main__":
    {"read": read, "make": make, "train": train, "windows": windows}[sys.argv[1]](*sys.argv[2:])
