#!/usr/bin/env bash
# Runs platscan's benchmarks and prints time and memory per operation.
# Usage: bench/run.sh [count]   (count defaults to 3; feed two outputs to benchstat to compare)
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-3}"
go test -run '^$' -bench 'Evaluate100k' -benchmem -benchtime 3x -count "$count" ./policies
go test -run '^$' -bench 'ScanShopmart|Pricing50x6x8' -benchmem -count "$count" ./scan
go test -run '^$' -bench 'Render' -benchtime 1x -count "$count" ./scan
go test -run '^$' -bench 'ImportAndCompute1M' -benchmem -benchtime 2x -count "$count" ./probes/ranking
go test -run '^$' -bench 'Classify10MB' -benchtime 1x -count "$count" ./probes/terms
