#!/usr/bin/env bash
# `biac decode --format klv [--ts]` end to end through the built binary. Usage:
# klv_cli_test.sh path/to/biac (run from the repository root, as ctest does).
set -euo pipefail
biac="$1"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
data=testdata/klv
constant=$data/klvdata_DynamicConstantMISMMSPacketData.bin
only=$data/klvdata_DynamicOnlyMISMMSPacketData.bin

# Junk, the two samples, and a packet cut short: two records; three bad-record lines (the
# junk, the DynamicConstant checksum, the truncated packet), decoding going on after each.
{ printf 'HELLO'; cat "$constant" "$only"; head -c 50 "$only"; } > "$dir/stream.klv"
"$biac" decode --format klv "$dir/stream.klv" > "$dir/out.jsonl" 2> "$dir/err.txt" \
  || fail "exit status $? (bad records must not fail without --strict)"
[[ $(wc -l < "$dir/out.jsonl") -eq 2 ]] || fail "records: $(cat "$dir/out.jsonl")"
[[ $(wc -l < "$dir/err.txt") -eq 3 ]] || fail "stderr: $(cat "$dir/err.txt")"
grep -qx "$dir/stream.klv: byte 0: 5 bytes before the next universal key skipped" "$dir/err.txt" \
  || fail "junk line: $(cat "$dir/err.txt")"
grep -qx "$dir/stream.klv: byte 5: checksum 0xAA43 does not verify (computed 0x3E1E)" \
  "$dir/err.txt" || fail "checksum line: $(cat "$dir/err.txt")"
grep -q "^$dir/stream.klv: byte 347: truncated" "$dir/err.txt" \
  || fail "truncation line: $(cat "$dir/err.txt")"
python3 - "$dir/out.jsonl" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
a, b = lines
assert a["offset"] == 5 and a["checksum"] == "mismatch", a
assert a["stored_checksum"] == 0xAA43 and a["computed_checksum"] == 0x3E1E, a
assert a["items"]["mission_id"] == "Mission 12", a["items"]
assert a["items"]["platform_designation"] == "Predator", a["items"]
assert a["items"]["precision_time_stamp"] == 1231798102000000, a["items"]
assert abs(a["items"]["sensor_latitude"] - 60.176822966978335) < 1e-12, a["items"]
assert a["items"]["uas_datalink_ls_version_number"] == 6, a["items"]
sec = a["items"]["security_local_set"]  # the nested ST 0102 set, decoded
assert sec["security_classification"] == 1 and sec["classifying_country"] == "//USA", sec
assert sec["object_country_codes"] == "USA" and sec["version"] == 10, sec
assert a["items"]["miis_core_identifier"]["text"].endswith(":D3"), a["items"]
assert b["offset"] == 233 and b["checksum"] == "verified" and b["length"] == 97, b
PY

# --strict turns a bad record into exit status 1.
if "$biac" decode --format klv --strict "$dir/stream.klv" > /dev/null 2>&1; then
  fail "--strict with bad records exited 0"
fi

# STANAG 4609: KLV in an MPEG transport stream (testdata/klv/make_ts.py).
"$biac" decode --format klv --ts "$data/klv_in_ts.ts" > "$dir/ts.jsonl" 2> "$dir/ts_err.txt" \
  || fail "--ts exit status $?"
python3 - "$dir/ts.jsonl" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert [l["pid"] for l in lines] == [0x101, 0x102, 0x101, 0x101], lines
assert [l["checksum"] for l in lines] == ["verified", "verified", "mismatch", "verified"], lines
assert lines[2]["items"]["mission_id"] == "Mission 12"
PY
[[ $(wc -l < "$dir/ts_err.txt") -eq 1 ]] || fail "--ts stderr: $(cat "$dir/ts_err.txt")"
grep -q "checksum 0xAA43" "$dir/ts_err.txt" || fail "--ts stderr: $(cat "$dir/ts_err.txt")"
echo "klv cli: ok"
