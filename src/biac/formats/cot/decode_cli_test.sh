#!/usr/bin/env bash
# `biac decode --format cot|takproto` end to end on the stream files of testdata/cot/: stdout
# must equal the committed JSON Lines, stderr the committed bad-record lines, the exit status
# 0 (1 with --strict, since the files hold bad records on purpose), and standard input must
# give the same records as the file. Usage: decode_cli_test.sh BIAC REPO_ROOT
set -euo pipefail
biac="$1"
cd "$2"
tmp="$(mktemp -d)"
trap 'rm -rf "${tmp}"' EXIT

check() {
  local format="$1" file="testdata/cot/$2"
  "${biac}" decode --format "${format}" "${file}" >"${tmp}/out" 2>"${tmp}/err" || {
    echo "biac decode --format ${format} ${file}: exit status $?" >&2
    exit 1
  }
  diff -u "${file}.expected.jsonl" "${tmp}/out"
  diff -u "${file}.expected.err" "${tmp}/err"
  "${biac}" decode --format "${format}" - <"${file}" >"${tmp}/stdin_out" 2>/dev/null
  diff -u "${file}.expected.jsonl" "${tmp}/stdin_out"
  if "${biac}" decode --strict --format "${format}" "${file}" >/dev/null 2>&1; then
    echo "biac decode --strict --format ${format} ${file}: expected exit status 1" >&2
    exit 1
  fi
}

check cot cot_stream.xml
check takproto takproto_stream.bin
echo "decode cot/takproto: ok"
