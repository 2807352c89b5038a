"""HF transformers' side of headwise's RoBERTa and XLNet tests (HfEncodersTest runs it with HEADWISE_HF_PYTHON).

  make ROOT                        tokenizers trained with the tokenizers library (byte-level BPE for RoBERTa,
                                   Unigram for XLNet) in ROOT/tokenizer-roberta and ROOT/tokenizer-xlnet, and
                                   tiny random HF models of every kind beside them, each with expected.json:
                                   token ids and types, logits of each text alone and of the padded batch, and
                                   for the bare encoders their CLS and mean sentence vectors
  read TEXTS.json OUT.json DIR...  what HF makes of headwise's model directories: the same logits, alone and
                                   in a batch padded by the saved tokenizer

Training steps are hf_interop.py's "train", which passes token types when the batch has them.
"""
import json
import os
import sys
import types

import torch
import transformers.models.roberta.tokenization_roberta as roberta_tokenization
from tokenizers import ByteLevelBPETokenizer, Tokenizer, models, pre_tokenizers, processors, trainers
from transformers import (AutoModel, AutoModelForSequenceClassification, AutoTokenizer, RobertaConfig,
                          RobertaForSequenceClassification, RobertaModel, RobertaTokenizer, XLNetConfig,
                          XLNetForSequenceClassification, XLNetModel, XLNetTokenizer)

TEXTS = ["Hello world, hello!", "hello hellos World", "Café owners say hello", "naïve résumé: 100% sure? 😀",
         "  spaces   and\ttabs  ", "the end", "world " * 80 + "the end"]
MAX_LENGTH = 32


def _roberta_processing(sep, cls, **options):
    """Debian's tokenizers 0.23.1 takes RobertaProcessing's sep and cls by position only; transformers 5.12's
    RobertaTokenizer passes them by name (a TypeError on every RobertaTokenizer, saved ones included)."""
    return processors.RobertaProcessing(sep, cls, **options)


roberta_tokenization.processors = types.SimpleNamespace(**{**vars(processors), "RobertaProcessing": _roberta_processing})
WORDS = ["hello", "Hello", "world", "World", "owners", "say", "the", "end", "Café", "cafe", "naïve", "résumé",
         "sure", "spaces", "and", "tabs", "red", "green", "blue", "!", ",", "?", ":", "100%", "😀"]


def corpus():
    out = []
    for i in range(400):
        out.append(" ".join(WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(3 + i % 9)))
    return out + TEXTS


def roberta_tokenizer(d):
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(corpus(), vocab_size=400, min_frequency=1,
                            special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    trained = json.loads(bpe._tokenizer.to_str())["model"]
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in trained["merges"]]
    tok = RobertaTokenizer(vocab=trained["vocab"], merges=merges, model_max_length=MAX_LENGTH)
    tok.save_pretrained(d)
    return AutoTokenizer.from_pretrained(d)


def xlnet_tokenizer(d):
    uni = Tokenizer(models.Unigram())
    uni.pre_tokenizer = pre_tokenizers.Metaspace()
    specials = ["<unk>", "<s>", "</s>", "<cls>", "<sep>", "<pad>", "<mask>", "<eod>", "<eop>"]
    uni.train_from_iterator(corpus(), trainers.UnigramTrainer(vocab_size=200, special_tokens=specials,
                                                              unk_token="<unk>"))
    vocab = [tuple(v) for v in json.loads(uni.to_str())["model"]["vocab"]]
    tok = XLNetTokenizer(vocab=vocab, unk_id=0, model_max_length=MAX_LENGTH)
    tok.save_pretrained(d)
    return AutoTokenizer.from_pretrained(d)


def config(arch, vocab, labels, problem_type=None, layers=2, init=0.3):
    common = dict(vocab_size=vocab, num_labels=len(labels), id2label=dict(enumerate(labels)),
                  label2id={l: i for i, l in enumerate(labels)}, problem_type=problem_type, initializer_range=init)
    if arch == "roberta":
        return RobertaConfig(hidden_size=16, num_hidden_layers=layers, num_attention_heads=4, intermediate_size=32,
                             max_position_embeddings=MAX_LENGTH + 2, type_vocab_size=1, hidden_dropout_prob=0.0,
                             attention_probs_dropout_prob=0.0, pad_token_id=1, **common)
    return XLNetConfig(d_model=16, n_layer=layers, n_head=4, d_inner=32, dropout=0.0, summary_last_dropout=0.0,
                       pad_token_id=5, **common)


def forward(model, tok, texts):
    """Logits (or the last hidden state) of each text alone and of the batch padded as the tokenizer pads."""
    with torch.no_grad():
        alone = [model(**tok(t, truncation=True, return_tensors="pt"))[0][0] for t in texts]
        batch = model(**tok(texts, truncation=True, padding=True, return_tensors="pt"))[0]
    return alone, batch


def make(root):
    torch.manual_seed(0)
    toks = {}
    for arch, build in (("roberta", roberta_tokenizer), ("xlnet", xlnet_tokenizer)):
        toks[arch] = build(os.path.join(root, "tokenizer-" + arch))
    # The XLNet tokenizers marked typed list token_type_ids in model_input_names, so HF feeds XLNet its segments
    # (<cls> is segment 2, padding 3); by default HF 5 passes none. Weights are drawn with std 0.3 for distinct
    # logits; the "-steps" copies, which HfEncodersTest trains, with HF's default 0.02: a few parameters (the
    # attention key biases) get no gradient but rounding noise, which AdamW would turn into steps of about the
    # learning rate unless the noise stays under its eps.
    levels = ["level1:p", "level1:q", "level2:p1", "level2:p2", "level2:q1"]
    kinds = {
        "distilroberta-multiclass": ("roberta", ["red", "green", "blue"], None, 6, False),
        "roberta-multilabel": ("roberta", ["x", "y", "z"], "multi_label_classification", 2, False),
        "roberta-one-logit": ("roberta", ["spam"], None, 2, False),
        "roberta-level-names": ("roberta", levels, None, 2, False),
        "xlnet-multiclass": ("xlnet", ["red", "green", "blue"], None, 2, False),
        "xlnet-multilabel-typed": ("xlnet", ["x", "y", "z"], "multi_label_classification", 2, True),
        "xlnet-one-logit": ("xlnet", ["spam"], None, 2, False),
        "xlnet-level-names-typed": ("xlnet", levels, None, 2, True),
    }
    for name, (arch, labels, problem, layers, typed) in kinds.items():
        tok = toks[arch]
        if typed:
            tok = AutoTokenizer.from_pretrained(os.path.join(root, "tokenizer-" + arch),
                                                model_input_names=["input_ids", "token_type_ids", "attention_mask"])
        cls = RobertaForSequenceClassification if arch == "roberta" else XLNetForSequenceClassification
        d = os.path.join(root, name)
        for suffix, init in (("-steps", 0.02), ("", 0.3)):
            model = cls(config(arch, len(tok), labels, problem, layers, init)).eval()
            model.save_pretrained(d + suffix)
            tok.save_pretrained(d + suffix)
        tok = AutoTokenizer.from_pretrained(d)
        alone, batch = forward(model, tok, TEXTS)
        enc = [tok(t, truncation=True) for t in TEXTS]
        json.dump({"texts": TEXTS, "labels": labels, "ids": [e["input_ids"] for e in enc],
                   "types": [e.get("token_type_ids") for e in enc], "padding_side": tok.padding_side,
                   "logits_alone": [a.tolist() for a in alone], "logits_batch": batch.tolist()},
                  open(os.path.join(d, "expected.json"), "w"))
    for arch in ("roberta", "xlnet"):
        d = os.path.join(root, arch + "-encoder")
        tok = toks[arch]
        base = RobertaModel if arch == "roberta" else XLNetModel
        model = base(config(arch, len(tok), ["a", "b"])).eval()
        model.save_pretrained(d)
        tok.save_pretrained(d)
        enc = tok(TEXTS, truncation=True, padding=True, return_tensors="pt")
        with torch.no_grad():
            h = model(**enc).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(2).float()
        cls_index = -1 if arch == "xlnet" else 0   # XLNet's <cls> is the last token, left padding keeps it there
        json.dump({"cls": h[:, cls_index].tolist(), "mean": ((h * mask).sum(1) / mask.sum(1)).tolist()},
                  open(os.path.join(d, "expected.json"), "w"))


def read(texts_file, out_file, *model_dirs):
    texts = json.load(open(texts_file))
    out = {}
    for d in model_dirs:
        tok = AutoTokenizer.from_pretrained(d)
        model = AutoModelForSequenceClassification.from_pretrained(d, dtype=torch.float32).eval()
        alone, batch = forward(model, tok, texts)
        out[d] = {"logits_alone": [a.tolist() for a in alone], "logits_batch": batch.tolist(),
                  "padding_side": tok.padding_side, "class": type(model).__name__,
                  "ids": [tok(t, truncation=True)["input_ids"] for t in texts]}
    json.dump(out, open(out_file, "w"))


if __name__ == "__main__":
    {"make": make, "read": read}[sys.argv[1]](*sys.argv[2:])
