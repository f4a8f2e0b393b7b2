#!/bin/sh
# Trunk post-build hook: writes letter/index.html, the open letter's page.
# It is index.html with a <base> at the site's root (so every relative URL,
# data and workers included, resolves as on the lab's page) whose program is
# the letter's (letter.js + letter_bg.wasm, built by Trunk as a no-modules
# bundle) instead of the lab's module script and its preloads.
set -eu
out="$TRUNK_STAGING_DIR/letter"
mkdir -p "$out"
awk '
  /<head>/ { sub(/<head>/, "<head><base href=\"../\" />") }
  /<script type="module">/ { skip = 1 }
  skip { if (/<\/script>/) skip = 0; next }
  /rel="modulepreload"/ {
    print "<link rel=\"preload\" href=\"./letter_bg.wasm\" crossorigin=\"anonymous\" as=\"fetch\" type=\"application/wasm\">"
    print "<script src=\"./letter.js\"></script>"
    print "<script>wasm_bindgen({ module_or_path: \"./letter_bg.wasm\" });</script>"
    print "</head>"
    next
  }
  { print }
' "$TRUNK_STAGING_DIR/index.html" > "$out/index.html"
grep -q 'letter.js' "$out/index.html" || { echo "letter-page.sh: no program in letter/index.html" >&2; exit 1; }
