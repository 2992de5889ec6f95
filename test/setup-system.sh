#!/usr/bin/env bash
# Installs the Debian packages the interop and locking tests run against, when any is missing:
# uw-mailutils (UW's mailutil/tmail/dmail, the on-disk oracle), dovecot-imapd (Dovecot's mbox reader),
# procmail and liblockfile-bin (delivery agents and dotlockfile), libc-client2007e-dev (UW's c-client library and
# headers: test/interop/cclient-oracle.c drives it as UW imapd would; bookworm has no uw-imapd) and a C compiler;
# libcrypt-dev and libpam0g-dev for the native addon (lib/native), openssl for its crypt tests; isync (mbsync) and
# mutt as real IMAP clients (test/interop/imap-clients.test.ts; mutt runs under `script`, Debian bsdutils, for a tty),
# with the client libraries libmail-imapclient-perl (Perl's Mail::IMAPClient) and python3-imap-tools (imap_tools,
# run by Debian's /usr/bin/python3);
# groff to check that the man pages render without warnings (test/unit/install.test.ts); strace to kill lock
# holders at an exact system call (test/unit/lock-stale.test.ts); libnss-extrausers, an NSS module that needs no
# server, for accounts that only NSS knows (test/interop/nss-accounts.test.ts adds it to nsswitch.conf for its run).
# The superservers that run our inetd/, xinetd.d/ and systemd/ files in test/interop/superservers.test.ts: xinetd,
# tcpd, systemd's systemd-analyze and systemd-socket-activate, iproute2 (ip netns, ss) and unshare; and Debian's
# openbsd-inetd, which conflicts with xinetd (both provide inet-superserver), so its package is unpacked into
# $OPENBSD_INETD_ROOT instead of installed (its libraries are installed; no second superserver is ever set up).
set -euo pipefail
need=()
for pair in mailutil:uw-mailutils doveadm:dovecot-imapd procmail:procmail dotlockfile:liblockfile-bin cc:gcc \
  flock:util-linux python3:python3 useradd:passwd runuser:util-linux openssl:openssl fetchmail:fetchmail \
  fail2ban-regex:fail2ban chage:passwd mbsync:isync mutt:mutt script:bsdutils xinetd:xinetd tcpd:tcpd ip:iproute2 \
  ss:iproute2 unshare:util-linux systemd-analyze:systemd systemd-socket-activate:systemd groff:groff-base \
  strace:strace; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
done
[ -e /usr/include/c-client/c-client.h ] || need+=(libc-client2007e-dev)
perl -MMail::IMAPClient -e1 >/dev/null 2>&1 || need+=(libmail-imapclient-perl)
[ -e /usr/lib/python3/dist-packages/imap_tools/__init__.py ] || need+=(python3-imap-tools)
[ -e /usr/include/crypt.h ] || need+=(libcrypt-dev)
[ -e /usr/include/security/pam_appl.h ] || need+=(libpam0g-dev)
libs=$(ldconfig -p)
for pair in libbsd.so.0:libbsd0 libevent-2.1.so.7:libevent-2.1-7 libtirpc.so.3:libtirpc3 libwrap.so.0:libwrap0 \
  libsystemd.so.0:libsystemd0 libnss_extrausers.so.2:libnss-extrausers; do
  grep -q "${pair%%:*} " <<<"$libs" || need+=("${pair#*:}")
done
OPENBSD_INETD_ROOT=/opt/uwimap-ts-test/openbsd-inetd
inetd_missing=0
[ -x "$OPENBSD_INETD_ROOT/usr/sbin/inetd" ] || inetd_missing=1
[ ${#need[@]} -eq 0 ] && [ $inetd_missing -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${need[*]}${need[*]:+ }$([ $inetd_missing -eq 1 ] && echo "openbsd-inetd (unpacked into $OPENBSD_INETD_ROOT)") (run as root)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Services must not start inside the test machine: policy-rc.d says no, as in a container.
[ ${#need[@]} -eq 0 ] || apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
if [ $inetd_missing -eq 1 ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root openbsd-inetd)
  mkdir -p "$OPENBSD_INETD_ROOT"
  dpkg-deb -x "$tmp"/openbsd-inetd_*.deb "$OPENBSD_INETD_ROOT"
  rm -rf "$tmp"
fi
