#!/usr/bin/env bash
# Installs whatever the lab needs and is not on this machine yet. Every step checks first, so a second
# run costs a few seconds. Sourced by serve.sh and test.sh; run directly it installs everything.
# A step that fails stops everything at once (exit 1), names the step and shows the installer's own
# output; a step that succeeds is checked (the tool runs, at the right version) before the next.
set -euo pipefail

LAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TRUNK_VERSION=0.21.14
# wasm-opt from npm's binaryen: Debian's is too old to read the wasm that rustc emits today.
BINARYEN_VERSION=132.0.0
TOOLS_DIR="$LAB_ROOT/.tools"

# Trunk would otherwise ask the internet for a newer version on every build.
export TRUNK_SKIP_VERSION_CHECK=true

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# Each install step's output is kept here and shown when the step fails.
SETUP_LOGS="$TOOLS_DIR/logs"

stopped() {
  printf '\033[1;31m[setup]\033[0m stopped at this step. Fix the problem above and run the script again.\n' >&2
  exit 1
}

# Names the failed step, shows why, and stops: the script that sourced this file ends too. Nothing
# here relies on `set -e`, which bash switches off inside a function called with `||` or `if`.
fail() { # step, then lines that explain
  printf '\033[1;31m[setup] FAILED:\033[0m %s\n' "$1" >&2
  shift
  local line
  for line in "$@"; do printf '%s\n' "$line" >&2; done
  stopped
}

# Runs one install step with its output in a log; if the command fails, fails the step with the
# command's own output (the last 40 lines, and where the rest is).
run_step() { # step, command...
  local step=$1
  shift
  say "$step"
  mkdir -p "$SETUP_LOGS" 2>/dev/null || fail "$step" "could not create $SETUP_LOGS for its log"
  local log
  log="$SETUP_LOGS/$(printf '%s' "$step" | tr -cs 'A-Za-z0-9.' '-' | cut -c1-60).log"
  local code=0
  "$@" >"$log" 2>&1 </dev/null || code=$?
  if [ "$code" -ne 0 ]; then
    local lines
    lines=$(wc -l <"$log")
    printf '\033[1;31m[setup] FAILED:\033[0m %s\n' "$step" >&2
    printf '%s\n' "\$ $* (exit code $code) said:" >&2
    tail -n 40 "$log" >&2
    [ "$lines" -le 40 ] || printf '(last 40 of %s lines; all of them in %s)\n' "$lines" "$log" >&2
    stopped
  fi
}

# After an install step the tool must really work, or the step failed: the check is a command (a
# function here); the probe is run to show what is there instead.
verify_step() { # step, check, probe command...
  local step=$1 check=$2
  shift 2
  "$check" && return 0
  local shown
  shown=$("$@" 2>&1) || true
  fail "$step" "It finished, but the result does not work. \`$*\` says:" "${shown:-(nothing)}"
}

# A tool the lab cannot install for you.
need_command() { # command, what to install
  command -v "$1" >/dev/null 2>&1 || fail "looking for $1" "$1 is not on PATH: install $2 first."
}

# The wasm-bindgen CLI must equal the library version locked in Cargo.lock, or trunk fetches its own.
locked_wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$LAB_ROOT/Cargo.lock"
}

ensure_cargo_bin_on_path() {
  case ":$PATH:" in *":$HOME/.cargo/bin:"*) ;; *) export PATH="$HOME/.cargo/bin:$PATH" ;; esac
  need_command cargo "Rust with rustup (https://rustup.rs)"
  need_command rustup "Rust with rustup (https://rustup.rs)"
}

has_wasm_target() { [[ $'\n'$(rustup target list --installed 2>/dev/null)$'\n' == *$'\nwasm32-unknown-unknown\n'* ]]; }

ensure_wasm_target() {
  if ! has_wasm_target; then
    local step="adding the wasm32-unknown-unknown target"
    run_step "$step" rustup target add wasm32-unknown-unknown
    verify_step "$step" has_wasm_target rustup target list --installed
  fi
}

has_rustfmt() { cargo fmt --version >/dev/null 2>&1; }
has_clippy() { cargo clippy --version >/dev/null 2>&1; }

# rustfmt and clippy ship with the machine's toolchain; if one is missing, rustup adds it.
ensure_lint_tools() {
  local step
  if ! has_rustfmt; then
    step="adding the rustfmt component"
    run_step "$step" rustup component add rustfmt
    verify_step "$step" has_rustfmt cargo fmt --version
  fi
  if ! has_clippy; then
    step="adding the clippy component"
    run_step "$step" rustup component add clippy
    verify_step "$step" has_clippy cargo clippy --version
  fi
}

has_trunk() { [[ $(trunk --version 2>/dev/null) == *"$TRUNK_VERSION"* ]]; }

ensure_trunk() {
  if ! has_trunk; then
    local step="installing trunk $TRUNK_VERSION with cargo (a few minutes, once)"
    run_step "$step" cargo install trunk --version "$TRUNK_VERSION" --locked
    verify_step "$step" has_trunk trunk --version
  fi
}

has_wasm_bindgen_cli() { [[ $(wasm-bindgen --version 2>/dev/null) == *" $(locked_wasm_bindgen_version)" ]]; }

ensure_wasm_bindgen_cli() {
  local want
  want=$(locked_wasm_bindgen_version)
  [ -n "$want" ] || fail "reading the wasm-bindgen version" "Cargo.lock names no wasm-bindgen version."
  if ! has_wasm_bindgen_cli; then
    local step="installing wasm-bindgen-cli $want with cargo (a few minutes, once)"
    # Not --locked: the CLI's own lock file names a crate version the registry no longer has.
    run_step "$step" cargo install wasm-bindgen-cli --version "$want" --force
    verify_step "$step" has_wasm_bindgen_cli wasm-bindgen --version
  fi
}

WASM_OPT="$TOOLS_DIR/node_modules/.bin/wasm-opt"
has_binaryen() { [[ $("$WASM_OPT" --version 2>/dev/null) == *"version ${BINARYEN_VERSION%%.*}"* ]]; }

# npm retries a refused connection after 10 s and again after 60 s; one quick retry is enough, so a
# registry or certificate problem shows within seconds. npm_config_fetch_retries and friends in the
# environment still win.
NPM_FLAGS=(--no-audit --no-fund
  --fetch-retries="${npm_config_fetch_retries:-1}"
  --fetch-retry-mintimeout="${npm_config_fetch_retry_mintimeout:-2000}"
  --fetch-retry-maxtimeout="${npm_config_fetch_retry_maxtimeout:-5000}")

ensure_binaryen() {
  if ! has_binaryen; then
    local step="installing binaryen $BINARYEN_VERSION from npm into .tools/"
    need_command npm "Node.js and npm"
    run_step "$step" npm install "${NPM_FLAGS[@]}" --prefix "$TOOLS_DIR" "binaryen@$BINARYEN_VERSION"
    verify_step "$step" has_binaryen "$WASM_OPT" --version
  fi
  case ":$PATH:" in *":$TOOLS_DIR/node_modules/.bin:"*) ;; *) export PATH="$TOOLS_DIR/node_modules/.bin:$PATH" ;; esac
}

has_chromium() { command -v chromium >/dev/null && command -v chromedriver >/dev/null; }

ensure_chromium() {
  if ! has_chromium; then
    local step="installing Debian chromium and chromium-driver"
    run_step "updating the Debian package lists (apt-get update)" apt-get update -qq
    run_step "$step" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver
    verify_step "$step" has_chromium command -V chromium chromedriver
  fi
}

E2E_DIR="$LAB_ROOT/tests/e2e"
has_e2e_packages() { (cd "$E2E_DIR" && node -e "require.resolve('@playwright/test'); require.resolve('@axe-core/playwright')") >/dev/null 2>&1; }

ensure_e2e_packages() {
  if ! has_e2e_packages || [ "$E2E_DIR/package-lock.json" -nt "$E2E_DIR/node_modules/.package-lock.json" ]; then
    local step="installing the browser test packages (npm ci in tests/e2e)"
    need_command npm "Node.js and npm"
    # Playwright's browsers are not downloaded: the tests use Debian's chromium.
    run_step "$step" env -C "$E2E_DIR" PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci "${NPM_FLAGS[@]}"
    verify_step "$step" has_e2e_packages env -C "$E2E_DIR" node -e "require.resolve('@playwright/test')"
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
