#!/bin/sh
# Writes random secrets for docker-compose.yml if they do not exist yet. The files stay on this machine (.gitignore).
set -eu
cd "$(dirname "$0")"
# Readable by the container user (uid 1654): compose mounts these files as they are. The directory is kept private.
chmod 0700 .
umask 022
for name in db_password cluster_secret; do
  if [ ! -s "$name" ]; then
    # 32 random bytes as hex: over the cluster secret's 16-character minimum, and safe inside a connection string.
    od -An -N32 -tx1 /dev/urandom | tr -d ' \n' > "$name"
    echo "wrote deploy/secrets/$name"
  fi
done
