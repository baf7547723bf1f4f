#!/usr/bin/env bash
# Installs whatever the lab needs and is not on this machine yet. Every step checks first, so a second
# run costs a few seconds. Sourced by serve.sh and test.sh; run directly it installs everything.
set -euo pipefail

LAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TRUNK_VERSION=0.21.14
# wasm-opt from npm's binaryen: Debian's is too old to read the wasm that rustc emits today.
BINARYEN_VERSION=132.0.0
TOOLS_DIR="$LAB_ROOT/.tools"

# Trunk would otherwise ask the internet for a newer version on every build.
export TRUNK_SKIP_VERSION_CHECK=true

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# The wasm-bindgen CLI must equal the library version locked in Cargo.lock, or trunk fetches its own.
locked_wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$LAB_ROOT/Cargo.lock"
}

ensure_cargo_bin_on_path() {
  case ":$PATH:" in *":$HOME/.cargo/bin:"*) ;; *) export PATH="$HOME/.cargo/bin:$PATH" ;; esac
}

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

# rustfmt and clippy ship with the machine's toolchain; if one is missing, try rustup once.
ensure_lint_tools() {
  for component in rustfmt clippy; do
    local probe=fmt; [ "$component" = clippy ] && probe=clippy
    if ! cargo "$probe" --version >/dev/null 2>&1; then
      say "adding the $component component"
      rustup component add "$component" || say "could not add $component; the lint step will report it"
    fi
  done
}

ensure_trunk() {
  if ! trunk --version 2>/dev/null | grep -qF "$TRUNK_VERSION"; then
    say "installing trunk $TRUNK_VERSION (a few minutes, once)"
    cargo install trunk --version "$TRUNK_VERSION" --locked
  fi
}

ensure_wasm_bindgen_cli() {
  local want
  want=$(locked_wasm_bindgen_version)
  if ! wasm-bindgen --version 2>/dev/null | grep -qF " $want"; then
    say "installing wasm-bindgen-cli $want (a few minutes, once)"
    # Not --locked: the CLI's own lock file names a crate version the registry no longer has.
    cargo install wasm-bindgen-cli --version "$want" --force
  fi
}

ensure_binaryen() {
  if [ ! -x "$TOOLS_DIR/node_modules/.bin/wasm-opt" ]; then
    say "installing binaryen $BINARYEN_VERSION from npm into .tools/"
    mkdir -p "$TOOLS_DIR"
    npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
  fi
  case ":$PATH:" in *":$TOOLS_DIR/node_modules/.bin:"*) ;; *) export PATH="$TOOLS_DIR/node_modules/.bin:$PATH" ;; esac
}

ensure_chromium() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing Debian chromium and chromium-driver"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
}

ensure_e2e_packages() {
  local dir="$LAB_ROOT/tests/e2e"
  if [ ! -d "$dir/node_modules/@playwright/test" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "installing the browser test packages (npm ci in tests/e2e)"
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
  fi
}

# What serving the lab needs.
setup_build_tools() {
  ensure_cargo_bin_on_path
  ensure_wasm_target
  ensure_trunk
  ensure_wasm_bindgen_cli
  ensure_binaryen
}

# What the full test run needs on top of that.
setup_test_tools() {
  setup_build_tools
  ensure_lint_tools
  ensure_chromium
  ensure_e2e_packages
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  setup_test_tools
  say "everything is installed"
fi
