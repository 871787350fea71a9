#!/usr/bin/env bash
# Makes the development overlay's secrets once (random values, never committed: secrets/ is ignored)
# so that `kubectl apply -k deploy/k8s/overlays/dev` has every key and credential it refers to.
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/secrets"
mkdir -p "$DIR" && chmod 700 "$DIR"
umask 077
random() { head -c "$1" /dev/urandom | base64 | tr -d '\n/+='; }
once() { # file content-command...
  local file="$DIR/$1"; shift
  [ -s "$file" ] || "$@" > "$file"
}
for service in identity intake triage notification vendorcoordination disclosure web; do
  once "db-$service.env" printf 'username=%s\npassword=%s\n' "$service" "$(random 24)"
done
for service in identity intake triage notification vendorcoordination disclosure; do
  once "broker-$service.env" printf 'username=vp-%s\npassword=%s\n' "$service" "$(random 24)"
done
keda_password=$(random 24)
once broker-keda.env printf 'username=vp-keda\npassword=%s\nhost=http://vp-keda:%s@vp-rabbitmq.vulnplatform.svc:15672/vulnplatform\n' "$keda_password" "$keda_password"
once clients.env printf 'operator=%s\nnotification=%s\ncoordination=%s\ndisclosure=%s\nvulnplatform-web=%s\n' \
  "$(random 48)" "$(random 48)" "$(random 48)" "$(random 48)" "$(random 48)"
once data-keys.env printf 'Encryption__ActiveKeyId=k1\nEncryption__Keys__k1=%s\n' "$(head -c 32 /dev/urandom | base64)"
once identity-signing-1.pem openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -quiet
once identity.env printf 'encryption-key=%s\nfirst-admin-email=admin@vulnplatform.localhost\nfirst-admin-password=%s\nfirst-admin-totp=%s\n' \
  "$(head -c 32 /dev/urandom | base64)" "$(random 18)" "$(head -c 20 /dev/urandom | base32 | tr -d '\n=')"
once backup-store.env printf 'ACCESS_KEY_ID=vulnplatform\nACCESS_SECRET_KEY=%s\n' "$(random 30)"
echo "development secrets: $DIR (the first admin's password and TOTP secret: identity.env)"
