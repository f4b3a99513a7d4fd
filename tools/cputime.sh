#!/bin/bash
# Compiler/linker launcher for build-time measurement: runs the command and appends
# "user sys wall output" to $BIAC_CPULOG (default: <cwd>/cputime.log).
out=""
prev=""
for a in "$@"; do
  if [[ "$prev" == "-o" ]]; then out="$a"; fi
  prev="$a"
done
log="${BIAC_CPULOG:-$PWD/cputime.log}"
exec /usr/bin/time -a -o "$log" -f "%U %S %e $out" "$@"
