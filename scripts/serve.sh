#!/usr/bin/env bash
# Sets up what is missing and serves the lab at http://127.0.0.1:8080 (release build, rebuilt on change).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
setup_build_tools
cd "$LAB_ROOT"
say "serving the lab at http://127.0.0.1:8080 (Ctrl-C stops it)"
exec trunk serve --release --address 127.0.0.1 --port 8080
