# shellcheck shell=bash
# A throwaway PostgreSQL server for tests and benchmarks, from Debian's `postgresql` binaries.
#
#   source scripts/lib/postgres.sh
#   trap aios_pg_stop EXIT
#   aios_pg_start        # exports AIOS_TEST_POSTGRES (an Npgsql connection string) and AIOS_PG_DIR
#   ...
#   aios_pg_stop         # stops the server and deletes its directory; safe to call more than once
#
# The server runs as an unprivileged user (the `postgres` OS user when we are root, since PostgreSQL refuses to run as
# root; otherwise the current user) from a fresh temporary directory, listens only on 127.0.0.1 on a free port, keeps
# its unix socket inside that directory, and runs with fsync off: the data is thrown away, so durability buys nothing.
# Set AIOS_PG_DURABLE=1 before aios_pg_start for a server with production durability (fsync and synchronous commit on),
# as benchmarks need.

AIOS_PG_USER=aios
AIOS_PG_PASSWORD=aios-test-password
AIOS_PG_DEADLINE_SECONDS=${AIOS_PG_DEADLINE_SECONDS:-60}

# Prints the newest Debian PostgreSQL bin directory, installing the package first when it is missing and we are root.
aios_pg_bindir() {
  local dir
  dir=$(aios_pg_find_bindir)
  if [ -z "$dir" ]; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "postgres.sh: PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb). Install it with" \
        "'sudo apt-get install -y postgresql', or set AIOS_TEST_POSTGRES=<Npgsql connection string> to use an existing server." >&2
      return 1
    fi
    echo "postgres.sh: installing Debian's postgresql package" >&2
    # Debian's postinst creates and starts a cluster of its own unless told not to; we only want the binaries.
    mkdir -p /etc/postgresql-common
    if [ ! -f /etc/postgresql-common/createcluster.conf ]; then
      echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    dir=$(aios_pg_find_bindir)
    if [ -z "$dir" ]; then
      echo "postgres.sh: installed postgresql but found no /usr/lib/postgresql/*/bin/initdb" >&2
      return 1
    fi
  fi
  echo "$dir"
}

# Prints the newest /usr/lib/postgresql/<version>/bin that has the server binaries, or nothing.
aios_pg_find_bindir() {
  local candidate
  for candidate in /usr/lib/postgresql/*/bin; do
    [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ] && echo "$candidate"
  done | sort -V | tail -n 1
}

# Runs a command as the server's OS user.
aios_pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Prints a loopback TCP port that nothing listens on. PostgreSQL binds it moments later; if another process wins the
# port in between, aios_pg_start notices the failed start and tries another.
aios_pg_free_port() {
  local port attempt
  for attempt in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "postgres.sh: found no free loopback port" >&2
  return 1
}

# Server settings for durability: off for tests, PostgreSQL's defaults (fsync, synchronous commit) when AIOS_PG_DURABLE=1.
aios_pg_durability() {
  if [ "${AIOS_PG_DURABLE:-0}" = "1" ]; then
    echo "-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
  else
    echo "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
}

aios_pg_start() {
  local bindir port attempt deadline
  bindir=$(aios_pg_bindir) || return 1
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "postgres.sh: running as root but there is no 'postgres' OS user to run the server as" >&2
    return 1
  fi

  # As root, under /tmp so that the postgres user can reach it whatever TMPDIR says.
  if [ "$(id -u)" -eq 0 ]; then
    AIOS_PG_DIR=$(mktemp -d /tmp/aios-pg.XXXXXX)
    chown postgres: "$AIOS_PG_DIR"
  else
    AIOS_PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/aios-pg.XXXXXX")
  fi
  export AIOS_PG_DIR
  chmod 700 "$AIOS_PG_DIR"

  aios_pg_as_owner sh -c "umask 077; printf '%s\n' '$AIOS_PG_PASSWORD' > '$AIOS_PG_DIR/pwfile'"
  # Trust on loopback keeps the tests free of credential plumbing; the password is set anyway so that connection
  # strings look like production ones and secret-redaction tests have a real password to look for.
  # (The log is written by the server's user too, so that everything in the directory belongs to it.)
  if ! aios_pg_as_owner sh -c 'log=$1; shift; exec "$@" >"$log" 2>&1' sh "$AIOS_PG_DIR/initdb.log" \
      "$bindir/initdb" -D "$AIOS_PG_DIR/data" -U "$AIOS_PG_USER" --pwfile="$AIOS_PG_DIR/pwfile" \
      --auth=trust -E UTF8 --locale=C --no-sync; then
    echo "postgres.sh: initdb failed:" >&2
    cat "$AIOS_PG_DIR/initdb.log" >&2
    return 1
  fi

  for attempt in 1 2 3 4 5; do
    port=$(aios_pg_free_port) || return 1
    # -w: pg_ctl returns once the server accepts connections, or fails as soon as the postmaster exits (e.g. the port
    # was taken after all), in which case we try another port.
    if aios_pg_as_owner "$bindir/pg_ctl" -D "$AIOS_PG_DIR/data" -l "$AIOS_PG_DIR/server.log" -w -t "$AIOS_PG_DEADLINE_SECONDS" \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $AIOS_PG_DIR $(aios_pg_durability) -c max_connections=300" \
      start >/dev/null; then
      deadline=$((SECONDS + AIOS_PG_DEADLINE_SECONDS))
      until "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U "$AIOS_PG_USER" -d postgres -t 2; do
        if [ "$SECONDS" -ge "$deadline" ]; then
          echo "postgres.sh: PostgreSQL started but does not accept TCP connections on 127.0.0.1:$port" >&2
          tail -n 20 "$AIOS_PG_DIR/server.log" >&2 || true
          return 1
        fi
        sleep 0.2
      done
      export AIOS_PG_PORT=$port
      export AIOS_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=$AIOS_PG_USER;Password=$AIOS_PG_PASSWORD;Database=postgres;Timeout=15;Command Timeout=60"
      echo "postgres.sh: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') ready on 127.0.0.1:$port (data in $AIOS_PG_DIR)" >&2
      return 0
    fi
    echo "postgres.sh: PostgreSQL did not start on port $port (attempt $attempt); its log:" >&2
    tail -n 20 "$AIOS_PG_DIR/server.log" >&2 || true
    aios_pg_as_owner "$bindir/pg_ctl" -D "$AIOS_PG_DIR/data" stop -m immediate >/dev/null 2>&1 || true
  done
  echo "postgres.sh: giving up on starting PostgreSQL" >&2
  return 1
}

aios_pg_stop() {
  if [ -z "${AIOS_PG_DIR:-}" ] || [ ! -d "$AIOS_PG_DIR" ]; then
    return 0
  fi
  local bindir
  bindir=$(aios_pg_find_bindir)
  if [ -n "$bindir" ] && [ -f "$AIOS_PG_DIR/data/postmaster.pid" ]; then
    aios_pg_as_owner "$bindir/pg_ctl" -D "$AIOS_PG_DIR/data" stop -m immediate -w -t 30 >/dev/null 2>&1 || true
  fi
  rm -rf "$AIOS_PG_DIR"
  unset AIOS_PG_DIR AIOS_PG_PORT
}
