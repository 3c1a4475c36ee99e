#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (default 60 s each) with cargo-fuzz on the
# nightly toolchain, then replays the crashes found. Usage: fuzz/run.sh [SECONDS] [TARGET...]
# Crashes land in fuzz/artifacts/<target>/; copy each into fuzz/regressions/<target>/ once
# fixed, so that `cargo test --test fuzz_smoke` replays it on every run.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(parse execute decode)
fi
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t"
    # Seed the corpus with the saved regressions.
    if [ -d "regressions/$t" ]; then
        cp -n regressions/"$t"/* "corpus/$t/" 2>/dev/null || true
    fi
    echo "== $t for ${seconds}s"
    cargo +nightly fuzz run -O "$t" "corpus/$t" -- -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=30
done
