#!/usr/bin/env python3
"""Generates biac's constexpr ASTERIX tables from machine-readable category specifications.

Inputs (src/biac/formats/asterix/specs/):
  catNNN-X.Y.json   a category edition in the JSON syntax of zoranbosnjak/asterix-specs
                    (the upstream definition.json with its prose "documentation" removed;
                    see `--import`), one file per edition taken verbatim from upstream;
  derived.json      editions that upstream does not carry, each defined as an upstream
                    edition plus named field changes (field -> spare), with the reason.
Outputs (src/biac/formats/asterix/generated/):
  catNNN_X_Y.cc     one translation unit per edition: the tables of spec.h;
  editions.cc       the registry (AllEditions, FindEdition, DefaultEdition).

Usage:
  tools/asterix/generate_tables.py                 regenerate generated/ from specs/
  tools/asterix/generate_tables.py --import DIR    copy specs/catNNN/cats/catX.Y/definition.json
      from DIR (a checkout of the gh-pages branch of zoranbosnjak/asterix-specs) for the
      editions listed in IMPORTS, stripping the documentation text.
"""

import argparse
import copy
import json
import math
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPECS = os.path.join(ROOT, "src/biac/formats/asterix/specs")
OUT = os.path.join(ROOT, "src/biac/formats/asterix/generated")

# Upstream editions biac carries.
IMPORTS = [(1, "1.2"), (2, "1.0"), (21, "2.1"), (21, "2.6"), (34, "1.27"), (48, "1.27"),
           (62, "1.16"), (62, "1.18"), (65, "1.4")]
# The edition used when the caller names none (the CroatiaControl decoder's editions).
DEFAULTS = {1: "1.2", 2: "1.0", 21: "2.6", 34: "1.27", 48: "1.21", 62: "1.18", 65: "1.3"}


def strip_docs(node):
    if isinstance(node, dict):
        return {k: strip_docs(v) for k, v in node.items() if k != "documentation"}
    if isinstance(node, list):
        return [strip_docs(v) for v in node]
    return node


def do_import(src):
    for cat, ed in IMPORTS:
        path = os.path.join(src, "specs/cat%03d/cats/cat%s/definition.json" % (cat, ed))
        with open(path) as f:
            spec = strip_docs(json.load(f))
        dst = os.path.join(SPECS, "cat%03d-%s.json" % (cat, ed))
        with open(dst, "w") as f:
            json.dump(spec, f, indent=0, sort_keys=True, separators=(",", ":"))
            f.write("\n")
        print("imported", dst)


def number(node):
    tag, c = node["tag"], node["contents"]
    if tag == "NumInt":
        return float(c)
    if tag == "NumDiv":
        return number(c["numerator"]) / number(c["denominator"])
    if tag == "NumPow":
        return float(c["base"]) ** c["exponent"]
    raise ValueError("number tag " + tag)


def cstr(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def cdouble(v):
    r = repr(float(v))
    return r


class Builder:
    def __init__(self, spec, edition_name):
        self.spec = spec
        self.edition = edition_name
        self.variations = []  # dicts
        self.fields = []
        self.parts = []
        self.subitems = []
        self.cases = []
        self.items = []

    # Fills `field` (a dict) from an element's content rule.
    def content(self, rule, field, path, item_id):
        if rule["tag"] == "Dependent":
            c = rule["contents"]
            dep_path = c["path"][0]
            field["content"] = "kDependent"
            field["selector_name"] = dep_path[-1]
            field["first_case"] = len(self.cases)
            for values, sub in c["cases"]:
                case = {"selector_value": values[0]}
                tmp = {}
                self.content({"tag": "ContextFree", "contents": sub}, tmp, path, item_id)
                case.update(tmp)
                self.cases.append(case)
            field["case_count"] = len(c["cases"])
            return
        assert rule["tag"] == "ContextFree", rule["tag"]
        c = rule["contents"]
        tag = c["tag"]
        if tag == "ContentRaw":
            field["content"] = "kRaw"
        elif tag == "ContentTable":
            field["content"] = "kTable"
        elif tag == "ContentInteger":
            field["content"] = "kInteger"
            field["is_signed"] = c["contents"]["signedness"]["tag"] == "Signed"
        elif tag == "ContentQuantity":
            q = c["contents"]
            field["content"] = "kQuantity"
            field["is_signed"] = q["signedness"]["tag"] == "Signed"
            field["lsb"] = number(q["lsb"])
            field["unit"] = q["unit"]
        elif tag == "ContentString":
            field["content"] = {"StringICAO": "kStringIcao", "StringAscii": "kStringAscii",
                                "StringOctal": "kStringOctal"}[c["contents"]["tag"]]
        elif tag == "ContentBds":
            field["content"] = "kBds"
        else:
            raise ValueError("content " + tag)

    def element_field(self, name, group, offset, element, path, item_id):
        field = {"name": name, "group": group, "bit_offset": offset,
                 "bit_size": element["bitSize"], "content": "kRaw", "is_signed": False,
                 "lsb": 1.0, "unit": ""}
        self.content(element["rule"], field, path, item_id)
        return field

    # Appends the fields of a list of group items starting at bit `offset`; returns the
    # offset after them. `fx_marks` collects bit offsets of FX bits for extended items.
    def group_fields(self, entries, offset, out, path, item_id, group="", fx_marks=None):
        for e in entries:
            if e is None:
                fx_marks.append(offset)
                offset += 1
                continue
            if e["tag"] == "Spare":
                offset += e["contents"]
                continue
            it = e["contents"]
            rule = it["rule"]
            assert rule["tag"] == "ContextFree"
            v = rule["contents"]
            if v["tag"] == "Element":
                out.append(self.element_field(it["name"], group, offset, v["contents"],
                                              path + [it["name"]], item_id))
                offset += v["contents"]["bitSize"]
            elif v["tag"] == "Group":
                offset = self.group_fields(v["contents"], offset, out, path + [it["name"]],
                                           item_id, group=it["name"])
            else:
                raise ValueError("unsupported nested variation %s in %s" % (v["tag"], path))
        return offset

    def add_fields(self, fields):
        first = len(self.fields)
        # Resolve dependent selectors to indices within this variation.
        for f in fields:
            if f["content"] == "kDependent":
                names = [g["name"] for g in fields]
                f["selector"] = names.index(f["selector_name"])
        self.fields.extend(fields)
        return first, len(fields)

    def variation(self, v, path, item_id):
        tag, c = v["tag"], v["contents"]
        var = {"kind": None, "byte_size": 0, "first_field": 0, "field_count": 0,
               "first_part": 0, "part_count": 0, "first_sub": 0, "sub_count": 0,
               "element": -1, "element_is_value": False}
        if tag == "Element":
            bits = c["bitSize"]
            f = self.element_field(path[-1] if path else "", "", 0, c, path, item_id)
            var["kind"] = "kElement"
            var["byte_size"] = (bits + 7) // 8
            # A bare element right-aligned in its octets (e.g. a 7-bit repetitive-FX value
            # sits in the top bits; handled by the caller).
            var["first_field"], var["field_count"] = self.add_fields([f])
            var["element_is_value"] = True
            var["bits"] = bits
        elif tag == "Group":
            fields = []
            bits = self.group_fields(c, 0, fields, path, item_id)
            var["kind"] = "kGroup"
            var["bits"] = bits
            var["byte_size"] = (bits + 7) // 8
            var["first_field"], var["field_count"] = self.add_fields(fields)
        elif tag == "Extended":
            fields, fx = [], []
            bits = self.group_fields(c, 0, fields, path, item_id, fx_marks=fx)
            var["kind"] = "kExtended"
            var["first_field"], var["field_count"] = self.add_fields(fields)
            var["first_part"] = len(self.parts)
            start = 0
            for mark in fx:
                size = mark + 1 - start
                assert size % 8 == 0, (path, fx)
                self.parts.append({"byte_size": size // 8, "has_fx": True})
                start = mark + 1
            if bits > start:
                assert (bits - start) % 8 == 0
                self.parts.append({"byte_size": (bits - start) // 8, "has_fx": False})
            var["part_count"] = len(self.parts) - var["first_part"]
        elif tag == "Repetitive":
            rtype = c["type"]["tag"]
            index = self.variation(c["variation"], path, item_id)
            elem = self.variations[index]
            var["element"] = index
            if rtype == "RepetitiveRegular":
                assert c["type"]["contents"]["byteSize"] == 1
                var["kind"] = "kRepetitive"
                var["byte_size"] = elem["byte_size"]
            else:
                var["kind"] = "kRepetitiveFx"
                bits = elem["bits"] + 1
                assert bits % 8 == 0, path
                var["byte_size"] = bits // 8
        elif tag == "Explicit":
            var["kind"] = "kExplicit"
        elif tag == "Compound":
            var["kind"] = "kCompound"
            subs = []
            for s in c:
                if s is None:
                    subs.append({"name": "", "title": "", "variation": -1})
                    continue
                assert s["rule"]["tag"] == "ContextFree"
                index = self.variation(s["rule"]["contents"], path + [s["name"]], item_id)
                subs.append({"name": s["name"], "title": s.get("title", ""), "variation": index})
            var["first_sub"] = len(self.subitems)
            var["sub_count"] = len(subs)
            self.subitems.extend(subs)
        else:
            raise ValueError("variation " + tag)
        self.variations.append(var)
        return len(self.variations) - 1

    def build(self):
        c = self.spec["contents"]
        for it in c["catalogue"]:
            assert it["rule"]["tag"] == "ContextFree", it["name"]
            index = self.variation(it["rule"]["contents"], [], it["name"])
            self.items.append({"id": it["name"], "title": it.get("title", ""), "variation": index})
        ids = [i["id"] for i in self.items]

        def uap_list(entries):
            out = []
            for u in entries:
                out.append(ids.index(u["contents"]) if u["tag"] == "UapItem" else -1)
            # UapItemRFS (random field sequencing) is not supported: it is treated as spare.
            while out and out[-1] == -1:
                out.pop()
            return out
        uap = c["uap"]
        self.uap, self.alt_uap, self.selector = [], [], None
        if uap["tag"] == "Uap":
            self.uap = uap_list(uap["contents"])
        else:
            cases = dict(uap["contents"]["cases"])
            sel = uap["contents"]["selector"]
            names = [n for _, n in sel["cases"]]
            self.uap = uap_list(cases[names[0]])
            self.alt_uap = uap_list(cases[names[1]])
            self.selector = (sel["item"][0], sel["item"][1], sel["cases"][1][0])

    def emit(self, cat, ed):
        name = "Cat%03dEd%s" % (cat, ed.replace(".", "_"))
        L = []
        L.append("// Generated by tools/asterix/generate_tables.py from specs/cat%03d-%s.json"
                 % (cat, self.source_edition))
        if self.patch_note:
            L.append("// " + self.patch_note)
        L.append("// Do not edit: change the spec or the generator and regenerate.")
        L.append("")
        L.append('#include "biac/formats/asterix/generated/editions.h"')
        L.append("")
        L.append("namespace biac::formats::asterix::generated {")
        L.append("namespace {")
        L.append("")
        L.append("constexpr FieldDef kFields[] = {")
        for f in self.fields:
            L.append("    {%s, %s, %d, %d, Content::%s, %s, %s, %s, %d, %d, %d}," % (
                cstr(f["name"]), cstr(f["group"]), f["bit_offset"], f["bit_size"],
                f["content"], "true" if f["is_signed"] else "false", cdouble(f["lsb"]),
                cstr(f["unit"]), f.get("selector", -1), f.get("first_case", 0),
                f.get("case_count", 0)))
        L.append("};")
        L.append("constexpr Variation kVariations[] = {")
        for v in self.variations:
            L.append("    {VariationKind::%s, %d, %d, %d, %d, %d, %d, %d, %d, %s}," % (
                v["kind"], v["byte_size"], v["first_field"], v["field_count"], v["first_part"],
                v["part_count"], v["first_sub"], v["sub_count"], v["element"],
                "true" if v["element_is_value"] else "false"))
        L.append("};")
        L.append("constexpr ExtendedPart kParts[] = {")
        for p in self.parts or [{"byte_size": 1, "has_fx": True}]:
            L.append("    {%d, %s}," % (p["byte_size"], "true" if p["has_fx"] else "false"))
        L.append("};")
        L.append("constexpr SubItem kSubItems[] = {")
        for s in self.subitems or [{"name": "", "title": "", "variation": -1}]:
            L.append("    {%s, %s, %d}," % (cstr(s["name"]), cstr(s["title"]), s["variation"]))
        L.append("};")
        L.append("constexpr DependentCase kCases[] = {")
        for k in self.cases or [{"selector_value": 0, "content": "kRaw"}]:
            L.append("    {%d, Content::%s, %s, %s, %s}," % (
                k["selector_value"], k["content"], "true" if k.get("is_signed") else "false",
                cdouble(k.get("lsb", 1.0)), cstr(k.get("unit", ""))))
        L.append("};")
        L.append("constexpr ItemDef kItems[] = {")
        for i in self.items:
            L.append("    {%s, %s, %d}," % (cstr(i["id"]), cstr(i["title"]), i["variation"]))
        L.append("};")
        L.append("constexpr int16_t kUap[] = {%s};" % ", ".join(str(u) for u in self.uap))
        if self.alt_uap:
            L.append("constexpr int16_t kAltUap[] = {%s};" % ", ".join(str(u) for u in self.alt_uap))
        L.append("")
        L.append("}  // namespace")
        L.append("")
        title = self.spec["contents"]["title"]
        L.append("const Edition k%s = {" % name)
        L.append("    %d, %s, %s," % (cat, cstr(ed), cstr(title)))
        L.append("    kItems, kVariations, kFields,")
        L.append("    std::span<const ExtendedPart>(kParts, %d)," % len(self.parts))
        L.append("    std::span<const SubItem>(kSubItems, %d)," % len(self.subitems))
        L.append("    std::span<const DependentCase>(kCases, %d)," % len(self.cases))
        L.append("    kUap,")
        if self.alt_uap:
            L.append("    kAltUap, %s, %s, %d," % (cstr(self.selector[0]), cstr(self.selector[1]),
                                                 self.selector[2]))
        else:
            L.append('    {}, "", "", 0,')
        L.append("};")
        L.append("")
        L.append("}  // namespace biac::formats::asterix::generated")
        return name, "\n".join(L) + "\n"


def apply_patch(spec, patch):
    """Turns the named fields into spare bits: {"item": "020", "field": "ERR"}."""
    spec = copy.deepcopy(spec)
    cat = spec["contents"]["catalogue"]
    for change in patch["spare"]:
        item = next(i for i in cat if i["name"] == change["item"])

        def visit(entries):
            for k, e in enumerate(entries):
                if e is None or e["tag"] == "Spare":
                    continue
                if e["contents"]["name"] == change["field"]:
                    bits = e["contents"]["rule"]["contents"]["contents"]["bitSize"]
                    entries[k] = {"tag": "Spare", "contents": bits}
                    return True
            return False
        v = item["rule"]["contents"]
        if not visit(v["contents"]):
            raise ValueError("patch: no field %s in item %s" % (change["field"], change["item"]))
    # Merge adjacent spares so the generated layout reads as the edition's.
    return spec


def apply_correction(spec, corr):
    """Makes a quantity field signed: {"item": "090", "field": "FL", "signed": true}."""
    for item in spec["contents"]["catalogue"]:
        if item["name"] != corr["item"]:
            continue
        for e in item["rule"]["contents"]["contents"]:
            if e is None or e["tag"] == "Spare" or e["contents"]["name"] != corr["field"]:
                continue
            q = e["contents"]["rule"]["contents"]["contents"]["rule"]["contents"]["contents"]
            q["signedness"]["tag"] = "Signed" if corr["signed"] else "Unsigned"
            return
    raise ValueError("correction: no field %s in item %s" % (corr["field"], corr["item"]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--import", dest="import_dir")
    args = ap.parse_args()
    if args.import_dir:
        do_import(args.import_dir)
        return
    editions = []
    for cat, ed in IMPORTS:
        with open(os.path.join(SPECS, "cat%03d-%s.json" % (cat, ed))) as f:
            editions.append((cat, ed, ed, json.load(f), ""))
    with open(os.path.join(SPECS, "derived.json")) as f:
        derived = json.load(f)
    for corr in derived.get("corrections", []):
        for i, e in enumerate(editions):
            if e[0] == corr["category"] and e[1] in corr["editions"]:
                apply_correction(e[3], corr)
                editions[i] = (e[0], e[1], e[2], e[3], "Corrected: " + corr["reason"])
    for d in derived["editions"]:
        base = next(e for e in editions if e[0] == d["category"] and e[1] == d["base"])
        spec = apply_patch(base[3], d)
        note = "Edition %s derived from %s: %s" % (d["edition"], d["base"], d["reason"])
        editions.append((d["category"], d["edition"], d["base"], spec, note))
    os.makedirs(OUT, exist_ok=True)
    names = []
    for cat, ed, source_ed, spec, note in editions:
        b = Builder(spec, ed)
        b.source_edition = source_ed
        b.patch_note = note
        b.build()
        name, text = b.emit(cat, ed)
        fname = "cat%03d_%s.cc" % (cat, ed.replace(".", "_"))
        with open(os.path.join(OUT, fname), "w") as f:
            f.write(text)
        names.append((cat, ed, name, fname))
    names.sort()
    H = ["// Generated by tools/asterix/generate_tables.py. Do not edit.", "#pragma once", "",
         '#include "biac/formats/asterix/spec.h"', "", "namespace biac::formats::asterix::generated {", ""]
    for cat, ed, name, _ in names:
        H.append("extern const Edition k%s;" % name)
    H += ["", "}  // namespace biac::formats::asterix::generated", ""]
    with open(os.path.join(OUT, "editions.h"), "w") as f:
        f.write("\n".join(H))
    R = ["// Generated by tools/asterix/generate_tables.py. Do not edit.", "",
         '#include "biac/formats/asterix/generated/editions.h"', "",
         "namespace biac::formats::asterix {", "", "namespace {", "",
         "constexpr const Edition* kAll[] = {"]
    for cat, ed, name, _ in names:
        R.append("    &generated::k%s," % name)
    R += ["};", "", "}  // namespace", "",
          "std::span<const Edition* const> AllEditions() { return kAll; }", "",
          "const Edition* DefaultEdition(uint8_t category) {", "  switch (category) {"]
    for cat in sorted(DEFAULTS):
        name = next(n for c, e, n, _ in names if c == cat and e == DEFAULTS[cat])
        R.append("    case %d:" % cat)
        R.append("      return &generated::k%s;" % name)
    R += ["    default:", "      return nullptr;", "  }", "}", "",
          "}  // namespace biac::formats::asterix", ""]
    with open(os.path.join(OUT, "editions.cc"), "w") as f:
        f.write("\n".join(R))
    with open(os.path.join(OUT, "sources.cmake"), "w") as f:
        f.write("# Generated by tools/asterix/generate_tables.py. Do not edit.\n")
        f.write("set(BIAC_ASTERIX_GENERATED\n")
        for _, _, _, fname in names:
            f.write("  generated/%s\n" % fname)
        f.write("  generated/editions.cc)\n")
    print("generated %d editions" % len(names))


if __name__ == "__main__":
    main()
