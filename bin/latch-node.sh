#!/bin/sh
# Node with the flags Latch runs with: `npm start` and the container image start Latch through this
# script (`sh bin/latch-node.sh dist/src/main.js [command]`); its arguments go to node.
#
# V8's young generation is sized for the database (docs/performance.md, session 11). On PostgreSQL,
# 64 MB, so the objects each Slack request makes die young under load instead of filling the old
# generation, whose collections paused Latch's answers. With the embedded PGlite, 4 MB: PGlite's
# query results fill a large young generation too, which took Latch over 200 MB resident.
if [ -n "${DATABASE_URL:-}" ]; then young=64; else young=4; fi
# When a thread of its own answers Slack (LATCH_ACK_THREAD; on by default with PostgreSQL), the young
# generation is collected on the thread that made it, without V8's helper threads: they competed
# with that thread for the CPU at every scavenge, and its answers waited for them (docs/performance.md,
# session 17). Socket Mode has no such thread.
scavenge=""
case "${LATCH_ACK_THREAD:-}" in
  on) scavenge="--no-parallel-scavenge" ;;
  off) ;;
  *) if [ -n "${DATABASE_URL:-}" ] && [ -z "${SLACK_APP_TOKEN:-}" ]; then scavenge="--no-parallel-scavenge"; fi ;;
esac
exec node --max-semi-space-size="$young" $scavenge --enable-source-maps "$@"
