#!/usr/bin/env bash
# Sourced (by deploy/local/test.sh and `make compose-check`): exports VP_KUSTOMIZE and installs the
# manifest validator's packages. Needs ROOT (the checkout).
# kustomize (kubectl's, or Debian 13's kustomize package, checked by its hash) renders the overlays;
# kubernetes-models (npm, pinned in deploy/k8s/validate) validates them.
if command -v kubectl >/dev/null && kubectl kustomize --help >/dev/null 2>&1; then
  export VP_KUSTOMIZE="kubectl kustomize"
else
  KUSTOMIZE_DEB=kustomize_5.6.0+ds-1+b2_amd64.deb
  KUSTOMIZE_SHA256=552bbe5563b522685b10f75a9a226bfbee9778fc313b205d595fdbb7e9c70e33
  export VP_KUSTOMIZE="$ROOT/.run/tools/kustomize-5.6.0/usr/bin/kustomize build"
  if [ ! -x "$ROOT/.run/tools/kustomize-5.6.0/usr/bin/kustomize" ]; then
    mkdir -p "$ROOT/.run/tools"
    curl -fsSL --retry 3 -o "$ROOT/.run/tools/$KUSTOMIZE_DEB" "http://deb.debian.org/debian/pool/main/k/kustomize/$KUSTOMIZE_DEB" \
      && echo "$KUSTOMIZE_SHA256  $ROOT/.run/tools/$KUSTOMIZE_DEB" | sha256sum -c --quiet \
      && dpkg-deb -x "$ROOT/.run/tools/$KUSTOMIZE_DEB" "$ROOT/.run/tools/kustomize-5.6.0" \
      || { echo "could not fetch kustomize (Debian package $KUSTOMIZE_DEB)"; return 1; }
  fi
fi
if [ ! -d "$ROOT/deploy/k8s/validate/node_modules" ]; then
  npm ci --silent --no-audit --no-fund --prefix "$ROOT/deploy/k8s/validate" || { echo "could not install the manifest validator from npm"; return 1; }
fi
