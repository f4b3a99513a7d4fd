#!/usr/bin/env bash
# End to end through the built binary, as a user runs it: `biac sim` writes the MTT-CV2D
# scenario, `biac track --truth` tracks it and prints Stone Soup's numbers; bad usage and bad
# input fail with one line naming the problem. Usage: cli_test.sh path/to/biac
set -euo pipefail
biac="$1"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$biac" sim --scenario mtt-cv2d --out "$dir/s" > "$dir/sim.json"
grep -q '"detections":1882' "$dir/sim.json" || fail "sim summary: $(cat "$dir/sim.json")"
head -1 "$dir/s/truth.csv" | grep -qx 'time,id,x,y,vx,vy' || fail "truth header"
head -1 "$dir/s/detections.csv" | grep -qx 'time,sensor,x,y' || fail "detections header"

"$biac" track --detections "$dir/s/detections.csv" --truth "$dir/s/truth.csv" \
  --out "$dir/tracks.csv" > "$dir/track.json"
python3 - "$dir/track.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert list(j)[:5] == ["scans", "detections", "tracks_confirmed", "seconds", "detections_per_second"], list(j)
assert j["scans"] == 100 and j["detections"] == 1882 and j["tracks_confirmed"] == 11, j
g, o = j["gospa"], j["ospa"]
assert (g["c"], g["p"], g["alpha"]) == (100, 1, 2), g
assert round(g["mean"], 2) == 73.99 and round(g["localisation"], 2) == 66.49, g
assert round(g["missed"], 2) == 7.50 and round(g["false"], 2) == 0.00, g
assert (o["c"], o["p"]) == (100, 1) and round(o["mean"], 3) == 8.149, o
PY
head -1 "$dir/tracks.csv" | grep -qx 'time,track_id,x,y,vx,vy' || fail "tracks header"

cat > "$dir/jpda.toml" <<'TOML'
[association]
method = "jpda"
TOML
"$biac" track --detections "$dir/s/detections.csv" --truth "$dir/s/truth.csv" \
  --config "$dir/jpda.toml" > "$dir/jpda.json"
grep -q '"mean":74.05' "$dir/jpda.json" || python3 -c "
import json,sys; g=json.load(open('$dir/jpda.json'))['gospa']; assert round(g['mean'],2)==74.05, g"

# Errors: one line naming the problem, non-zero exit, nothing on stdout.
printf '[association]\nmethod = "mht"\n' > "$dir/bad.toml"
if "$biac" track --detections "$dir/s/detections.csv" --config "$dir/bad.toml" > "$dir/out" 2> "$dir/err"; then
  fail "bad config accepted"
fi
grep -q "bad.toml: \[association\] method: 'mht' is not one of: gnn, jpda" "$dir/err" || fail "config error: $(cat "$dir/err")"
[[ $(wc -l < "$dir/err") -eq 1 && ! -s "$dir/out" ]] || fail "error output not one line"
printf 'time,x,y\n0,1,2\n1,abc,3\n' > "$dir/bad.csv"
if "$biac" track --detections "$dir/bad.csv" 2> "$dir/err"; then fail "bad csv accepted"; fi
grep -q "bad.csv line 3: column 'x': 'abc' is not a number" "$dir/err" || fail "csv error: $(cat "$dir/err")"
set +e
"$biac" track > /dev/null 2> "$dir/err"; rc=$?
set -e
[[ $rc -eq 2 ]] || fail "missing --detections exit $rc"
"$biac" demo --tracking --targets 10 --scans 20 | grep -q "tracks confirmed" || fail "demo"

# biac fuse: one audience of the small two-nation scenario, released to a partner and logged.
cat > "$dir/sharing.toml" <<'TOML'
[[sharing.rule]]
name = "coarse-1km"
coarsen_position_m = 1000
drop_fields = ["callsign"]

[[sharing.partner]]
name = "jpn-node"
audience = { clearance = "SECRET", nationality = "JPN" }
rules = ["coarse-1km"]
TOML
"$biac" fuse --scenario kyushu-okinawa-small --audience coalition-unclass --no-single-sources \
  --sharing "$dir/sharing.toml" --audit-log "$dir/audit.log" > "$dir/fuse.json"
python3 - "$dir/fuse.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
names = [a["name"] for a in r["audiences"]]
assert names == ["coalition-unclass", "jpn-node"], names
for a in r["audiences"]:
    assert a["leak_check"]["passed"], a
    assert a["identity"]["ratio"] >= 0.99, a
# The unclassified audience sees AIS and ADS-B only.
assert r["audiences"][0]["visible_sources"] == ["ais", "adsb"], r["audiences"][0]
rel = r["releases"][0]
assert rel["partner"] == "jpn-node" and rel["released"] and rel["rules"] == ["coarse-1km"], rel
assert rel["audit_index"] == 0 and len(rel["sha256"]) == 64, rel
PY
"$biac" audit verify "$dir/audit.log" > "$dir/verify.json" 2> /dev/null || fail "audit log of the release"
grep -q '"entries":1' "$dir/verify.json" || fail "release not logged: $(cat "$dir/verify.json")"
set +e
"$biac" fuse --scenario kyushu-okinawa-small --audience nobody > /dev/null 2> "$dir/err"; rc=$?
set -e
[[ $rc -eq 2 ]] || fail "unknown audience exit $rc"
grep -q "no audience 'nobody'" "$dir/err" || fail "unknown audience: $(cat "$dir/err")"
echo "cli_test: all checks passed"
