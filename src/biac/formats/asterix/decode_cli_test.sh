#!/usr/bin/env bash
# `biac decode --format asterix` end to end through the built binary: JSON Lines from a pcap
# capture and from raw data blocks; a damaged block gives one "byte N: reason" line on
# stderr, decoding goes on and the exit status stays 0 (1 with --strict).
# Usage: decode_cli_test.sh path/to/biac   (run from the repository root)
set -euo pipefail
biac="$1"
data=testdata/asterix
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# CAT062 + CAT065 in UDP: 3 records, the first a track at 41.167 N 15.709 E (CroatiaControl's
# cat_062_065_json.txt).
"$biac" decode --format asterix --pcap "$data/croatiacontrol_cat_062_065.pcap" > "$dir/out.jsonl"
[ "$(wc -l < "$dir/out.jsonl")" -eq 3 ] || fail "expected 3 records: $(cat "$dir/out.jsonl")"
python3 - "$dir/out.jsonl" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
first = lines[0]
assert first["category"] == 62 and first["edition"] == "1.18", first
assert first["I062/010"] == {"SAC": 25, "SIC": 100}, first
assert abs(first["I062/105"]["LAT"] - 41.1671233) < 1e-6, first
assert first["I062/380"]["ID"] == "RYR174C ", first
assert lines[2]["category"] == 65, lines[2]
PY

# ORADIS-in-pcap (CAT001/002): recognised and decoded.
"$biac" decode --format asterix --pcap "$data/croatiacontrol_cat_001_002.pcap" > "$dir/oradis.jsonl"
grep -q '"category":1,' "$dir/oradis.jsonl" || fail "no CAT001 record from the ORADIS capture"

# Raw blocks: the CAT048 block, then the same block with its LEN pointing past the record
# (a broken record), then the good block again.
raw="$data/croatiacontrol_cat048.raw"
python3 - "$raw" "$dir/damaged.raw" <<'PY'
import sys
good = open(sys.argv[1], "rb").read()
bad = bytearray(good)
bad[2] += 2  # LEN two octets longer: the record decodes, then 2 octets do not
open(sys.argv[2], "wb").write(good + bytes(bad) + b"\x00\x00" + good)
PY
"$biac" decode --format asterix "$dir/damaged.raw" > "$dir/raw.jsonl" 2> "$dir/raw.err"
[ "$(wc -l < "$dir/raw.jsonl")" -eq 3 ] || fail "expected 3 records: $(cat "$dir/raw.jsonl")"
[ "$(wc -l < "$dir/raw.err")" -eq 1 ] || fail "expected 1 error line: $(cat "$dir/raw.err")"
grep -q ': byte 96: CAT48 record: ' "$dir/raw.err" || fail "error line: $(cat "$dir/raw.err")"
if "$biac" decode --format asterix --strict "$dir/damaged.raw" > /dev/null 2>&1; then
  fail "--strict with a bad record must exit 1"
fi
echo "ok"
