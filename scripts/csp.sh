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

# sha256 of stdin as a CSP source: 'sha256-<base64 of the 32 raw bytes>'.
csp_sha256() {
  local hex
  hex=$(sha256sum | cut -d' ' -f1)
  # shellcheck disable=SC2059 # the format string is the digest as \xHH escapes, on purpose
  printf "'sha256-%s'" "$(printf "$(sed 's/../\\x&/g' <<<"$hex")" | base64)"
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

# The other screens' page (screens.html), from its template: index.html's stylesheet link (its name
# carries a hash of its content) in place of {{stylesheet}}. Its policy is fixed in the template: it
# has no inline scripts.
screens_template="${TRUNK_SOURCE_DIR:?run by trunk as a post_build hook (see Trunk.toml)}/static/screens.html"
stylesheet=$(grep -o '<link rel="stylesheet"[^>]*>' <<<"$html" || true)
[ -n "$stylesheet" ] && [ "$(grep -c . <<<"$stylesheet")" -eq 1 ] \
  || fail "screens.html needs exactly one stylesheet link in index.html, found: ${stylesheet:-none}"
template=$(cat "$screens_template" && printf x)
template=${template%x}
[[ $template == *"{{stylesheet}}"* ]] || fail "$screens_template has no {{stylesheet}} line"
printf '%s' "${template/"{{stylesheet}}"/$stylesheet}" >"$TRUNK_STAGING_DIR/screens.html"
echo "csp.sh: wrote screens.html with $stylesheet"
