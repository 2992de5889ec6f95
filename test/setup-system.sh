#!/usr/bin/env bash
# Installs the Debian packages the interop and locking tests run against, when any is missing:
# uw-mailutils (UW's mailutil/tmail/dmail, the on-disk oracle), dovecot-imapd (Dovecot's mbox reader),
# procmail and liblockfile-bin (delivery agents and dotlockfile), libc-client2007e-dev (UW's c-client library and
# headers: test/interop/cclient-oracle.c drives it as UW imapd would; bookworm has no uw-imapd) and a C compiler;
# libcrypt-dev and libpam0g-dev for the native addon (lib/native), openssl for its crypt tests; isync (mbsync) and
# mutt as real IMAP clients (test/interop/imap-clients.test.ts; mutt runs under `script`, Debian bsdutils, for a tty);
# groff to check that the man pages render without warnings (test/unit/install.test.ts).
set -euo pipefail
need=()
for pair in mailutil:uw-mailutils doveadm:dovecot-imapd procmail:procmail dotlockfile:liblockfile-bin cc:gcc \
  flock:util-linux python3:python3 useradd:passwd runuser:util-linux openssl:openssl fetchmail:fetchmail \
  fail2ban-regex:fail2ban chage:passwd mbsync:isync mutt:mutt script:bsdutils groff:groff-base; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
done
[ -e /usr/include/c-client/c-client.h ] || need+=(libc-client2007e-dev)
[ -e /usr/include/crypt.h ] || need+=(libcrypt-dev)
[ -e /usr/include/security/pam_appl.h ] || need+=(libpam0g-dev)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${need[*]} (run as root, or: sudo apt-get install ${need[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Services must not start inside the test machine: policy-rc.d says no, as in a container.
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
