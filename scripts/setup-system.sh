#!/usr/bin/env bash
# Idempotent system setup for nyxcore dev/CI hosts (Debian bookworm, run as root):
#   1. pgvector built from Debian trixie *source* package into system PostgreSQL 15
#   2. Debian chromium
#   3. PostgreSQL 15 + Redis running
# Safe to re-run; a second run only performs cheap checks.
# Usage: scripts/setup-system.sh [pgvector|chromium|postgres|redis …]   (default: all)
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

PG_MAJOR=15
PG_CONFIG_BIN="/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config"
PGVECTOR_CONTROL="/usr/share/postgresql/${PG_MAJOR}/extension/vector.control"
PGVECTOR_LIB="/usr/lib/postgresql/${PG_MAJOR}/lib/vector.so"
TRIXIE_SRC_LIST="/etc/apt/sources.list.d/nyxcore-trixie-src.sources"
KEYRING="/usr/share/keyrings/debian-archive-keyring.gpg"

log() { echo "[setup] $*"; }
die() { echo "[setup] ERROR: $*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "must run as root"

APT_UPDATED=0
apt_update_once() {
  if [[ $APT_UPDATED -eq 0 ]]; then
    log "apt-get update"
    apt-get update -qq
    APT_UPDATED=1
  fi
}

apt_install() {
  apt_update_once
  log "apt-get install $*"
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# ---------------------------------------------------------------------------
# 1. pgvector
# ---------------------------------------------------------------------------
ensure_trixie_src() {
  # deb-src ONLY: no trixie binaries can ever be installed from this entry.
  local want
  want=$(cat <<SRC
# Managed by scripts/setup-system.sh: trixie *source* packages only (pgvector).
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: ${KEYRING}
SRC
)
  if [[ ! -f $TRIXIE_SRC_LIST ]] || [[ "$(cat "$TRIXIE_SRC_LIST")" != "$want" ]]; then
    log "writing $TRIXIE_SRC_LIST (deb-src trixie)"
    printf '%s\n' "$want" > "$TRIXIE_SRC_LIST"
    APT_UPDATED=0   # new source -> lists must be refreshed
  fi
}

ensure_trixie_keys() {
  # debian-archive-keyring >= 2023.3 (bookworm) ships the trixie signing keys.
  if [[ ! -f /usr/share/keyrings/debian-archive-trixie-stable.gpg ]]; then
    log "keyring lacks trixie keys; upgrading debian-archive-keyring from bookworm"
    # Temporarily hide the trixie entry so the bookworm update cannot fail on it.
    if [[ -f $TRIXIE_SRC_LIST ]]; then mv "$TRIXIE_SRC_LIST" "$TRIXIE_SRC_LIST.off"; fi
    apt_update_once
    apt-get install -y -qq debian-archive-keyring >/dev/null
    if [[ -f $TRIXIE_SRC_LIST.off ]]; then mv "$TRIXIE_SRC_LIST.off" "$TRIXIE_SRC_LIST"; fi
    APT_UPDATED=0   # trixie Sources still need fetching (only extra refresh, rare path)
    [[ -f /usr/share/keyrings/debian-archive-trixie-stable.gpg ]] \
      || die "debian-archive-keyring still has no trixie keys"
  fi
}

ensure_pgvector() {
  if [[ -f $PGVECTOR_CONTROL && -f $PGVECTOR_LIB ]]; then
    log "pgvector already installed ($(sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$PGVECTOR_CONTROL")), skipping"
    return
  fi
  log "pgvector missing: building from Debian trixie source package"

  ensure_trixie_keys
  ensure_trixie_src
  apt_update_once   # single refresh, includes the trixie Sources index
  # postgresql-server-dev-15 pulls clang-14/llvm-14-dev (needed for JIT bitcode install).
  apt_install postgresql-server-dev-${PG_MAJOR} build-essential dpkg-dev

  local tmp
  tmp=$(mktemp -d /tmp/pgvector-build.XXXXXX)
  # shellcheck disable=SC2064
  trap "rm -rf '$tmp'" EXIT
  chown _apt "$tmp" 2>/dev/null || true   # lets apt download sandboxed (no root warning)

  log "apt-get source --download-only pgvector"
  (cd "$tmp" && apt-get source -qq --download-only pgvector >/dev/null)
  local dscs=("$tmp"/pgvector_*.dsc) dsc
  dsc=${dscs[0]}
  [[ -f $dsc ]] || die "pgvector .dsc not downloaded"
  log "extracting $(basename "$dsc")"
  # apt already verified checksums against the signed Sources index;
  # dpkg-source only lacks debian-keyring for the uploader signature.
  (cd "$tmp" && dpkg-source --no-check -x "$dsc" src >/dev/null)

  log "building pgvector (PG_CONFIG=$PG_CONFIG_BIN)"
  # OPTFLAGS="" : portable build (no -march=native), same as Debian's packaging.
  make -s -C "$tmp/src" PG_CONFIG="$PG_CONFIG_BIN" OPTFLAGS="" -j"$(nproc)" >/dev/null
  make -s -C "$tmp/src" PG_CONFIG="$PG_CONFIG_BIN" OPTFLAGS="" install >/dev/null

  [[ -f $PGVECTOR_CONTROL && -f $PGVECTOR_LIB ]] || die "pgvector install failed"
  log "pgvector $(sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$PGVECTOR_CONTROL") installed"
  rm -rf "$tmp"
  trap - EXIT
}

# ---------------------------------------------------------------------------
# 2. chromium
# ---------------------------------------------------------------------------
ensure_chromium() {
  if [[ -x /usr/bin/chromium ]]; then
    log "chromium already installed, skipping"
    return
  fi
  apt_update_once
  log "apt-get install chromium"
  apt-get install -y -qq chromium >/dev/null
  [[ -x /usr/bin/chromium ]] || die "chromium install failed"
}

# ---------------------------------------------------------------------------
# 3. services
# ---------------------------------------------------------------------------
ensure_postgres() {
  if pg_isready -q -h 127.0.0.1; then
    log "postgresql running"
    return
  fi
  log "starting postgresql ${PG_MAJOR}/main"
  pg_ctlcluster --skip-systemctl-redirect "${PG_MAJOR}" main start
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 && { log "postgresql running"; return; }
    sleep 1
  done
  die "postgresql did not become ready"
}

redis_ok() { [[ "$(redis-cli -h 127.0.0.1 ping 2>/dev/null)" == "PONG" ]]; }

ensure_redis() {
  if redis_ok; then
    log "redis running"
    return
  fi
  log "starting redis-server"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
    --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 30); do
    redis_ok && { log "redis running"; return; }
    sleep 0.5
  done
  die "redis did not respond to PING"
}

# With no arguments do everything; otherwise only the named steps, e.g. `setup-system.sh chromium`.
steps=("$@")
[[ ${#steps[@]} -gt 0 ]] || steps=(pgvector chromium postgres redis)
for step in "${steps[@]}"; do
  case $step in
    pgvector) ensure_pgvector ;;
    chromium) ensure_chromium ;;
    postgres) ensure_postgres ;;
    redis) ensure_redis ;;
    *) die "unknown step '$step' (pgvector|chromium|postgres|redis)" ;;
  esac
done
log "done"
