#!/bin/sh
# Secrets from files: for every environment variable NAME_FILE, sets NAME to the content of that file (one trailing
# newline removed, as editors add one) and unsets NAME_FILE, then runs the command. Docker secrets and Kubernetes Secret
# volumes are files; reading them here keeps secret values out of the compose file, the manifests and `docker inspect`.
#   AiOs__Cluster__Secret_FILE=/run/secrets/aios_cluster_secret  ->  AiOs__Cluster__Secret=<file content>
#   PGPASSWORD_FILE=/run/secrets/aios_db_password                ->  PGPASSWORD (Npgsql's password when the connection string has none)
set -eu

for assignment in $(env | grep -o '^[A-Za-z0-9_]*_FILE=' || true); do
  file_var=${assignment%=}
  target=${file_var%_FILE}
  path=$(printenv "$file_var")
  if [ ! -r "$path" ]; then
    echo "aios-entrypoint: $file_var names '$path', which cannot be read" >&2
    exit 1
  fi
  if [ -n "$(printenv "$target" || true)" ]; then
    echo "aios-entrypoint: both $target and $file_var are set; set only one" >&2
    exit 1
  fi
  # $(cat) drops trailing newlines, so a file written by an editor or `echo` gives the value without them.
  value=$(cat "$path")
  export "$target=$value"
  unset "$file_var"
done

exec "$@"
