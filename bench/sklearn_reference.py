"""scikit-learn references for bench/quality.ts (run with Debian's /usr/bin/python3, python3-sklearn).

argv: folder with trX.f32 teX.f32 trY.i32 teY.i32 texts.json, embedding width, C.
Prints one JSON line: test accuracy of LogisticRegression on the same embeddings (same C,
balanced class weights, lbfgs) and of TF-IDF (word 1-2-gram, sublinear tf) + LogisticRegression.
"""
import json
import sys

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score

folder, dim, C = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])


def load(name, dtype, width=None):
    a = np.fromfile(f"{folder}/{name}", dtype=dtype)
    return a.reshape(-1, width) if width else a


trX, teX = load("trX.f32", np.float32, dim), load("teX.f32", np.float32, dim)
trY, teY = load("trY.i32", np.int32), load("teY.i32", np.int32)
lr = LogisticRegression(C=C, class_weight="balanced", max_iter=2000).fit(trX, trY)
pred = lr.predict(teX)
texts = json.load(open(f"{folder}/texts.json"))
vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
Xtr, Xte = vec.fit_transform(texts["train"]), vec.transform(texts["test"])
best = None
for c in (1, 10, 100):
    p = LogisticRegression(C=c, max_iter=2000).fit(Xtr, trY).predict(Xte)
    acc = accuracy_score(teY, p)
    if best is None or acc > best[1]:
        best = (c, acc)
print(json.dumps({
    "sklearnHeadOnly": round(accuracy_score(teY, pred), 4),
    "sklearnHeadOnlyMacroF1": round(f1_score(teY, pred, average="macro"), 4),
    "sklearnTfidfBestOnTest": round(best[1], 4),
    "sklearnTfidfC": best[0],
}))
