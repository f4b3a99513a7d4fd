#!/bin/sh
# `biac decode --format gmti` on testdata/gmti/sample.4607 (written by
# testdata/gmti/make_sample_capture.py): nine segments decode, three faults are reported with
# their byte offsets, decoding goes on after each, and --strict turns the faults into exit 1.
# Usage: gmti_decode_cli_test.sh BIAC (run from the repository root).
set -u
biac="$1"
input=testdata/gmti/sample.4607
tmp="${TMPDIR:-/tmp}/gmti_cli_test.$$"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$biac" decode --format gmti "$input" >"$tmp/out" 2>"$tmp/err" || fail "exit status $? (expected 0)"

[ "$(wc -l <"$tmp/out")" -eq 9 ] || fail "expected 9 records, got $(wc -l <"$tmp/out")"
cat >"$tmp/expected_err" <<END
$input: byte 491: dwell segment: existence mask ff38e1fb8c060000 lacks mandatory field D24 (dwell_center_lat_deg)
$input: byte 607: version (P1) 4a55 is not two ASCII digits; skipped 5 bytes to the next packet header
$input: byte 672: packet size (P2) 100 runs past the end of the input (40 bytes left); no packet header follows
END
diff "$tmp/expected_err" "$tmp/err" >&2 || fail "stderr differs"

# One record per segment, in order, with the offsets make_sample_capture.py prints.
offsets=$(sed -n 's/^{.*"offset":\([0-9]*\),.*/\1/p' "$tmp/out" | tr '\n' ' ')
[ "$offsets" = "32 76 149 261 289 356 444 579 644 " ] || fail "segment offsets: $offsets"
names=$(sed -n 's/.*"segment_name":"\([a-z_]*\)".*/\1/p' "$tmp/out" | tr '\n' ' ')
[ "$names" = "mission job_definition dwell platform_location free_text dwell hrr platform_location platform_location " ] ||
  fail "segment names: $names"

expect() { grep -q -- "$2" "$tmp/out" || fail "$1: no match for $2"; }
expect "packet header" '"platform_id":"BIAC-SIM01"'
expect "packet header" '"version":"30"'
expect "mission" '"platform_type":36'
expect "mission" '"platform_type_name":"MQ-9 Reaper"'
expect "job definition" '"job_id":16909060'
expect "dwell report 1" '"lat_deg":22.774658203125'
expect "dwell report 1" '"lon_deg":133.9013671875'
expect "dwell 2 truth tag" '"truth_tag_entity":3735928559'
expect "platform location" '"location_time_ms":123456789'
expect "free text" '"text":"hello 4607"'
expect "hrr skipped" '"decoded":false'

"$biac" decode --format gmti --strict "$input" >/dev/null 2>&1 && fail "--strict should exit 1"
echo "ok"
