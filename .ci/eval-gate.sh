#!/usr/bin/env bash
# Gate CI on the bundled attribution eval set (eval/data/sample_eval.json over corpus/sample).
# Thresholds: docs/eval.md. Reports land in test-artifacts/ for reading after a red run.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-artifacts
newsqa eval --no-progress \
  --out test-artifacts/eval-report.json \
  --report test-artifacts/eval-report.html \
  --markdown test-artifacts/eval-report.md \
  --fail-under citation_validity=1.0 \
  --fail-under citation_recall=0.95 \
  --fail-under attribution_kept=0.95 \
  --fail-under attribution_laundering=0.02 \
  --fail-under quote_fidelity=0.98 \
  --fail-under hedge_stripping=0.2 \
  --fail-under false_refusals=0.05 \
  --fail-under hits_at_10=0.95 \
  --fail-under error_rate=0
