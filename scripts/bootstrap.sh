#!/usr/bin/env bash
# Sourced by scripts/run-kiosk and scripts/test: installs what the project needs on a fresh Debian
# machine (Debian packages, then a venv with the Python packages) and is quick when all is in place.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

# pcscd + vsmartcard-vpcd: the PC/SC stack and virtual reader; libpcsclite-dev + swig: building pyscard;
# fonts-noto-cjk: Chinese on screen and receipts; librime1 + rime-data-luna-pinyin: pinyin input;
# libzinnia0 + tegaki-zinnia-simplified-chinese: handwriting; chromium: staff console browser tests;
# postgresql: the hub's PostgreSQL store and its tests (a server started per test session); espeak-ng: spoken guidance; libxcb*/libegl: Qt's xcb.
DEBIAN_PACKAGES=(
  pcscd vsmartcard-vpcd python3-virtualsmartcard libpcsclite-dev swig
  fonts-noto-cjk espeak-ng
  xvfb
  libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0
  libxcb-xinerama0
  # scripts/build-deb (dh-virtualenv, lintian) and tests/test_packaging.py (cage, grim, wtype)
  dh-virtualenv debhelper python3-venv python3-dev lintian build-essential cage xwayland grim wtype
  librime1 rime-data-luna-pinyin libzinnia0 tegaki-zinnia-simplified-chinese
  chromium chromium-driver
  postgresql
  # tests/test_hub_behind_nginx.py: the README's reverse proxy in front of two hub processes
  nginx-light
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_debian_packages() {
  command -v dpkg-query >/dev/null 2>&1 || { echo "bootstrap: not a Debian system; install ${DEBIAN_PACKAGES[*]} yourself" >&2; return 0; }
  local missing=()
  for p in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "bootstrap: installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

ensure_venv() {
  local extras="$1"
  local stamp="$VENV/.installed-$extras"
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip
  fi
  if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
    echo "bootstrap: installing Python packages ($extras)"
    "$VENV/bin/pip" install -q -e "$ROOT[$extras]"
    touch "$stamp"
  fi
  # the kiosk's pinyin dictionary compiled once per venv (ui/input_engines/rime_prebuilt.py, ~7 s when
  # missing or stale): no kiosk start and no test worker compiles it
  "$VENV/bin/python" -m ui.input_engines.rime_prebuilt --if-stale \
    || echo "bootstrap: pinyin data not prebuilt: each new data folder compiles it at first start" >&2
}
