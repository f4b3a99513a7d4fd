#!/usr/bin/env bash
# End-to-end test of `biac label parse|combine|check|table` (docs/labels.md): runs the built
# executable and checks its JSON output, exit codes and one-line errors.
# Usage: label_cli_test.sh PATH_TO_BIAC
set -u
biac="$1"
failures=0

# expect_out NAME EXPECTED_EXIT FRAGMENT -- ARGS...: stdout+stderr must contain FRAGMENT.
expect() {
  local name="$1" code="$2" fragment="$3"
  shift 4
  local out rc
  out="$("$biac" "$@" 2>&1)"
  rc=$?
  if [[ $rc -ne $code ]]; then
    echo "FAIL $name: exit $rc, expected $code: $out"
    failures=$((failures + 1))
  elif [[ "$out" != *"$fragment"* ]]; then
    echo "FAIL $name: output lacks '$fragment': $out"
    failures=$((failures + 1))
  else
    echo "ok   $name"
  fi
}

expect parse-banner 0 '"canonical":"SECRET//REL TO USA, JPN"' -- label parse 'SECRET//REL TO USA, JPN'
expect parse-portion 0 '"canonical":"SECRET//NOFORN"' -- label parse '(S//NF)'
expect parse-visibility 0 '"visibility":"cls:S&(rel:JPN|rel:USA)"' -- label parse 'SECRET//REL TO USA, JPN'
expect parse-jpn-display 0 '"USA":"JPN GOKUHI / equivalent SECRET"' -- \
  label parse '{"policy":"JPN","level":"極秘","categories":{"releasable_to":["JPN","USA"]}}'
expect parse-tokutei-note 0 'TOKUTEI_HIMITSU: no explicit equiv' -- \
  label parse '{"policy":"JPN","level":"特定秘密"}'
expect combine-rule9 0 '"canonical":"SECRET//NOFORN"' -- \
  label combine 'SECRET//REL TO USA, JPN' 'SECRET//REL TO USA, GBR'
expect combine-fvey 0 '"canonical":"SECRET//REL TO USA, GBR"' -- \
  label combine 'SECRET//REL TO USA, FVEY' 'SECRET//REL TO USA, GBR, JPN'
expect combine-two-policies 0 '"originators":[{"policy":"JPN","level":"GOKUHI"},{"policy":"USA","level":"SECRET"}]' -- \
  label combine 'SECRET//REL TO USA, JPN' '{"policy":"JPN","level":"GOKUHI","categories":{"releasable_to":["JPN","USA"]}}'
expect check-deny 0 '"permit":false,"reason":"not releasable to JPN' -- \
  label check --user '{"clearance":"SECRET","nationality":"JPN"}' 'SECRET//NOFORN'
expect check-deny-accumulo 0 '"accumulo_permit":false' -- \
  label check --user '{"clearance":"SECRET","nationality":"JPN"}' 'SECRET//NOFORN'
expect check-permit 0 '"permit":true' -- \
  label check --user '{"clearance":"GOKUHI","nationality":"JPN"}' '(S//REL TO USA, JPN)'
expect check-permit-accumulo 0 '"accumulo_permit":true' -- \
  label check --user '{"clearance":"GOKUHI","nationality":"JPN"}' '(S//REL TO USA, JPN)'
expect reject-foUO 1 "unknown dissemination control 'FOUO'" -- label parse 'SECRET//FOUO'
expect reject-combine-input 1 'input 2:' -- label combine 'SECRET' 'SECRET//REL TO USA'
expect reject-user 1 "user: unknown key 'role'" -- \
  label check --user '{"clearance":"S","nationality":"USA","role":"x"}' 'SECRET'
expect table 0 '"TOKUTEI_HIMITSU"' -- label table

# An error is exactly one line.
lines="$("$biac" label parse 'SECRET//NOFORN/REL TO USA, JPN' 2>&1 >/dev/null | wc -l)"
if [[ "$lines" -ne 1 ]]; then
  echo "FAIL error-one-line: $lines lines"
  failures=$((failures + 1))
fi

if [[ $failures -ne 0 ]]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all passed"
