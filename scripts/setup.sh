#!/usr/bin/env bash
# Installs everything civicshield and its tests need on a fresh Debian
# machine: a virtualenv with the project, and the Debian packages the
# Python packages build or run against.  Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-python3}
need_apt=(pkg-config libicu-dev g++ redis-server postgresql chromium poppler-utils)
# (Debian packages are added here as capabilities need them.)
if [ ${#need_apt[@]} -gt 0 ]; then
  missing=()
  for p in "${need_apt[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[dev]'
echo "setup: ready (.venv)"
