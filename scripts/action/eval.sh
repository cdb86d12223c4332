#!/usr/bin/env bash
# Step 2 of action.yml: `tenet eval` with the action's inputs, read from TENET_* variables
# (inputs reach the script as environment, never spliced into its text).
set -euo pipefail
args=(eval --color never --fail-on "${TENET_FAIL_ON:-high}")
if [ -n "${TENET_TODAY:-}" ]; then
  args+=(--today "$TENET_TODAY")
fi
if [ -n "${TENET_POLICY:-}" ]; then
  read -r -a policies <<<"$TENET_POLICY"
  for policy in "${policies[@]}"; do
    args+=(--policy "$policy")
  done
elif [ "${TENET_FETCH:-true}" = "true" ] && [ -f tenet.toml ]; then
  tenet fetch --locked
fi
read -r -a extra <<<"${TENET_ARGS:-}"
read -r -a documents <<<"${TENET_DOCUMENTS:-}"
exec tenet "${args[@]}" "${extra[@]}" "${documents[@]}"
