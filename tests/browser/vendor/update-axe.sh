#!/bin/sh
# Fetch axe-core VERSION from npm (npm pack: the registry's tarball, checked against its
# integrity hash) and replace the vendored copy. Usage: tests/browser/vendor/update-axe.sh 4.14.1
set -eu
version="${1:?usage: $0 VERSION}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "axe-core@$version" >/dev/null && tar xzf "axe-core-$version.tgz")
cp "$work/package/axe.min.js" "$work/package/LICENSE" "$work/package/LICENSE-3RD-PARTY.txt" "$here/axe-core/"
sed -i "1s/^axe-core [0-9.]*/axe-core $version/" "$here/axe-core/VERSION.txt"
echo "axe-core $version vendored in $here/axe-core"
