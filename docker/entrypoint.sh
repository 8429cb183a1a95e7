#!/bin/sh
# Image entrypoint (under tini, so node never runs as PID 1 and SIGTERM reaches the app's drain
# handler). The app the image was built for (ARG APP) is baked into /app/.app at build time, so the
# image needs no extra environment variable beyond those in libs/config/src/env-spec.ts.
#   docker run IMAGE                   -> node dist/apps/<APP>/main.js
#   docker run IMAGE --migrate-only    -> node dist/apps/<APP>/main.js --migrate-only
#   docker run IMAGE node dist/apps/auth/main.js   -> runs that command as given
set -eu

if [ "$#" -gt 0 ] && [ "${1#-}" = "$1" ]; then
  exec "$@"
fi

app="$(cat /app/.app)"
exec node "dist/apps/${app}/main.js" "$@"
