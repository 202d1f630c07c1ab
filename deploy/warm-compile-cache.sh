#!/bin/sh
# Fills Node's compile cache ($NODE_COMPILE_CACHE) for this installation, so a new container's
# first start does not compile every module again: deploy/Dockerfile runs it at image build.
# Node keys the cache by each module's absolute path and keeps one folder per uid, so it runs
# from the folder the gateway runs from, as the user who runs it (the image's `node`).
#   usage: sh deploy/warm-compile-cache.sh      (from the package root, NODE_COMPILE_CACHE set)
set -eu
: "${NODE_COMPILE_CACHE:?set NODE_COMPILE_CACHE to the cache folder}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
# `config validate` imports every plugin of the embedded preset and starts none of them; a
# scratch HOME and state dir leave the image's own folders (its volumes) untouched.
HOME="$scratch" MOLTBOT_STATE_DIR="$scratch/state" node bin/moltbot.js config validate >/dev/null
