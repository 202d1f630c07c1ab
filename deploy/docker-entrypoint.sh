#!/bin/sh
# Runs before the gateway in the image: a bind-mounted state dir or workspace (the image's two
# VOLUMEs) that this uid cannot write (a host folder owned by another user) stops here with the
# owner's uid and the fix (exit 77, EX_NOPERM), instead of failing later inside the gateway. It never chowns host folders: the image
# runs as a non-root user, and taking over a host user's ~/.clawdbot would lock them out of it.
set -eu
for dir in "${MOLTBOT_STATE_DIR:-$HOME/.clawdbot}" "$HOME/clawd"; do
  [ -e "$dir" ] || continue
  if [ ! -w "$dir" ] || [ ! -x "$dir" ]; then
    owner="$(stat -c '%u:%g' "$dir")"
    me="$(id -u):$(id -g)"
    cat >&2 <<MSG
moltbot: $dir is owned by uid:gid $owner and is not writable by this container's user ($me).
Fix one of:
  - run the container as the folder's owner: docker run --user $owner ...
    (compose: MOLTBOT_UID=${owner%%:*} MOLTBOT_GID=${owner##*:} docker compose -f deploy/docker-compose.yml up -d)
  - or give the folder to the container's user on the host: sudo chown -R $me <host folder mounted at $dir>
MSG
    exit 77
  fi
done
exec node bin/moltbot.js "$@"
