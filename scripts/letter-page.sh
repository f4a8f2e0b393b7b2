#!/bin/sh
# Trunk post-build hook (run from the project root): names the engine
# version in index.html and writes letter/index.html, the open letter's page.
# It is index.html with a <base> at the site's root (so every relative URL,
# data and workers included, resolves as on the lab's page) whose program is
# the letter's (letter.js + letter_bg.wasm, built by Trunk as a no-modules
# bundle) instead of the lab's module script and its preloads.
set -eu
# Both pages name the engine version they run (<meta name="infoplane-version">):
# scripts/dist and the page's version notice read it from a published site.
version=$(awk -F'"' '/^version = /{ print $2; exit }' Cargo.toml)
sed -i "s|</title>|</title><meta name=\"infoplane-version\" content=\"$version\" />|" "$TRUNK_STAGING_DIR/index.html"
grep -q "name=\"infoplane-version\" content=\"$version\"" "$TRUNK_STAGING_DIR/index.html" || {
  echo "letter-page.sh: could not write the version into index.html" >&2; exit 1; }
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
