#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The explorer page (docs/node-api.md §11) as a person sees it, in headless Chromium
# (Debian's chromium, installed when missing): one cpc-node; a registration, a grant and
# its revocation on chain; then the page at / shows the node id, a height above 0, the block
# with the registration (its transaction id and CID), the grant and the revocation, and,
# opened at /#cid=CID, the registration with its inclusion proof. The page's files come
# with their Content-Type and a Content-Security-Policy of this origin only, and the browser
# reports no script error or blocked load. The screenshot is kept in
# $CPC_BUILD/test-artifacts/explorer.png. Chromium may reach 127.0.0.1 only.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/lib_chain.sh"

if ! command -v chromium > /dev/null; then
  # shellcheck source=../../scripts/common.sh
  (source "$HERE/../../scripts/common.sh" && cpc_install chromium fonts-dejavu-core) ||
    true
fi
command -v chromium > /dev/null || { echo "FAIL: chromium is not installed and could not be" >&2; exit 1; }

free_port
port=$FREE_PORT
URL="http://127.0.0.1:$port"
export CPC_NODE=$URL
start_node n1 "$port"
wait_height "$URL" 1 120 || fail "no block committed"

# What the page shows: a registration, a grant of it and the grant's revocation.
cpc-keygen -o owner.key
cpc-keygen -o reader.key
reader=$(cpc-keygen --public -k reader.key | jq -r .sign)
gen_file data.bin 70000 11
cpc-put -q --register -k owner.key data.bin > put.json 2> put.err || fail "cpc-put --register: $(cat put.err)"
cid=$(jq -r .cid put.json)
tx=$(jq -r .tx put.json)
chain=$(curl -sf "$URL/v1/chain/status" | jq -r .chain)
expires=$(($(chain_height "$URL") + 100000))
grant_tx=$("$TXTOOL" owner.key "$chain" 1 grant "$cid" "$reader" "$expires")
grant=$("$TXTOOL" owner.key "$chain" 1 grant "$cid" "$reader" "$expires" --id)
submit "$URL" "$grant_tx"
[ "$HTTP_CODE" = 202 ] || fail "grant refused ($HTTP_CODE): $REPLY"
wait_tx "$URL" "$grant" 60 || fail "grant not committed"
revoke_tx=$("$TXTOOL" owner.key "$chain" 2 revoke "$grant")
revoke=$("$TXTOOL" owner.key "$chain" 2 revoke "$grant" --id)
submit "$URL" "$revoke_tx"
[ "$HTTP_CODE" = 202 ] || fail "revocation refused ($HTTP_CODE): $REPLY"
wait_tx "$URL" "$revoke" 60 || fail "revocation not committed"
node_id=$(curl -sf "$URL/v1/status" | jq -r .id)

# The files: their types and the policy.
for f in /:text/html /explorer.css:text/css /explorer.js:text/javascript; do
  path=${f%%:*}
  curl -sf -D "headers.txt" -o /dev/null "$URL$path" || fail "GET $path"
  grep -qi "^content-type: ${f#*:}; charset=utf-8" headers.txt || fail "$path type: $(grep -i content-type headers.txt)"
  grep -qi "^content-security-policy: default-src 'self';" headers.txt || fail "$path has no strict CSP"
  grep -qi "^x-content-type-options: nosniff" headers.txt || fail "$path: no nosniff"
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/no-such-page")" = 404 ] || fail "an unknown path is not 404"

# chromium_run ARGS…: headless Chromium that resolves no host name and reaches nothing
# but 127.0.0.1, with its profile in $WORK; its console goes to chrome.log.
chromium_run() {
  timeout -k 10 120 chromium --headless --no-sandbox --disable-gpu \
    --user-data-dir="$WORK/chrome-profile" --no-first-run --no-default-browser-check \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-default-apps --disable-extensions --no-pings --metrics-recording-only \
    --host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1" \
    --enable-logging=stderr --log-level=0 "$@" 2>> chrome.log
}

page="$URL/#cid=$cid"
chromium_run --virtual-time-budget=10000 --dump-dom "$page" > dom.html || fail "chromium --dump-dom failed"
chromium_run --virtual-time-budget=10000 --window-size=1280,2000 --screenshot="$WORK/explorer.png" "$page" > /dev/null ||
  fail "chromium --screenshot failed"
# Chromium leaves nothing running: its processes are those that name our profile.
for _ in $(seq 1 50); do
  pgrep -f -- "--user-data-dir=$WORK/chrome-profile" > /dev/null || break
  sleep 0.1
done
left=$(pgrep -f -- "--user-data-dir=$WORK/chrome-profile" || true)
if [ -n "$left" ]; then
  for pid in $left; do kill -9 "$pid" 2> /dev/null || true; done
  fail "chromium processes left running: $left"
fi

# text ID: the text a person reads in the element with that id (whitespace squeezed).
text() {
  python3 - "$1" dom.html << 'PY'
import sys
from html.parser import HTMLParser
want, path = sys.argv[1], sys.argv[2]
VOID = {"meta", "link", "input", "br", "img", "hr"}
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.depth = 0
        self.out = []
    def handle_starttag(self, tag, attrs):
        if self.depth:
            if tag not in VOID:
                self.depth += 1
            self.out.append(" ")
        elif dict(attrs).get("id") == want and tag not in VOID:
            self.depth = 1
    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1
            self.out.append(" ")
    def handle_data(self, data):
        if self.depth:
            self.out.append(data)
p = P()
p.feed(open(path, encoding="utf-8").read())
print(" ".join("".join(p.out).split()))
PY
}

[ -s dom.html ] || fail "empty DOM"
[ "$(text node-id)" = "$node_id" ] || fail "node id shown: '$(text node-id)', want $node_id"
height=$(text height)
[[ $height =~ ^[0-9]+$ ]] && [ "$height" -gt 0 ] || fail "height shown: '$height'"
[ "$(text role)" = validator ] || fail "role shown: '$(text role)'"
[[ $(text live) == live* ]] || fail "the page is not live: '$(text live)'"
tx_height=$(curl -sf "$URL/v1/tx/$tx" | jq -r .height)
block=$(text "block-$tx_height")
[[ $block == *"Block #$tx_height"* ]] || fail "block $tx_height not shown: '${block:0:200}'"
[[ $block == *"data.register"* ]] || fail "block $tx_height: no data.register: '${block:0:300}'"
[[ $block == *"$cid"* ]] || fail "block $tx_height: CID $cid not shown"
[[ $block == *"${tx:0:12}"* ]] || fail "block $tx_height: transaction ${tx:0:12} not shown"
grants=$(text grant-rows)
[[ $grants == *"access.grant"*"${grant:0:12}"* ]] || [[ $grants == *"${grant:0:12}"*"access.grant"* ]] ||
  fail "grant not shown: '${grants:0:300}'"
[[ $grants == *"access.revoke"* ]] || fail "revocation not shown: '${grants:0:300}'"
[[ $grants == *"${reader:0:12}"* ]] || fail "grantee not shown"
# The registration looked up by CID, with its proof.
[ "$(text data-cid)" = "$cid" ] || fail "looked-up CID: '$(text data-cid)'"
[ "$(text data-tx)" = "$tx" ] || fail "looked-up transaction: '$(text data-tx)'"
[ "$(text data-height)" = "height $tx_height" ] || fail "looked-up height: '$(text data-height)'"
[[ $(text data-result) == *"Inclusion proof"* ]] || fail "no inclusion proof shown"
# Nothing on the browser's console: no script error, no load refused by the policy, no
# failed request (the page itself logs nothing).
if grep -E "CONSOLE|Uncaught" chrome.log > console.txt; then
  fail "browser console: $(head -c 400 console.txt)"
fi

# The screenshot: a real PNG of the window's size, kept as a test artifact.
python3 - "$WORK/explorer.png" << 'PY' || fail "screenshot is not a 1280x2000 PNG"
import struct, sys
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89PNG\r\n\x1a\n" and len(b) > 20000, len(b)
w, h = struct.unpack(">II", b[16:24])
assert (w, h) == (1280, 2000), (w, h)
PY
artifacts="${CPC_BUILD:-$WORK}/test-artifacts"
mkdir -p "$artifacts"
cp "$WORK/explorer.png" "$artifacts/explorer.png"
echo "screenshot: $artifacts/explorer.png"
finish
