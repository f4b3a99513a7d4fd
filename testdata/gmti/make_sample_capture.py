#!/usr/bin/env python3
"""Writes sample.4607, the capture the `gmti_decode_cli` test decodes, from the hex vectors of
this folder. Run from testdata/gmti/: python3 make_sample_capture.py (prints each piece's offset).

Packets (STANAG 4607 / AEDP-7 edition 3 framing: 32-byte packet header whose P2 is the packet
size, then segments of 5-byte header + payload):
  1. mission (s4607 sample), job definition (s4607 sample), dwell_delta_positions (hand
     assembled), platform location (s4607 sample), free text
  2. dwell_hi_res_positions, then an HRR segment (type 3) that biac skips by its size
  3. a dwell whose existence mask lacks mandatory D24 (reported bad), then a platform location
  -  five junk bytes "JUNK!" (reported; decoding resynchronises on the next packet header)
  4. platform location
  5. a packet whose P2 says 100 bytes but only 40 remain (reported; end of input)
"""
import json
import struct


def vector(path, name):
    for v in json.load(open(path))["vectors"]:
        if v["name"] == name:
            return bytes.fromhex(v["hex"])
    raise KeyError(name)


def header(size, job_id=42):
    return (b"30" + struct.pack(">I", size) + b"US" + bytes([5]) + b"US" + struct.pack(">H", 0) +
            bytes([129]) + b"BIAC-SIM01" + struct.pack(">II", 7, job_id))


def segment(seg_type, payload):
    return bytes([seg_type]) + struct.pack(">I", len(payload) + 5) + payload


def packet(*segments):
    body = b"".join(segments)
    return header(32 + len(body)) + body


mission = vector("s4607_vectors.json", "mission_segment_sample1")
platform = vector("s4607_vectors.json", "platform_location_segment_sample1")
job = vector("s4607_job_def_vector.json", "job_definition_sample1")
dwell1 = vector("hand_assembled_vectors.json", "dwell_delta_positions")
dwell2 = vector("hand_assembled_vectors.json", "dwell_hi_res_positions")
free_text = b"BIACGMTI01" + b"ANALYST   " + b"hello 4607"
bad_dwell = bytearray(dwell2)
bad_dwell[2] &= ~0x02 & 0xFF  # mask byte 5 (bits 47-40): clear bit 41, D24

pieces = [
    packet(segment(1, mission), segment(5, job), segment(2, dwell1), segment(13, platform),
           segment(6, free_text)),
    packet(segment(2, dwell2), segment(3, bytes(range(10)))),
    packet(segment(2, bytes(bad_dwell)), segment(13, platform)),
    b"JUNK!",
    packet(segment(13, platform)),
    header(100) + segment(13, platform)[:8],
]
offset = 0
with open("sample.4607", "wb") as f:
    for piece in pieces:
        print(f"byte {offset}: {len(piece)} bytes")
        f.write(piece)
        offset += len(piece)
