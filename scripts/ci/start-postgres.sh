#!/usr/bin/env bash
# Start a throwaway PostgreSQL 15 + pgvector server for tests, without Docker.
#
#   1. installs postgresql-15, postgresql-server-dev-15 and build-essential from apt
#      (skipped when already installed);
#   2. builds pgvector from Debian trixie's *source* package through a private apt
#      configuration (own sources list, lists, cache; /etc/apt is only read, never
#      written) using the mirror this machine already uses (skipped when
#      vector.control is already installed);
#   3. initdb in a temporary folder, pg_ctl start on 127.0.0.1 at a high port,
#      creates the database and CREATE EXTENSION vector;
#   4. prints the URL and writes it to $CUECARD_PG_URL_FILE.
#
# Idempotent: a server started by an earlier run that is still up is reused.
# Environment (all optional):
#   CUECARD_PG_PORT      first port to try (default 55432; the next free one is used)
#   CUECARD_PG_DB        database name (default cuecard_test)
#   CUECARD_PG_URL_FILE  where the URL is written (default ${RUNNER_TEMP:-/tmp}/cuecard-ci-pg.url)
#   CUECARD_APT_UPDATED  set to 1 when the caller already ran `apt-get update`
set -euo pipefail

# Debian 12 (bookworm): PostgreSQL 15 from apt, pgvector built from trixie's source
# package. Newer Debian releases ship pgvector as a binary: postgresql-N-pgvector.
CODENAME=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
if [ "$CODENAME" = bookworm ]; then
  PG_MAJOR=${CUECARD_PG_MAJOR:-15}
  PACKAGES=("postgresql-$PG_MAJOR" "postgresql-server-dev-$PG_MAJOR" build-essential)
else
  PG_MAJOR=${CUECARD_PG_MAJOR:-$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n1)}
  PG_MAJOR=${PG_MAJOR:-17}
  PACKAGES=("postgresql-$PG_MAJOR" "postgresql-$PG_MAJOR-pgvector")
fi
PG_BIN=/usr/lib/postgresql/$PG_MAJOR/bin
PG_CONFIG=$PG_BIN/pg_config
PORT=${CUECARD_PG_PORT:-55432}
DB=${CUECARD_PG_DB:-cuecard_test}
STATE_DIR=${RUNNER_TEMP:-/tmp}
URL_FILE=${CUECARD_PG_URL_FILE:-$STATE_DIR/cuecard-ci-pg.url}
DIR_FILE=$URL_FILE.datadir   # remembers the data folder for stop-postgres.sh

log() { printf '[start-postgres] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s; }

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 && SUDO=(sudo) || true
fi

# Run a command as the postgres user when we are root (initdb refuses root).
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

is_installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

# ---------------------------------------------------------------- reuse ------
if [ -f "$DIR_FILE" ] && [ -f "$URL_FILE" ]; then
  old_dir=$(cat "$DIR_FILE")
  if [ -d "$old_dir/data" ] && as_pg "$(cat "$old_dir/pg_bin" 2>/dev/null || echo "$PG_BIN")/pg_ctl" -D "$old_dir/data" status >/dev/null 2>&1; then
    log "reusing the running server in $old_dir"
    cat "$URL_FILE"
    exit 0
  fi
fi

# ------------------------------------------------------- apt packages --------
t0=$(now)
missing=()
for p in "${PACKAGES[@]}"; do
  is_installed "$p" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing: ${missing[*]}"
  if [ "${CUECARD_APT_UPDATED:-0}" != 1 ]; then
    "${SUDO[@]}" apt-get update -qq
  fi
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
  log "apt install took $(( $(now) - t0 )) s"
else
  log "already installed: ${PACKAGES[*]}"
fi
[ -x "$PG_BIN/postgres" ] || die "$PG_BIN/postgres not found"

# ------------------------------------------------------------- pgvector ------
SHAREDIR=/usr/share/postgresql/$PG_MAJOR
if [ -x "$PG_CONFIG" ]; then SHAREDIR=$("$PG_CONFIG" --sharedir); fi
if [ -f "$SHAREDIR/extension/vector.control" ]; then
  log "pgvector already installed ($(grep default_version "$SHAREDIR/extension/vector.control"))"
elif [ "$CODENAME" != bookworm ]; then
  die "vector.control missing under $SHAREDIR although postgresql-$PG_MAJOR-pgvector is installed"
else
  t0=$(now)
  # The mirror URI comes from this machine's own apt sources, read at run time.
  mirror=""
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    mirror=$(awk '
      /^[[:space:]]*$/ { if (uris != "" && !sec) { print uris; exit } ; uris=""; sec=0; next }
      tolower($1) == "uris:" { uris=$2 }
      tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i ~ /-security$/) sec=1 }
      END { if (uris != "" && !sec) print uris }
    ' /etc/apt/sources.list.d/debian.sources | head -n1)
  fi
  if [ -z "$mirror" ]; then
    mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
      | awk '$1 == "deb" || $1 == "deb-src" {
               for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { uri=$i; suite=$(i+1); break }
               if (suite !~ /-security$/ && uri ~ /debian\/?$/) { print uri; exit }
             }')
  fi
  [ -n "$mirror" ] || die "could not read a Debian mirror URI from /etc/apt/sources.list.d/debian.sources or sources.list"
  keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  [ -f "$keyring" ] || die "$keyring missing (package debian-archive-keyring)"

  work=$(mktemp -d /tmp/cuecard-pgvector.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/sourceparts" "$work/src"
  cat > "$work/sources.list" <<SRC
deb-src [signed-by=$keyring] $mirror trixie main
SRC
  apt_private=(
    -o "Dir::Etc::SourceList=$work/sources.list"
    -o "Dir::Etc::SourceParts=$work/sourceparts"
    -o "Dir::State::Lists=$work/lists"
    -o "Dir::Cache=$work/cache"
    -o "Dir::Cache::pkgcache="
    -o "Dir::Cache::srcpkgcache="
    -o "APT::Sandbox::User=root"
  )
  log "fetching the pgvector source package (trixie main, from this machine's own mirror)"
  "${SUDO[@]}" apt-get "${apt_private[@]}" update -qq
  (cd "$work/src" && "${SUDO[@]}" apt-get "${apt_private[@]}" source -qq pgvector >/dev/null)
  srcdir=$(find "$work/src" -mindepth 1 -maxdepth 1 -type d -name 'pgvector-*' | head -n1)
  [ -n "$srcdir" ] || die "apt-get source pgvector produced no pgvector-* folder"
  log "building $(basename "$srcdir") against PostgreSQL $("$PG_CONFIG" --version | awk '{print $2}')"
  # with_llvm=no: skip the JIT bitcode (needs clang, only used for JIT inlining).
  make -s -C "$srcdir" -j"$(nproc)" PG_CONFIG="$PG_CONFIG" with_llvm=no >/dev/null
  "${SUDO[@]}" make -s -C "$srcdir" PG_CONFIG="$PG_CONFIG" with_llvm=no install >/dev/null
  rm -rf "$work"; trap - EXIT
  log "pgvector fetched, built and installed in $(( $(now) - t0 )) s"
fi

# ------------------------------------------------------ initdb + start -------
t0=$(now)
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for _ in $(seq 1 20); do port_busy "$PORT" || break; PORT=$((PORT + 1)); done
port_busy "$PORT" && die "no free port found near ${CUECARD_PG_PORT:-55432}"

pgdir=$(mktemp -d /tmp/cuecard-ci-pg.XXXXXX)
chmod 755 "$pgdir"
if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$pgdir"; fi
as_pg "$PG_BIN/initdb" -D "$pgdir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
  --no-sync >"$pgdir/initdb.log" 2>&1 || { cat "$pgdir/initdb.log" >&2; die "initdb failed"; }
as_pg "$PG_BIN/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 60 start -o \
  "-c listen_addresses=127.0.0.1 -p $PORT -k $pgdir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  >/dev/null || { cat "$pgdir/server.log" >&2; die "pg_ctl start failed"; }
echo "$PG_BIN" > "$pgdir/pg_bin"
echo "$pgdir" > "$DIR_FILE"

psql_q() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres "$@"; }
psql_q -d postgres -c "CREATE DATABASE \"$DB\""
psql_q -d "$DB" -c "CREATE EXTENSION IF NOT EXISTS vector"
version=$(psql_q -d "$DB" -At -c "SELECT extversion FROM pg_extension WHERE extname = 'vector'")
log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') + pgvector $version on 127.0.0.1:$PORT (data $pgdir/data), initdb+start took $(( $(now) - t0 )) s"

url="postgres://postgres@127.0.0.1:$PORT/$DB"
echo "$url" > "$URL_FILE"
echo "$url"
