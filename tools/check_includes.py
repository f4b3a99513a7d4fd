#!/usr/bin/env python3
"""Fails when a module includes, or links, a module that docs/architecture.md does not allow.

Usage: check_includes.py PROJECT_ROOT
Reads the module table between the module-table markers in docs/architecture.md, then checks
every `#include "biac/<module>/..."` under src/biac/<module>/ and every module named in the
DEPS of that module's biac_module(...) call in its CMakeLists.txt.
"""
import pathlib
import re
import sys


def read_table(root):
    text = (root / "docs" / "architecture.md").read_text()
    body = text.split("<!-- module-table-begin -->")[1].split("<!-- module-table-end -->")[0]
    allowed = {}
    for line in body.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("module", "") or set(cells[0]) <= set("-"):
            continue
        deps = {d.strip() for d in cells[2].split(",") if d.strip()}
        allowed[cells[0]] = deps
    return allowed


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    allowed = read_table(root)
    include_re = re.compile(r'^\s*#\s*include\s*[<"]biac/([a-z_]+)/')
    errors = []
    src = root / "src" / "biac"
    for module_dir in sorted(p for p in src.iterdir() if p.is_dir()):
        module = module_dir.name
        if module not in allowed:
            errors.append(f"src/biac/{module}: module not in the table of docs/architecture.md")
            continue
        ok = allowed[module] | {module}
        for path in sorted(module_dir.rglob("*")):
            if path.suffix not in (".h", ".cc"):
                continue
            for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                m = include_re.match(line)
                if m and m.group(1) not in ok:
                    errors.append(f"{path.relative_to(root)}:{number}: module '{module}' may not "
                                  f"include '{m.group(1)}' (allowed: {', '.join(sorted(allowed[module])) or 'none'})")
        cmake = module_dir / "CMakeLists.txt"
        if cmake.exists():
            text = cmake.read_text()
            call = re.search(r"biac_module\((.*?)\)", text, re.S)
            if call:
                deps = re.search(r"\bDEPS\b(.*?)(?:\b[A-Z]{4,}\b|$)", call.group(1), re.S)
                for dep in (deps.group(1).split() if deps else []):
                    if dep not in ok:
                        errors.append(f"{cmake.relative_to(root)}: DEPS names '{dep}', which "
                                      f"module '{module}' may not depend on")
    for e in errors:
        print(e)
    print(f"checked {len(allowed)} modules: {len(errors)} violation(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
