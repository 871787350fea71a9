#!/usr/bin/env bash
# Sourced by test.sh and check.sh (needs ROOT): installs once, under .run/tools, the official checkers
# the tests hold the platform's output to, and exports where they are.

# BSI's CSAF validator (schema and the mandatory tests of CSAF 2.0 section 6.1), from the npm registry, once.
CSAF_VALIDATOR_VERSION=2.0.10
export VP_CSAF_VALIDATOR="$ROOT/.run/tools/csaf-validator-$CSAF_VALIDATOR_VERSION/node_modules/@secvisogram/csaf-validator-lib"
if [ ! -f "$VP_CSAF_VALIDATOR/package.json" ]; then
  npm install --silent --no-audit --no-fund --prefix "$ROOT/.run/tools/csaf-validator-$CSAF_VALIDATOR_VERSION" \
    "@secvisogram/csaf-validator-lib@$CSAF_VALIDATOR_VERSION" || { echo "could not install the CSAF validator from npm"; return 1; }
fi

# The CVE Program's JSON schemas (CVE JSON 5.1.1), from Debian's python3-cvelib, which ships copies of
# the CVE schema repository's files: the package of Debian 13 (bookworm's has 5.0), checked by its hash.
CVELIB_DEB=python3-cvelib_1.7.1-1_all.deb
CVELIB_SHA256=7f7e8f2f0b8dc524d90dcf8d5b6d629d2d3ad96a4815a340677b6c8c55a31750
export VP_CVE_SCHEMAS="$ROOT/.run/tools/cvelib-1.7.1/usr/lib/python3/dist-packages/cvelib/schemas"
if [ ! -f "$VP_CVE_SCHEMAS/CVE_JSON_bundled_5.1.1.json" ]; then
  mkdir -p "$ROOT/.run/tools" && rm -rf "$ROOT/.run/tools/cvelib-1.7.1"
  curl -fsSL --retry 3 -o "$ROOT/.run/tools/$CVELIB_DEB" "http://deb.debian.org/debian/pool/main/c/cvelib/$CVELIB_DEB" \
    && echo "$CVELIB_SHA256  $ROOT/.run/tools/$CVELIB_DEB" | sha256sum -c --quiet \
    && dpkg-deb -x "$ROOT/.run/tools/$CVELIB_DEB" "$ROOT/.run/tools/cvelib-1.7.1" \
    || { echo "could not fetch the CVE JSON schemas (Debian package $CVELIB_DEB)"; return 1; }
fi

# The Kubernetes manifests' checks: kustomize and the validator (deploy/k8s/tools.sh).
source "$ROOT/deploy/k8s/tools.sh" || return 1
