#!/usr/bin/env python3
"""`biac decode --format ais` end to end: decodes testdata/ais/gpsd_sample.aivdm with the built
binary and checks its JSON Lines against gpsd's gpsd_sample.aivdm.js.chk field by field
(application fields of type 6/8 payloads that gpsd decodes are skipped: biac gives hex, see
docs/formats/ais.md), that bad sentences are reported on stderr as "<input>: line N: <reason>"
and that the exit status is 0 (1 with --strict). Usage: decode_cli_test.py path/to/biac
Run from the repository root."""
import json
import subprocess
import sys

biac = sys.argv[1]
sample = "testdata/ais/gpsd_sample.aivdm"
expected = [json.loads(l) for l in open("testdata/ais/gpsd_sample.aivdm.js.chk")]

run = subprocess.run([biac, "decode", "--format", "ais", sample], capture_output=True, text=True)
assert run.returncode == 0, (run.returncode, run.stderr)
actual = [json.loads(l) for l in run.stdout.splitlines()]
assert len(actual) == len(expected) == 97, (len(actual), len(expected))

header = {"type", "repeat", "mmsi", "scaled", "seqno", "dest_mmsi", "retransmit", "dac", "fid"}
fields = 0
for i, (e, a) in enumerate(zip(expected, actual), 1):
    gpsd_decoded = e["type"] in (6, 8) and "data" not in e
    for k, v in e.items():
        if k == "device" or (gpsd_decoded and k not in header):
            continue
        if e["type"] == 26 and k == "radio":
            continue  # gpsd never decodes type 26's radio (always 0); biac does
        assert k in a, f"line {i}: no field {k}"
        if k == "data":  # biac zeroes the unused bits of the last byte; gpsd leaves them
            n, he = v.split(":"); m, ha = a[k].split(":")
            assert n == m and len(he) == len(ha), (i, v, a[k])
            rest = int(n) % 8
            mask = (0xFF << (8 - rest)) & 0xFF if rest else 0xFF
            assert he[:-2] == ha[:-2] and int(he[-2:], 16) & mask == int(ha[-2:], 16) & mask, (i, v, a[k])
            fields += 1
            continue
        if isinstance(v, float) or isinstance(a[k], float):
            assert abs(v - a[k]) < 1e-9, f"line {i} {k}: {v} != {a[k]}"
        else:
            assert v == a[k], f"line {i} {k}: {v!r} != {a[k]!r}"
        fields += 1
assert actual[0]["device"] == sample, actual[0]

# Every bad-record line names the input and a line number.
bad = [l for l in run.stderr.splitlines() if l]
assert bad, "the gpsd sample has bad sentences; none reported"
for l in bad:
    assert l.startswith(sample + ": line "), l
# The sample's sentence without its leading '!' (line 978 of the file) is one of them.
assert any("no leading '!'" in l for l in bad), bad

strict = subprocess.run([biac, "decode", "--format", "ais", "--strict", sample],
                        capture_output=True, text=True)
assert strict.returncode == 1, strict.returncode

# Standard input, a tag block, and a bad checksum in the middle: decoding goes on.
text = ("\\s:station1,c:1426032000*77\\!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n"
        "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4B\n"
        "!AIVDM,1,1,,A,16SteH0P00Jt63hHaa6SagvJ087r,0*42\n")
run = subprocess.run([biac, "decode", "--format", "ais", "-"], input=text, capture_output=True,
                     text=True)
assert run.returncode == 0, run.stderr
lines = [json.loads(l) for l in run.stdout.splitlines()]
assert [l["mmsi"] for l in lines] == [371798000, 440348000], lines
assert lines[0]["tag_source"] == "station1" and lines[0]["tag_time"].startswith("2015-03-11T00:00:00"), lines[0]
assert run.stderr == "-: line 2: sentence: checksum 4B, expected 4A\n", run.stderr
print(f"ais decode CLI: {len(actual)} messages, {fields} fields agree with gpsd; {len(bad)} bad lines reported")
