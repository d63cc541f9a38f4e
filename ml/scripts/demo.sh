#!/usr/bin/env bash
# `npm run ml:demo`: rebuilds the demo model shipped in models/demo-momentum/1/ from the demo
# history in the database (`npm run up` generates it): a 1-minute dataset of eight liquid
# equities over the stored history, then the usual training. One command, same steps every time.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
SYMBOLS="${ML_DEMO_SYMBOLS:-RELIANCE,TCS,HDFCBANK,INFY,ICICIBANK,SBIN,ITC,LT}"
DAYS="${ML_DEMO_DAYS:-100}"
FROM=$(date -u -d "-${DAYS} days" +%F)
TO=$(date -u -d "+1 day" +%F)
DATASET=ml/data/demo-1m-h15.arrow
[ -f apps/api/dist/cli/ml-dataset.js ] || npm run --silent build
npm run --silent ml:dataset -- --symbols "$SYMBOLS" --from "$FROM" --to "$TO" --timeframe 1m --horizon 15 --out "$DATASET"
INIT_CWD="$ROOT" npm run --silent ml:train -- --dataset "$DATASET" --name demo-momentum --version 1 --out models/demo-momentum/1/
