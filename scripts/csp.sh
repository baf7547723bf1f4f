#!/usr/bin/env bash
# Completes the page's Content-Security-Policy after every build (trunk build and trunk serve).
#
# The policy itself is in index.html, in <meta http-equiv="Content-Security-Policy">. It names one
# placeholder, {{inline-script-hashes}}, because trunk writes the loader (an inline <script type=module>
# that imports the wasm-bindgen JS and starts the wasm) only while building, with file names that
# change with every build. This script hashes the exact text of every inline <script> in the built
# index.html and puts 'sha256-…' sources in the placeholder's place, so the browser runs those scripts
# and nothing else inline.
#
# Run by trunk as a post_build hook (Trunk.toml), which sets TRUNK_STAGING_DIR. Needs only bash and
# coreutils (sha256sum, base64). Any surprise fails the build: a page whose policy does not match its
# scripts would not start.
set -euo pipefail
export LC_ALL=C # match and hash bytes, whatever the locale

html_file="${TRUNK_STAGING_DIR:?run by trunk as a post_build hook (see Trunk.toml)}/index.html"
placeholder='{{inline-script-hashes}}'

fail() {
  echo "csp.sh: $html_file: $*" >&2
  exit 1
}

# The whole file, byte for byte (a trailing newline included).
html=$(cat "$html_file" && printf x)
html=${html%x}

case $html in
  *"$placeholder"*"$placeholder"*) fail "the placeholder $placeholder appears more than once" ;;
  *"$placeholder"*) ;;
  *) fail "no $placeholder: index.html must carry the policy meta with it" ;;
esac
before_policy=${html%%"$placeholder"*}
case $before_policy in
  *'http-equiv="Content-Security-Policy"'*) ;;
  *) fail "$placeholder must sit in <meta http-equiv=\"Content-Security-Policy\">" ;;
esac
# A meta policy governs only what comes after it.
case $before_policy in
  *"<script"* | *"<link"* | *"<style"*) fail "the policy meta must come before every <script>, <link> and <style>" ;;
esac

# trunk serve writes a live-reload script whose server address the server fills in as it serves the
# page (from the request's Host header), which would change the text after it has been hashed. Let
# the script read the address from its own location instead (trunk's own fallback), so the text that
# is hashed is the text that is served.
html=${html//"'{{__TRUNK_ADDRESS__}}'"/window.location.host}
html=${html//"{{__TRUNK_WS_BASE__}}"/${TRUNK_PUBLIC_URL:-/}}

# The base64 of stdin's digest by coreutils' `$1` (sha256sum, sha384sum): how CSP and integrity
# attributes write a hash.
digest_base64() {
  local hex
  hex=$("$1" | cut -d' ' -f1)
  # shellcheck disable=SC2059 # the format string is the digest as \xHH escapes, on purpose
  printf "$(sed 's/../\\x&/g' <<<"$hex")" | base64 -w0
}

# Fills every {{sha384:NAME}} in the text on stdin with the integrity value of the built file NAME.
# The files started by name rather than by trunk (the screens' page and its loader, the terminal's
# worker loader, both pages' boot-watch.js) name their hashes this way, so the browser checks them
# like trunk's own.
fill_integrity() {
  local text name
  text=$(cat && printf x)
  text=${text%x}
  while [[ $text =~ \{\{sha384:([^}]+)\}\} ]]; do
    name=${BASH_REMATCH[1]}
    [ -f "$TRUNK_STAGING_DIR/$name" ] || fail "{{sha384:$name}} names a file the build does not have"
    text=${text//"{{sha384:$name}}"/"sha384-$(digest_base64 sha384sum <"$TRUNK_STAGING_DIR/$name")"}
  done
  printf '%s' "$text"
}

html=$(printf '%s' "$html" | fill_integrity && printf x)
html=${html%x}

# The wasm's integrity hash, where it is checked. Trunk puts it on the wasm's preload link, where
# Chromium ignores it (and warns on every load: crbug.com/981419), and its loader fetches the wasm
# without it, so nothing checked the wasm at all. The loader's own fetch carries it instead: the
# browser refuses a wasm that does not match, and still uses the preloaded response (one download).
wasm_preload='<link rel="preload" href="([^"]+[.]wasm)" crossorigin="anonymous" integrity="(sha384-[^"]+)" as="fetch"'
[[ $html =~ $wasm_preload ]] || fail "no preload of the wasm with its integrity: trunk's output changed"
wasm=${BASH_REMATCH[1]}
wasm_integrity=${BASH_REMATCH[2]}
loader="init({ module_or_path: '$wasm' })"
[[ $html == *"$loader"* ]] || fail "no loader starting $wasm (trunk's output changed)"
html=${html/"$loader"/"init({ module_or_path: fetch('$wasm', { integrity: '$wasm_integrity' }) })"}
html=${html/" integrity=\"$wasm_integrity\" as=\"fetch\""/" as=\"fetch\""}

# sha256 of stdin as a CSP source: 'sha256-<base64 of the 32 raw bytes>'.
csp_sha256() {
  printf "'sha256-%s'" "$(digest_base64 sha256sum)"
}

hashes=()
rest=$html
while [[ $rest == *"<script"* ]]; do
  rest=${rest#*"<script"}
  [[ $rest == *">"* ]] || fail "an unclosed <script tag"
  attributes=${rest%%>*}
  rest=${rest#*>}
  [[ $rest == *"</script>"* ]] || fail "a <script> without </script>"
  text=${rest%%"</script>"*}
  rest=${rest#*"</script>"}
  if [[ " $attributes " =~ [[:space:]]src= ]]; then
    [[ -z $text ]] || fail "a <script src=…> with inline text"
    continue # a file, allowed by 'self'
  fi
  hashes+=("$(printf '%s' "$text" | csp_sha256)")
done

if [ ${#hashes[@]} -eq 0 ]; then
  html=${html/" $placeholder"/} # no inline scripts: none allowed
else
  html=${html/"$placeholder"/${hashes[*]}}
fi
printf '%s' "$html" >"$html_file"
echo "csp.sh: the Content-Security-Policy allows ${#hashes[@]} inline script(s) by hash: ${hashes[*]:-none}"

# The loaders first: the screens' page hashes its loader as filled in.
for loader in screens-loader.js terminal-worker-loader.js; do
  loader_file="$TRUNK_STAGING_DIR/$loader"
  [ -f "$loader_file" ] || fail "no $loader in the build"
  filled=$(fill_integrity <"$loader_file" && printf x)
  printf '%s' "${filled%x}" >"$loader_file"
done

# The other screens' page (screens.html), from its template: index.html's stylesheet link (its name
# carries a hash of its content) in place of {{stylesheet}}, and its scripts' hashes. Its policy is
# fixed in the template: it has no inline scripts.
screens_template="${TRUNK_SOURCE_DIR:?run by trunk as a post_build hook (see Trunk.toml)}/static/screens.html"
stylesheet=$(grep -o '<link rel="stylesheet"[^>]*>' <<<"$html" || true)
[ -n "$stylesheet" ] && [ "$(grep -c . <<<"$stylesheet")" -eq 1 ] \
  || fail "screens.html needs exactly one stylesheet link in index.html, found: ${stylesheet:-none}"
template=$(cat "$screens_template" && printf x)
template=${template%x}
[[ $template == *"{{stylesheet}}"* ]] || fail "$screens_template has no {{stylesheet}} line"
printf '%s' "${template/"{{stylesheet}}"/$stylesheet}" | fill_integrity >"$TRUNK_STAGING_DIR/screens.html"
echo "csp.sh: wrote screens.html with $stylesheet"
