#!/usr/bin/env bash
# `biac decode --format modes|beast|sbs` end to end on testdata/adsb: records on stdout, one
# stderr line per bad record naming its line or byte offset, exit status 0 (1 with --strict),
# --fix repairing a single-bit error. Usage (from the repository root):
#   decode_cli_test.sh path/to/biac
set -euo pipefail
biac="$1"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
data=testdata/adsb

"$biac" decode --format modes "$data/cli_modes.txt" > "$dir/modes.out" 2> "$dir/modes.err" \
  || fail "modes: exit status $?"
[[ $(wc -l < "$dir/modes.out") -eq 7 ]] || fail "modes: $(wc -l < "$dir/modes.out") records"
[[ $(wc -l < "$dir/modes.err") -eq 4 ]] || fail "modes: $(cat "$dir/modes.err")"
grep -q ': line 9: 27 hex digits' "$dir/modes.err" || fail "modes line 9: $(cat "$dir/modes.err")"
grep -q ': line 10: DF17 .* parity remainder 000001' "$dir/modes.err" || fail "modes line 10"
grep -q ': line 11: Mode S: DF7 ' "$dir/modes.err" || fail "modes line 11"
grep -q ': line 12: AVR line' "$dir/modes.err" || fail "modes line 12"
if "$biac" decode --strict --format modes "$data/cli_modes.txt" > /dev/null 2>&1; then
  fail "modes --strict accepted bad lines"
fi
"$biac" decode --fix --format modes "$data/cli_modes.txt" > "$dir/fix.out" 2> "$dir/fix.err"
[[ $(wc -l < "$dir/fix.out") -eq 8 ]] || fail "modes --fix: $(wc -l < "$dir/fix.out") records"

"$biac" decode --format beast "$data/cli_beast.bin" > "$dir/beast.out" 2> "$dir/beast.err" \
  || fail "beast: exit status $?"
[[ $(wc -l < "$dir/beast.out") -eq 5 ]] || fail "beast: $(wc -l < "$dir/beast.out") records"
grep -q ': byte 64: bytes outside a frame' "$dir/beast.err" || fail "beast: $(cat "$dir/beast.err")"
grep -q ': byte 101: DF17' "$dir/beast.err" || fail "beast byte 101"
grep -q ': byte 124: truncated frame' "$dir/beast.err" || fail "beast byte 124"

"$biac" decode --format sbs "$data/cli_sbs.txt" > "$dir/sbs.out" 2> "$dir/sbs.err" \
  || fail "sbs: exit status $?"
[[ $(wc -l < "$dir/sbs.out") -eq 5 ]] || fail "sbs: $(wc -l < "$dir/sbs.out") records"
grep -q ": line 7: SBS: field 2: transmission type '9'" "$dir/sbs.err" || fail "sbs line 7"

python3 - "$dir" <<'PY'
import json, sys
d = sys.argv[1]
modes = [json.loads(l) for l in open(f"{d}/modes.out")]
assert modes[0]["callsign"] == "EZY85MH" and modes[0]["icao"] == "406b90", modes[0]
assert modes[1]["df"] == 11 and modes[1]["icao"] == "484fde", modes[1]
assert modes[2]["groundspeed"] == 159 and modes[2]["vertical_rate"] == -832, modes[2]
assert modes[2]["mlat_timestamp"] == 0x1234567, modes[2]
# The even frames at 403 and 405 s wait; the odd one at 406 s pairs with the even one at 405.
assert "latitude" not in modes[3] and "latitude" not in modes[4]
assert abs(modes[5]["latitude"] - 51.1453) < 1e-3 and abs(modes[5]["longitude"] - 7.2466) < 1e-3
assert modes[6]["squawk"] == "1346", modes[6]
# Its MB FFBBA9383FFCEB fits only Comm-B 5,0: roll -3 * 45/256, GS 224 * 2 = 448 kt, TAS
# 235 * 2 = 470 kt (worked by hand from Doc 9871 Table A-2-80).
assert modes[6]["bds"] == "5,0" and modes[6]["groundspeed"] == 448, modes[6]
assert modes[6]["true_airspeed"] == 470 and abs(modes[6]["roll"] + 0.52734375) < 1e-9, modes[6]
fixed = [json.loads(l) for l in open(f"{d}/fix.out")]
assert any(r.get("corrected_bit") == 111 for r in fixed), fixed
beast = [json.loads(l) for l in open(f"{d}/beast.out")]
assert beast[0]["mlat_timestamp"] == 0x00001A000000 and beast[0]["signal"] == 0x1A, beast[0]
# The Riddle's pair: odd at 10 s, even at 11 s -> 52.2572 N 3.91937 E.
assert abs(beast[3]["latitude"] - 52.25720) < 1e-5 and abs(beast[3]["longitude"] - 3.91937) < 1e-5
assert beast[4]["mode_ac"] == "1a07", beast[4]
sbs = [json.loads(l) for l in open(f"{d}/sbs.out")]
assert sbs[1]["latitude"] == 52.2572 and sbs[1]["altitude"] == 38000, sbs[1]
assert sbs[3]["squawk"] == "7700" and sbs[3]["emergency"] is True, sbs[3]
assert sbs[4]["message_type"] == "STA" and sbs[4]["status"] == "RM", sbs[4]
PY
echo "adsb decode CLI: ok"
