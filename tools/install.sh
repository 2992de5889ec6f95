#!/usr/bin/env bash
# `make install` and `make uninstall` (the Makefile passes the directories; see its install section).
#
#   tools/install.sh install     copies the programs, the library, the man pages and the service files under
#                                $DESTDIR, and records every file it wrote in $PKGLIBDIR/install-manifest
#   tools/install.sh uninstall   removes exactly the files that manifest lists, then the directories install
#                                created that are left empty (a reinstall keeps the earlier entries listed)
#
# What goes where:
#   $SBINDIR/imapd, $SBINDIR/ipop3d, $BINDIR/mailtool   small scripts naming the absolute node and $PKGLIBDIR
#   $PKGLIBDIR/dist/bundle/bin/   the bundles and start-up snapshots `make build` made, and what made them:
#                                 node.id, node.stamp (see tools/bundle.mjs)
#   $PKGLIBDIR/build/uwimap-native.node, $PKGLIBDIR/node_modules/{fs-ext,@node-rs}   the native parts
#   $MANDIR/man8/{imapd,ipop3d,mailtool}.8
#   $DOCDIR/   README.md and whatever inetd/ holds (inetd.conf lines)
#   $SYSCONFDIR/xinetd.d/   whatever xinetd.d/ holds (services shipped with `disable = yes`, so installing them
#                           starts nothing); an existing file that differs is kept and ours goes beside it as
#                           NAME.new (xinetd ignores names with a dot)
#   $SYSTEMDUNITDIR/   whatever systemd/ holds (units are not enabled)
# In every service file and in the doc files, /usr/local/sbin, /usr/local/bin, /usr/local/lib/uwimap-ts and
# /usr/local/etc (the defaults the files are written with) become $SBINDIR, $BINDIR, $PKGLIBDIR and $SYSCONFDIR.
# The service file directories may be missing or empty; SERVICE_FILES_FROM names another directory holding them
# (the install test uses it; default: the repository).
set -euo pipefail
cd "$(dirname "$0")/.."

: "${PREFIX:?}" "${SBINDIR:?}" "${BINDIR:?}" "${PKGLIBDIR:?}" "${MANDIR:?}" "${DOCDIR:?}" "${SYSCONFDIR:?}" \
  "${SYSTEMDUNITDIR:?}" "${NODE_ABS:?}"
DESTDIR=${DESTDIR-}
MANIFEST=$PKGLIBDIR/install-manifest
BUNDLE=dist/bundle/bin
SRC=${SERVICE_FILES_FROM:-.}

substitute() {
  sed -e "s|/usr/local/sbin|$SBINDIR|g" -e "s|/usr/local/bin|$BINDIR|g" \
    -e "s|/usr/local/lib/uwimap-ts|$PKGLIBDIR|g" -e "s|/usr/local/etc|$SYSCONFDIR|g" "$1"
}

installed=()
# put MODE SOURCE TARGET: installs SOURCE as $DESTDIR$TARGET and records TARGET, and before it each directory
# it had to create (as DIR/), so that uninstall removes those and no directory that was there before.
put() {
  local d=${3%/*} new=()
  while [ -n "$d" ] && [ ! -d "$DESTDIR$d" ]; do
    new=("$d/" "${new[@]}")
    d=${d%/*}
  done
  install -D -m "$1" "$2" "$DESTDIR$3"
  installed+=("${new[@]}" "$3")
}

# A server's start-up script: the snapshot when node is the binary that made it, else the bundle (bin/imapd
# explains each line; this is the same script with the installed paths). When $NODE_ABS is a link, the binary it
# named at build time ($node_real) must be the one it names now (-ef: same device and inode): a link moved to
# another Node may find one with the same mtime (npm's tarballs date every file 1985-10-26).
server_shim() {
  local name=$1 lib=$PKGLIBDIR/$BUNDLE same=
  [ "$node_real" = "$NODE_ABS" ] || same="[ '$NODE_ABS' -ef '$node_real' ] && "
  cat <<EOF
#!/bin/sh
# $name: uwimap-ts, installed by \`make install\`; see $name(8). Starts the bundle $lib/$name.cjs from its
# start-up snapshot when $NODE_ABS is the node binary that made it (the mtime of node.stamp), else the bundle
# itself, which logs to syslog why (a Node.js upgrade: run \`make install\` again in the source tree).
case \${0##*/} in s*) set -- -S "\$@" ;; esac
if [ -r '$lib/$name.blob' ] && $same! [ '$NODE_ABS' -nt '$lib/node.stamp' ] && ! [ '$NODE_ABS' -ot '$lib/node.stamp' ]; then
  exec '$NODE_ABS' --max-semi-space-size=4 --snapshot-blob '$lib/$name.blob' "\$0" "\$@" 2>/dev/null
fi
exec '$NODE_ABS' --max-semi-space-size=4 '$lib/$name.cjs' "\$@" 2>/dev/null
EOF
}

# What is installed must have been built for $NODE_ABS, the node the programs will run: the snapshots made by it
# (the identity tools/bundle.mjs recorded, tools/node-id.mjs) and fs-ext loadable by it. `make install` rebuilds
# both first when the node changed; this catches an install run by hand, or with another node.
check_built_for_node() {
  local now
  now=$("$NODE_ABS" tools/node-id.mjs) || { echo "$NODE_ABS does not run" >&2; exit 1; }
  if [ "$now" != "$(cat "$BUNDLE/node.id")" ]; then
    printf '%s\n' "the snapshots in $BUNDLE were made by another node than $NODE_ABS: run make install (or" \
      "make rebuild) with NODE=$NODE_ABS. They were made by:" "$(cat "$BUNDLE/node.id")" "and $NODE_ABS is:" "$now" >&2
    exit 1
  fi
  if ! "$NODE_ABS" -e 'require(process.argv[1])' "$PWD/node_modules/fs-ext"; then
    echo "node_modules/fs-ext does not load in $NODE_ABS: run make rebuild with NODE=$NODE_ABS" >&2
    exit 1
  fi
}

do_install() {
  local f name
  for f in $BUNDLE/imapd.cjs $BUNDLE/ipop3d.cjs $BUNDLE/mailtool.cjs $BUNDLE/node.id $BUNDLE/node.stamp \
    build/uwimap-native.node; do
    [ -e "$f" ] || { echo "$f is missing: run make build" >&2; exit 1; }
  done
  check_built_for_node
  node_real=$(sed -n 's/^path=//p' "$BUNDLE/node.id")
  tmp=$(mktemp -d) # global: the EXIT trap runs after this function has returned
  trap 'rm -rf "$tmp"' EXIT

  for f in $BUNDLE/*.cjs $BUNDLE/*.blob; do put 644 "$f" "$PKGLIBDIR/$f"; done
  put 755 build/uwimap-native.node "$PKGLIBDIR/build/uwimap-native.node"
  # The bundles hold everything else; only the native packages are loaded from node_modules.
  while IFS= read -r f; do
    put "$([ -x "$f" ] && echo 755 || echo 644)" "$f" "$PKGLIBDIR/$f"
  done < <(find node_modules/fs-ext/package.json node_modules/fs-ext/fs-ext.js node_modules/fs-ext/build/Release \
    -maxdepth 1 -type f; find node_modules/@node-rs -type f)
  # What made the snapshots, checked above to be $NODE_ABS: the stamp keeps the mtime bundle.mjs gave it.
  put 644 "$BUNDLE/node.id" "$PKGLIBDIR/$BUNDLE/node.id"
  put 644 "$BUNDLE/node.stamp" "$PKGLIBDIR/$BUNDLE/node.stamp"
  touch -r "$BUNDLE/node.stamp" "$DESTDIR$PKGLIBDIR/$BUNDLE/node.stamp" # install(1) gave it the time of the copy

  for name in imapd ipop3d; do
    server_shim "$name" > "$tmp/$name"
    put 755 "$tmp/$name" "$SBINDIR/$name"
  done
  printf '#!%s\n// mailtool: uwimap-ts, installed by `make install`; see mailtool(8).\nimport("%s");\n' \
    "$NODE_ABS" "$PKGLIBDIR/$BUNDLE/mailtool.cjs" > "$tmp/mailtool"
  put 755 "$tmp/mailtool" "$BINDIR/mailtool"

  for f in man/*.8; do put 644 "$f" "$MANDIR/man8/${f##*/}"; done
  substitute README.md > "$tmp/README.md"
  put 644 "$tmp/README.md" "$DOCDIR/README.md"
  for f in "$SRC"/inetd/*; do
    [ -f "$f" ] || continue
    substitute "$f" > "$tmp/doc"
    put 644 "$tmp/doc" "$DOCDIR/${f##*/}"
  done
  for f in "$SRC"/systemd/*; do
    [ -f "$f" ] || continue
    substitute "$f" > "$tmp/unit"
    put 644 "$tmp/unit" "$SYSTEMDUNITDIR/${f##*/}"
  done
  for f in "$SRC"/xinetd.d/*; do
    [ -f "$f" ] || continue
    name=${f##*/}
    substitute "$f" > "$tmp/service"
    if [ -e "$DESTDIR$SYSCONFDIR/xinetd.d/$name" ] && ! cmp -s "$tmp/service" "$DESTDIR$SYSCONFDIR/xinetd.d/$name"; then
      echo "kept $DESTDIR$SYSCONFDIR/xinetd.d/$name (it differs from ours); ours is $name.new beside it"
      name=$name.new
    fi
    put 644 "$tmp/service" "$SYSCONFDIR/xinetd.d/$name"
  done

  # Over an earlier install, its entries stay listed (first, so that its directories are removed last), when
  # they still exist: directories it created, and files of it this install did not replace.
  {
    if [ -f "$DESTDIR$MANIFEST" ]; then
      while IFS= read -r f; do [ -e "$DESTDIR$f" ] && printf '%s\n' "$f"; done < "$DESTDIR$MANIFEST"
    fi
    printf '%s\n' "${installed[@]}" "$MANIFEST"
  } | awk '!seen[$0]++' > "$tmp/manifest"
  install -D -m 644 "$tmp/manifest" "$DESTDIR$MANIFEST"
  echo "installed ${#installed[@]} files and directories under ${DESTDIR:-/} (all listed in $DESTDIR$MANIFEST)"
}

do_uninstall() {
  local f i
  if [ ! -f "$DESTDIR$MANIFEST" ]; then
    echo "nothing to uninstall: $DESTDIR$MANIFEST does not exist" >&2
    exit 0
  fi
  mapfile -t files < "$DESTDIR$MANIFEST"
  for f in "${files[@]}"; do
    case $f in */) ;; *) rm -f "$DESTDIR$f" ;; esac
  done
  # The directories install created, deepest (last recorded) first; one that holds something else now stays.
  for ((i = ${#files[@]} - 1; i >= 0; i--)); do
    f=${files[i]}
    case $f in */) rmdir "$DESTDIR$f" 2>/dev/null || echo "kept $DESTDIR$f (not empty)" ;; esac
  done
  echo "removed what $DESTDIR$MANIFEST listed"
}

case ${1-} in
  install) do_install ;;
  uninstall) do_uninstall ;;
  *) echo "usage: $0 install|uninstall" >&2; exit 2 ;;
esac
