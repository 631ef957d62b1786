#!/usr/bin/env python3
"""Train a tiny claims-fraud logistic regression on synthetic Hong Kong
insurance claims and export it as an ONNX model.

Everything here is synthetic: no real claimant, policy or claim data is used.

Requirements (Debian/Ubuntu packages, no PyPI needed):
    apt-get install -y python3-onnx python3-numpy

Run (from the repository root):
    /usr/bin/python3 examples/hk-fraud/model/train_fraud_model.py

Outputs (written next to this script):
    fraud.onnx                  the model (opset 17, IR version 8)
    training-sample.csv         the 2000 synthetic training rows + label
    reference-predictions.json  float64 reference outputs for the first 8 rows

The script is deterministic: running it twice yields byte-identical files.
"""

import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SEED = 20261124
N_ROWS = 2000
N_REFERENCE_ROWS = 8
TARGET_FRAUD_RATE = 0.07
L2 = 1e-3

MODEL_NAME = "hk-claims-fraud"
MODEL_VERSION = "3"
INPUT_NAME = "claim_features"
OUTPUT_NAME = "fraud_probability"

OUT_DIR = os.path.dirname(os.path.abspath(__file__))

# (name, decimals written to the CSV; 0 means integer-valued)
FEATURES = [
    ("claim_amount_hkd", 2),         # HKD, claimed amount
    ("policy_age_days", 0),          # days since policy inception
    ("claimant_age", 0),             # years
    ("prior_claims_12m", 0),         # count of claims in last 12 months
    ("days_since_incident", 0),      # reporting delay in days
    ("num_documents", 0),            # supporting documents submitted
    ("repair_shop_risk_score", 4),   # 0..1, higher = riskier shop/provider
    ("is_weekend_incident", 0),      # 0/1
    ("hospital_days", 0),            # inpatient days linked to the claim
    ("payout_to_premium_ratio", 4),  # claim amount / annual premium
]
FEATURE_NAMES = [name for name, _ in FEATURES]
N_FEATURES = len(FEATURES)
assert N_FEATURES == 10

# Ground-truth logistic coefficients on standardized features (the "known"
# data-generating process the model should recover).
TRUE_COEF = np.array([
    0.55,   # claim_amount_hkd: bigger claims are riskier
    -0.80,  # policy_age_days: brand-new policies are riskier
    -0.25,  # claimant_age
    0.50,   # prior_claims_12m
    0.40,   # days_since_incident: late reporting
    -0.45,  # num_documents: thin paperwork
    0.70,   # repair_shop_risk_score
    0.30,   # is_weekend_incident
    0.20,   # hospital_days
    0.60,   # payout_to_premium_ratio
])


def generate_features(rng):
    n = N_ROWS
    claim_amount = rng.lognormal(mean=np.log(18000.0), sigma=0.9, size=n)
    claim_amount = np.clip(claim_amount, 500.0, 2_000_000.0)
    policy_age = np.clip(np.rint(rng.gamma(shape=1.6, scale=600.0, size=n)), 1, 7300)
    claimant_age = np.clip(np.rint(rng.normal(44.0, 13.0, size=n)), 18, 90)
    prior_claims = rng.poisson(0.45, size=n).astype(np.float64)
    days_since = np.clip(np.rint(rng.gamma(shape=1.3, scale=9.0, size=n)), 0, 365)
    num_docs = 1.0 + rng.poisson(3.5, size=n)
    shop_risk = rng.beta(2.0, 5.0, size=n)
    weekend = (rng.random(n) < 2.0 / 7.0).astype(np.float64)
    in_hospital = rng.random(n) < 0.22
    hospital_days = np.where(in_hospital, 1.0 + rng.poisson(2.5, size=n), 0.0)
    annual_premium = rng.lognormal(mean=np.log(9000.0), sigma=0.45, size=n)
    ratio = claim_amount / annual_premium

    X = np.column_stack([
        claim_amount, policy_age, claimant_age, prior_claims, days_since,
        num_docs, shop_risk, weekend, hospital_days, ratio,
    ])
    # Round to what the CSV stores, so training uses exactly the CSV values.
    for j, (_, decimals) in enumerate(FEATURES):
        X[:, j] = np.round(X[:, j], decimals)
    return X


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def draw_labels(rng, X):
    z = (X - X.mean(axis=0)) / X.std(axis=0)
    lin = z @ TRUE_COEF
    # Pick the intercept (by bisection) so the expected fraud rate is on target.
    lo, hi = -15.0, 5.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if sigmoid(lin + mid).mean() > TARGET_FRAUD_RATE:
            hi = mid
        else:
            lo = mid
    intercept = 0.5 * (lo + hi)
    p = sigmoid(lin + intercept)
    y = (rng.random(X.shape[0]) < p).astype(np.float64)
    return y, intercept


def train_logreg(Z, y, l2=L2, iters=50):
    """Newton / IRLS on standardized features, L2 on weights (not intercept)."""
    n, d = Z.shape
    A = np.column_stack([np.ones(n), Z])
    w = np.zeros(d + 1)
    reg = np.full(d + 1, l2 * n)
    reg[0] = 0.0
    for _ in range(iters):
        p = sigmoid(A @ w)
        grad = A.T @ (p - y) + reg * w
        H = (A * (p * (1.0 - p))[:, None]).T @ A + np.diag(reg)
        step = np.linalg.solve(H, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-12:
            break
    return w[1:], w[0]


def auc(scores, y):
    """ROC AUC via the Mann-Whitney U statistic with average ranks for ties."""
    order = np.argsort(scores, kind="mergesort")
    s = scores[order]
    ranks = np.empty(len(scores))
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[order[i:j + 1]] = 0.5 * (i + j) + 1.0
        i = j + 1
    pos = y == 1
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return (ranks[pos].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg)


def fmt(value, decimals):
    if decimals == 0:
        return str(int(round(value)))
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def build_onnx(mean32, std32, w32, b32):
    inp = helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, ["batch", N_FEATURES])
    out = helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, ["batch", 1])
    inits = [
        numpy_helper.from_array(mean32, name="feature_mean"),
        numpy_helper.from_array(std32, name="feature_std"),
        numpy_helper.from_array(w32, name="weights"),
        numpy_helper.from_array(b32, name="bias"),
    ]
    nodes = [
        helper.make_node("Sub", [INPUT_NAME, "feature_mean"], ["centered"], name="center"),
        helper.make_node("Div", ["centered", "feature_std"], ["standardized"], name="scale"),
        helper.make_node("MatMul", ["standardized", "weights"], ["logit_nobias"], name="matmul"),
        helper.make_node("Add", ["logit_nobias", "bias"], ["logit"], name="add_bias"),
        helper.make_node("Sigmoid", ["logit"], [OUTPUT_NAME], name="sigmoid"),
    ]
    graph = helper.make_graph(
        nodes, "hk_claims_fraud_logreg", [inp], [out], initializer=inits,
        doc_string="Standardize -> linear -> sigmoid fraud score.",
    )
    doc = ("Logistic-regression claims-fraud score for a synthetic Hong Kong "
           "insurer example. Input claim_features float32 [batch,10] in the "
           "order given by metadata 'feature_names'; output fraud_probability "
           "float32 [batch,1] in [0,1]. Trained on synthetic data only.")
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 17)],
        producer_name="train_fraud_model.py",
        producer_version="1",
        model_version=int(MODEL_VERSION),
        doc_string=doc,
    )
    model.ir_version = 8
    helper.set_model_props(model, {
        "name": MODEL_NAME,
        "version": MODEL_VERSION,
        "feature_names": ",".join(FEATURE_NAMES),
        "doc_string": doc,
        "data": "synthetic",
        "seed": str(SEED),
    })
    onnx.checker.check_model(model)
    return model


def main():
    rng = np.random.default_rng(SEED)
    X = generate_features(rng)
    y, true_intercept = draw_labels(rng, X)

    mean = X.mean(axis=0)
    std = X.std(axis=0)
    Z = (X - mean) / std
    w, b = train_logreg(Z, y)

    # Exported (float32) parameters; all reported numbers use these.
    mean32 = mean.astype(np.float32)
    std32 = std.astype(np.float32)
    w32 = w.astype(np.float32).reshape(N_FEATURES, 1)
    b32 = np.array([b], dtype=np.float32)

    def predict64(features):
        f = np.asarray(features, dtype=np.float64)
        zz = (f - mean32.astype(np.float64)) / std32.astype(np.float64)
        return sigmoid(zz @ w32.astype(np.float64)[:, 0] + float(b32[0]))

    X32 = X.astype(np.float32)
    p_train = predict64(X32)
    acc = float(np.mean((p_train >= 0.5) == (y == 1)))
    train_auc = float(auc(p_train, y))
    true_auc = float(auc((X - mean) / std @ TRUE_COEF, y))

    # training-sample.csv
    lines = [",".join(FEATURE_NAMES + ["is_fraud"])]
    for i in range(N_ROWS):
        cells = [fmt(X[i, j], FEATURES[j][1]) for j in range(N_FEATURES)]
        cells.append(str(int(y[i])))
        lines.append(",".join(cells))
    with open(os.path.join(OUT_DIR, "training-sample.csv"), "w", newline="\n") as fh:
        fh.write("\n".join(lines) + "\n")

    # reference-predictions.json (float64 numpy, independent of any ONNX runtime)
    ref_rows = X32[:N_REFERENCE_ROWS]
    ref = {
        "inputName": INPUT_NAME,
        "outputName": OUTPUT_NAME,
        "featureNames": FEATURE_NAMES,
        "note": "rows are the first 8 CSV rows rounded to float32; probabilities "
                "are computed in float64 numpy from the exported float32 parameters",
        "rows": [[float(v) for v in row] for row in ref_rows],
        "probabilities": [float(p) for p in predict64(ref_rows)],
    }
    with open(os.path.join(OUT_DIR, "reference-predictions.json"), "w", newline="\n") as fh:
        fh.write(json.dumps(ref, indent=2) + "\n")

    # fraud.onnx
    model = build_onnx(mean32, std32, w32, b32)
    with open(os.path.join(OUT_DIR, "fraud.onnx"), "wb") as fh:
        fh.write(model.SerializeToString())

    print(f"rows={N_ROWS} base_fraud_rate={y.mean():.4f} (target {TARGET_FRAUD_RATE})")
    print(f"true intercept={true_intercept:.4f} fitted intercept={b:.4f}")
    for name, tc, fc in zip(FEATURE_NAMES, TRUE_COEF, w):
        print(f"  {name:<26} true={tc:+.3f} fitted={fc:+.3f}")
    print(f"train accuracy={acc:.4f} train AUC={train_auc:.4f} (true-logit AUC {true_auc:.4f})")


if __name__ == "__main__":
    main()
