#!/usr/bin/env bash
# Step 1 of action.yml: builds `tenet` from the action's checkout and puts it on PATH.
set -euo pipefail
source_dir="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/../.." && pwd)}"
root="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/tenet-action"
if ! command -v cargo >/dev/null; then
  echo "error: cargo is needed to build Tenet; add a Rust toolchain step (GitHub's runners have one)" >&2
  exit 1
fi
cargo install --locked --quiet --path "$source_dir/crates/tenet-cli" --root "$root"
if [ -n "${GITHUB_PATH:-}" ]; then
  echo "$root/bin" >>"$GITHUB_PATH"
fi
"$root/bin/tenet" --version
