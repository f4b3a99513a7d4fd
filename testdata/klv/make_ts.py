#!/usr/bin/env python3
"""Writes klv_in_ts.ts: the two ST 0902.5 sample packets carried in an MPEG-2 transport
stream the way STANAG 4609 / MISB ST 1402 carries KLV, built by hand from ISO/IEC 13818-1
(no multiplexer library involved, so the demultiplexer is checked against the standard's
layouts rather than against a library it might share mistakes with).

Layout (program 1, PMT on PID 0x0100):
  PID 0x0101: stream_type 0x06 (PES private data), registration descriptor "KLVA",
              stream_id 0xBD, asynchronous KLV: PES 1 = DynamicOnly (one TS packet),
              PES 2 = DynamicConstant (two TS packets), PES 3 = DynamicOnly again.
  PID 0x0102: stream_type 0x15 (metadata in PES), metadata_descriptor with
              metadata_format 0xFF / format identifier "KLVA", stream_id 0xFC, synchronous
              KLV in one metadata AU cell (table 2-97): DynamicOnly.
  A null packet (PID 0x1FFF) sits between them. Run: python3 make_ts.py (in this folder).
"""

import struct

TS = 188


def crc32_mpeg2(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else (crc << 1)
            crc &= 0xFFFFFFFF
    return crc


counters = {}


def packets(pid, payload, unit_start=True):
    """Splits a payload into TS packets, stuffing the last one with an adaptation field."""
    out = []
    first = True
    while payload or first:
        cc = counters.get(pid, 0)
        counters[pid] = (cc + 1) % 16
        pusi = 0x40 if (first and unit_start) else 0
        header = bytes([0x47, pusi | (pid >> 8), pid & 0xFF])
        room = TS - 4
        if len(payload) >= room:
            out.append(header + bytes([0x10 | cc]) + payload[:room])
            payload = payload[room:]
        else:
            stuffing = room - len(payload)
            if stuffing == 1:
                af = bytes([0])
            else:
                af = bytes([stuffing - 1, 0x00]) + b"\xff" * (stuffing - 2)
            out.append(header + bytes([0x30 | cc]) + af + payload)
            payload = b""
        first = False
    return out


def section(table_id, body):
    length = len(body) + 4
    head = bytes([table_id, 0xB0 | (length >> 8), length & 0xFF])
    data = head + body
    return data + struct.pack(">I", crc32_mpeg2(data))


def psi(pid, sec):
    return packets(pid, bytes([0]) + sec)  # pointer_field 0


def pes(stream_id, payload, pts=None):
    flags2 = 0x80 if pts is not None else 0x00
    opt = b""
    if pts is not None:
        opt = bytes([0x21 | ((pts >> 29) & 0x0E), (pts >> 22) & 0xFF, 0x01 | ((pts >> 14) & 0xFE),
                     (pts >> 7) & 0xFF, 0x01 | ((pts << 1) & 0xFE)])
    body = bytes([0x80, flags2, len(opt)]) + opt + payload
    return b"\x00\x00\x01" + bytes([stream_id]) + struct.pack(">H", len(body)) + body


only = open("klvdata_DynamicOnlyMISMMSPacketData.bin", "rb").read()
constant = open("klvdata_DynamicConstantMISMMSPacketData.bin", "rb").read()

pat = section(0x00, struct.pack(">HBBB", 1, 0xC1, 0, 0) + struct.pack(">HH", 1, 0xE000 | 0x100))
registration = bytes([0x05, 4]) + b"KLVA"
# metadata_descriptor (2.6.60): application format 0x0100, metadata_format 0xFF + "KLVA",
# metadata_service_id 0, decoder_config_flags 000, DSM-CC flag 0, reserved 1111.
metadata_desc_body = struct.pack(">H", 0x0100) + bytes([0xFF]) + b"KLVA" + bytes([0x00, 0x0F])
metadata_desc = bytes([0x26, len(metadata_desc_body)]) + metadata_desc_body
es = (bytes([0x06]) + struct.pack(">HH", 0xE000 | 0x101, 0xF000 | len(registration)) + registration +
      bytes([0x15]) + struct.pack(">HH", 0xE000 | 0x102, 0xF000 | len(metadata_desc)) + metadata_desc)
pmt = section(0x02, struct.pack(">HBBB", 1, 0xC1, 0, 0) + struct.pack(">HH", 0xE000 | 0x1FFF, 0xF000) + es)

au_cell = bytes([0x00, 0x01, 0xDF]) + struct.pack(">H", len(only)) + only  # 2.12.4, table 2-97
null = bytes([0x47, 0x1F, 0xFF, 0x10]) + b"\xff" * 184

stream = []
stream += psi(0x0000, pat)
stream += psi(0x0100, pmt)
stream += packets(0x101, pes(0xBD, only, pts=90000))
stream.append(null)
stream += packets(0x102, pes(0xFC, au_cell, pts=90000))
stream += packets(0x101, pes(0xBD, constant, pts=93003))
stream += packets(0x101, pes(0xBD, only, pts=96006))
data = b"".join(stream)
assert len(data) % TS == 0
open("klv_in_ts.ts", "wb").write(data)
print("klv_in_ts.ts: %d packets" % (len(data) // TS))
