#!/bin/sh
# Node with the flags Latch runs with: `npm start` and the container image start Latch through this
# script (`sh bin/latch-node.sh dist/src/main.js [command]`); its arguments go to node.
#
# V8's young generation is sized for the database (docs/performance.md, session 11). On PostgreSQL,
# 64 MB, so the objects each Slack request makes die young under load instead of filling the old
# generation, whose collections paused Latch's answers. With the embedded PGlite, 4 MB: PGlite's
# query results fill a large young generation too, which took Latch over 200 MB resident.
if [ -n "${DATABASE_URL:-}" ]; then young=64; else young=4; fi
exec node --max-semi-space-size="$young" --enable-source-maps "$@"
