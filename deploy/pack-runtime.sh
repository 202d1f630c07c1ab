#!/bin/sh
# The image's runtime file set, from the package itself: `npm pack` (the same `files` list npm
# publishes; prepack builds dist/), extracted into DEST, plus the production dependencies pinned
# by package-lock.json. deploy/Dockerfile runs it in its build stage and copies DEST alone into
# the runtime image; test/deploy/docker.test.ts runs it outside Docker and starts the gateway
# from DEST, so a file the package does not ship is missing in both.
#   usage: sh deploy/pack-runtime.sh DEST      (run from the repository root)
set -eu
dest="${1:?usage: sh deploy/pack-runtime.sh DEST}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
npm pack --silent --pack-destination "$work" >/dev/null
mkdir -p "$dest"
tar -xzf "$work"/*.tgz -C "$dest" --strip-components=1 --no-same-owner
# The lockfile pins what `npm ci` installs; it is not part of the package, so it leaves again.
cp package-lock.json "$dest/"
# --ignore-scripts: isolated-vm ships prebuilt binaries (linux x64/arm64) that node-gyp-build
# loads at run time, and no other production dependency needs an install script.
(cd "$dest" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
rm "$dest/package-lock.json"
