#!/usr/bin/env bash
# Start a server configured like the conformance kit's reference wiki, with its accounts.
# usage: scripts/conformance-server.sh [DATA_DIR] [PORT]   (then run ../shared/conformance/run.mjs against it)
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-$(mktemp -d /tmp/mwup-conf-XXXX)}
PORT=${2:-8085}
mkdir -p "$DATA"
cat > "$DATA/config.json" <<JSON
{
  "siteName": "RefWiki",
  "groupPermissions": { "user": { "upload_by_url": true } },
  "uploads": { "fileExtensions": ["png", "gif", "jpg", "jpeg", "webp", "pdf", "svg", "txt", "bin", "ogg", "webm"] },
  "copyUploads": { "enabled": true, "allowAddresses": ["127.0.0.0/8", "::1/128"] },
  "admin": { "name": "Admin", "password": "AdminPass-2026!" },
  "loginThrottle": { "count": 1000, "windowSeconds": 60 }
}
JSON
export MWUP_DATA_DIR="$DATA"
admin() { node packages/server/dist/admin/cli.js "$@" >/dev/null; }
if [ ! -f "$DATA/wiki.sqlite" ]; then
  MWUP_PORT=$PORT node packages/server/dist/main.js > "$DATA/first-start.log" 2>&1 &
  pid=$!
  # the first start creates the database; wait until the server listens, then stop it
  for _ in $(seq 1 300); do
    grep -q "$PORT" "$DATA/first-start.log" 2>/dev/null && [ -f "$DATA/wiki.sqlite" ] && break
    kill -0 $pid 2>/dev/null || { cat "$DATA/first-start.log"; exit 1; }
    sleep 0.1
  done
  kill $pid; wait $pid 2>/dev/null || true
  admin create-user UploadBot --password 'UploadBotPass-2026!' --groups bot
  admin create-user Plainuser --password 'PlainuserPass-2026!'
  admin bot-password UploadBot bot --password botpassword1234567890abcdefghijk \
    --grants basic,highvolume,editpage,createeditmovepage,uploadfile,uploadeditmovefile,delete
  admin bot-password Admin bot --password adminbotpassword1234567890abcdef \
    --grants basic,highvolume,editpage,createeditmovepage,uploadfile,uploadeditmovefile,delete
  admin bot-password Plainuser bot --password plainbotpassword1234567890abcdef --grants basic,editpage
fi
echo "data dir: $DATA"
exec env MWUP_PORT=$PORT node packages/server/dist/main.js
