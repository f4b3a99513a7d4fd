#!/usr/bin/env bash
# `biac audit` end to end, as a user runs it: make keys, append a generated log with periodic
# checkpoints, verify it (and re-check its format independently in Python: RFC 6962 roots with
# hashlib; Ed25519 signatures too when the `cryptography` package is present), then tamper with
# it, cut it as a crash would, and exchange checkpoints with a partner, including a rewritten
# history that must be refused. Usage: audit_cli_test.sh path/to/biac
set -euo pipefail
biac="$1"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
origin="bic.example/audit/usa"

"$biac" audit keygen --name "$origin" --out "$dir/usa" > "$dir/keygen.json"
"$biac" audit keygen --name "bic.example/audit/jpn" --out "$dir/jpn" > /dev/null
[[ "$(stat -c %a "$dir/usa.key")" == 600 ]] || fail "signing key file is not private"

gen() {  # gen FIRST LAST [forge]: JSON Lines entries FIRST..LAST-1
  python3 - "$@" <<'PY'
import json, sys
first, last = int(sys.argv[1]), int(sys.argv[2])
forge = len(sys.argv) > 3
for i in range(first, last):
    t = 1717200000000000000 + i * 1000000000
    if i % 3 == 2:
        e = {"time_ns": t, "kind": "release", "partner": "JPN", "rule": "coarsen-1km",
             "inputs": [f"track:{i}"], "label": "SECRET//REL TO USA, JPN",
             "output_sha256": "%064x" % i}
    else:
        e = {"time_ns": t, "kind": "access", "subject": f"user{i % 4}", "request": f"track {i}",
             "labels": ["SECRET//NOFORN"], "decision": "permit" if i % 2 == 0 else "deny"}
    if forge and i == 2:
        e["partner"] = "USA"
    print(json.dumps(e))
PY
}

log="$dir/audit.log"
gen 0 50 | "$biac" audit append "$log" --origin "$origin" --fsync batch \
  --signing-key "$dir/usa.key" --checkpoint-every 16 --checkpoint > "$dir/append.json"
grep -q '"size":50' "$dir/append.json" || fail "append: $(cat "$dir/append.json")"

"$biac" audit verify "$log" --key "$dir/usa.pub" > "$dir/verify.json"
python3 - "$dir/verify.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["ok"] and j["entries"] == 50 and j["checkpoints"] == 4, j
assert j["last_checkpoint_size"] == 50 and not j["problems"] and not j["warnings"], j
PY

# Independent reading of the file format of docs/audit.md.
python3 - "$log" "$(cat "$dir/usa.pub")" <<'PY'
import base64, hashlib, struct, sys
data = open(sys.argv[1], "rb").read()
header = b"biac-audit-log v1\n"
assert data.startswith(header)
def crc32c(b):
    crc = 0xFFFFFFFF
    for x in b:
        crc ^= x
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF
def mth(leaves):
    if not leaves: return hashlib.sha256(b"").digest()
    if len(leaves) == 1: return leaves[0]
    k = 1
    while k * 2 < len(leaves): k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()
name, keyid, key = sys.argv[2].split("+", 2)
pub = base64.b64decode(key)[1:]
try:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    verifier = Ed25519PublicKey.from_public_bytes(pub)
except ImportError:
    verifier = None
pos, leaves, checked = len(header), [], 0
while pos < len(data):
    typ, length = data[pos], struct.unpack(">I", data[pos + 1:pos + 5])[0]
    body = data[pos:pos + 5 + length]
    assert struct.unpack(">I", data[pos + 5 + length:pos + 9 + length])[0] == crc32c(body)
    payload = body[5:]
    if typ == 1:
        leaves.append(hashlib.sha256(b"\x00" + payload).digest())
    else:
        text, sigs = payload.decode().rsplit("\n\n", 1)
        o, size, root = text.split("\n")[:3]
        assert o == name and int(size) == len(leaves), (o, size, len(leaves))
        assert base64.b64decode(root) == mth(leaves), "root of checkpoint at %s" % size
        sig = base64.b64decode(sigs.split(" ")[2])
        assert sig[:4].hex() == keyid
        assert hashlib.sha256(name.encode() + b"\n\x01" + pub).digest()[:4].hex() == keyid
        if verifier:
            verifier.verify(sig[4:], (text + "\n").encode())
        checked += 1
    pos += 9 + length
assert checked == 4 and len(leaves) == 50, (checked, len(leaves))
PY

# Tampering: one byte inside entry 10 is found and named.
python3 - "$log" "$dir/tampered.log" <<'PY'
import struct, sys
data = bytearray(open(sys.argv[1], "rb").read())
pos, entry = 18, 0
while True:
    typ, length = data[pos], struct.unpack(">I", data[pos + 1:pos + 5])[0]
    if typ == 1 and entry == 10:
        data[pos + 5 + length // 2] ^= 0x20
        break
    entry += typ == 1
    pos += 9 + length
open(sys.argv[2], "wb").write(data)
PY
if "$biac" audit verify "$dir/tampered.log" --key "$dir/usa.pub" > "$dir/t.json" \
  2> "$dir/t.err"; then
  fail "tampered log verified"
fi
grep -q '"first_bad_entry":10' "$dir/t.json" || fail "tamper not named: $(cat "$dir/t.json")"
grep -q 'entry 10 at offset' "$dir/t.err" || fail "stderr: $(cat "$dir/t.err")"

# A crash mid-append: the last record cut short verifies up to the last complete entry.
gen 50 51 | "$biac" audit append "$dir/audit.log" --origin "$origin" > /dev/null
size=$(stat -c %s "$log")
cp "$log" "$dir/torn.log"
truncate -s $((size - 7)) "$dir/torn.log"
"$biac" audit verify "$dir/torn.log" --key "$dir/usa.pub" > "$dir/torn.json" 2> "$dir/torn.err" ||
  fail "torn log: $(cat "$dir/torn.err")"
grep -q '"entries":50' "$dir/torn.json" && grep -q '"torn_tail":true' "$dir/torn.json" ||
  fail "torn: $(cat "$dir/torn.json")"
if "$biac" audit verify "$dir/torn.log" --key "$dir/usa.pub" --strict > /dev/null 2>&1; then
  fail "--strict accepted a torn log"
fi

# Checkpoint exchange. The partner stored our checkpoint of size 50 (from append's output).
python3 -c "import json,sys; sys.stdout.write(json.load(open('$dir/append.json'))['checkpoint'])" \
  > "$dir/stored.note"
gen 51 70 | "$biac" audit append "$log" --origin "$origin" --fsync batch \
  --signing-key "$dir/usa.key" --checkpoint > "$dir/append2.json"
python3 -c "import json,sys; sys.stdout.write(json.load(open('$dir/append2.json'))['checkpoint'])" \
  > "$dir/new.note"
"$biac" audit partner "$log" --checkpoint "$dir/stored.note" --key "$dir/usa.pub" \
  > "$dir/proof.json"
grep -q '"size1":50,"size2":70' "$dir/proof.json" || fail "partner: $(cat "$dir/proof.json")"
"$biac" audit consistency --old "$dir/stored.note" --new "$dir/new.note" --proof "$dir/proof.json" \
  --key "$dir/usa.pub" > /dev/null || fail "consistency of an honest log"

# A rewritten history (entry 2 changed, re-signed with the real key) is refused both ways.
forged="$dir/forged.log"
gen 0 70 forge | "$biac" audit append "$forged" --origin "$origin" --fsync none \
  --signing-key "$dir/usa.key" --checkpoint > "$dir/forged.json"
python3 -c "import json,sys; sys.stdout.write(json.load(open('$dir/forged.json'))['checkpoint'])" \
  > "$dir/forged.note"
"$biac" audit verify "$forged" --key "$dir/usa.pub" > /dev/null || fail "forged log is well-formed"
if "$biac" audit partner "$forged" --checkpoint "$dir/stored.note" --key "$dir/usa.pub" \
  > /dev/null 2> "$dir/p.err"; then
  fail "forged log accepted the partner's checkpoint"
fi
grep -q "histories differ" "$dir/p.err" || fail "partner: $(cat "$dir/p.err")"
"$biac" audit prove "$forged" --from 50 > "$dir/forged_proof.json"
if "$biac" audit consistency --old "$dir/stored.note" --new "$dir/forged.note" \
  --proof "$dir/forged_proof.json" --key "$dir/usa.pub" > /dev/null 2>&1; then
  fail "partner accepted a rewritten history"
fi

# Errors: one line, non-zero exit.
if "$biac" audit verify "$dir/missing.log" > /dev/null 2> "$dir/e.err"; then fail "missing file"; fi
[[ $(wc -l < "$dir/e.err") -eq 1 ]] || fail "error output: $(cat "$dir/e.err")"
set +e
"$biac" audit verify > /dev/null 2>&1
[[ $? -eq 2 ]] || fail "usage error should exit 2"
set -e
echo "audit CLI end to end: ok"
