#!/usr/bin/env bash
# `make demo`: the bundled sample mailbox through the real tools. Works on a copy; the fixture is not changed.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp test/fixtures/sample.mbox "$work/INBOX"
run() {
  printf '\n$ %s\n' "$*"
  "$@"
}
echo "Sample mailbox: test/fixtures/sample.mbox (UW layout: pseudo-message, metadata headers, a new delivery)"
run bin/mailtool check --journal-dir "$work" "$work/INBOX"
run bin/mailtool check --journal-dir "$work" --json "$work/INBOX"
printf '\n$ mailtool append INBOX   (a delivery, from stdin)\n'
printf 'From: demo@example.org\nSubject: delivered by mailtool\n\nFrom here on, this line is quoted in the file.\n' |
  bin/mailtool append --journal-dir "$work" "$work/INBOX"
run bin/mailtool check --journal-dir "$work" "$work/INBOX"
printf '\n$ tail -n 6 INBOX\n'
tail -n 6 "$work/INBOX"
