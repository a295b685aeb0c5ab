#!/usr/bin/env bash
# Installs everything civicshield and its tests need on a fresh Debian
# machine: a virtualenv with the project, and the Debian packages the
# Python packages build or run against.  Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-python3}
need_apt=(pkg-config libicu-dev g++ redis-server postgresql chromium poppler-utils nodejs)
# (Debian packages are added here as capabilities need them.)
# The Spark engine (the 'spark' extra) needs a Java runtime: the machine's if it has one.
java -version >/dev/null 2>&1 || need_apt+=(openjdk-17-jre-headless)
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
.venv/bin/python -m pip install -q -e '.[dev,spark]'
# The console's front-end libraries come from npm at set-up (never vendored into the repo).
# Debian ships npm apart from nodejs; NodeSource's nodejs bundles it (and conflicts with Debian's npm).
if ! command -v npm >/dev/null; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq npm >/dev/null
fi
(cd src/civicshield/web/frontend && npm ci --no-audit --no-fund --silent)
echo "setup: ready (.venv)"
