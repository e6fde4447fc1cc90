#!/usr/bin/env bash
# Container smoke test (not part of ./mvnw verify): builds src/main/docker/Dockerfile.jvm with podman
# and runs the image twice, on the host network, against a Kafka broker and a PostgreSQL on
# loopback: in replay mode, then in group mode. Each must become ready (/q/health/ready) and open,
# credit and read an account.
#
#   scripts/container-smoke.sh
#
# Without podman it prints why and exits 0. It needs root for debootstrap (below) and a JDK 17+.
#
# Broker and database: by default the embedded development ones (dev.ledger.embedded, from the test
# class path, started by scripts/SmokeServices.java). Give your own instead with
# KAFKA_BOOTSTRAP_SERVERS and, for group mode, QUARKUS_DATASOURCE_REACTIVE_URL (+ _USERNAME,
# _PASSWORD); they must be reachable from the host, as the containers use its network.
#
# Base image: the Dockerfile's FROM is the build argument JAVA_IMAGE. Where registries are out of reach
# (as in this project's sandbox), the script makes a Debian bookworm image with OpenJDK 17 locally
# (debootstrap --variant=minbase, from the apt mirror) and tags it with the name it passes as
# JAVA_IMAGE. Set SMOKE_JAVA_IMAGE to use an image you have instead (e.g.
# registry.access.redhat.com/ubi8/openjdk-17:1.23, pulled beforehand).
#
# Other settings: SMOKE_CACHE (default /var/tmp/ledger-smoke: the debootstrap tree and podman's
# configuration), SMOKE_PORT (default 18080, replay; group uses SMOKE_PORT+1), SMOKE_TIMEOUT (seconds to
# wait for readiness, default 180), SMOKE_KEEP=1 to leave the containers for inspection.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v podman >/dev/null 2>&1; then
    echo "container-smoke: SKIPPED: podman is not installed (Debian: apt-get install podman buildah runc debootstrap)."
    exit 0
fi

CACHE=${SMOKE_CACHE:-/var/tmp/ledger-smoke}
PORT=${SMOKE_PORT:-18080}
GROUP_PORT=$((PORT + 1))
TIMEOUT=${SMOKE_TIMEOUT:-180}
IMAGE=localhost/ledger-jvm:smoke
BASE=${SMOKE_JAVA_IMAGE:-localhost/ledger-smoke/debian-openjdk-17:bookworm}
TOPIC=ledger-smoke-$(date +%s)-$$
RUN_ID=$$
mkdir -p "$CACHE"
WORK=$(mktemp -d)

log() { echo "container-smoke: $*"; }

SERVICES_PID=
cleanup() {
    local status=$?
    if [[ "${SMOKE_KEEP:-0}" != 1 ]]; then
        podman rm -f "ledger-smoke-replay-$RUN_ID" "ledger-smoke-group-$RUN_ID" >/dev/null 2>&1 || true
    fi
    if [[ -n "$SERVICES_PID" ]]; then
        kill "$SERVICES_PID" 2>/dev/null || true
        wait "$SERVICES_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
    if [[ $status -eq 0 ]]; then
        log "PASSED"
    else
        log "FAILED (exit $status)"
    fi
}
trap cleanup EXIT

# Podman in a plain container or VM (no systemd, no Docker engine): runc, cgroupfs, file events, and
# ulimits below the host's hard limits: podman's defaults (nofile 1048576, nproc = the hard limit) are
# refused by runc without CAP_SYS_RESOURCE ("error setting rlimit type 6/7: operation not permitted").
# SMOKE_ULIMITS overrides them (a TOML list).
export CONTAINERS_CONF="$CACHE/containers.conf"
nofile=$(ulimit -Hn)
if [[ "$nofile" == unlimited || "$nofile" -gt 65536 ]]; then nofile=65536; else nofile=$((nofile - 1)); fi
ULIMITS=${SMOKE_ULIMITS:-"\"nofile=$nofile:$nofile\", \"nproc=4096:4096\""}
cat > "$CONTAINERS_CONF" <<EOF
[containers]
default_ulimits = [$ULIMITS]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF

# 1. The application, packaged as the fast-jar the Dockerfile copies.
if [[ ! -f target/quarkus-app/quarkus-run.jar ]]; then
    log "packaging the application (./mvnw package -DskipTests)"
    ./mvnw -B -ntp -q package -DskipTests
fi

# 2. The base image.
if ! podman image exists "$BASE"; then
    if [[ -n "${SMOKE_JAVA_IMAGE:-}" ]]; then
        log "the image SMOKE_JAVA_IMAGE=$BASE is not in podman's store; pull it first"
        exit 1
    fi
    if ! command -v debootstrap >/dev/null 2>&1; then
        log "SKIPPED: no base image $BASE and no debootstrap to make one (apt-get install debootstrap)"
        exit 0
    fi
    rootfs="$CACHE/rootfs"
    if [[ ! -x "$rootfs/usr/bin/java" ]]; then
        mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)\/\{0,1\}$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
        mirror=${mirror:-http://deb.debian.org/debian}
        log "making $BASE: debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm ($mirror)"
        rm -rf "$rootfs"
        debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm "$rootfs" "$mirror" > "$CACHE/debootstrap.log" 2>&1 \
            || { tail -20 "$CACHE/debootstrap.log"; exit 1; }
    fi
    log "importing $rootfs as $BASE"
    tar -C "$rootfs" --exclude=./proc --exclude=./sys --exclude=./dev -c . \
        | podman import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$BASE" >/dev/null
fi

# 3. The image.
log "podman build -f src/main/docker/Dockerfile.jvm --build-arg JAVA_IMAGE=$BASE -t $IMAGE"
started=$SECONDS
podman build --isolation chroot --pull=never -f src/main/docker/Dockerfile.jvm \
    --build-arg "JAVA_IMAGE=$BASE" -t "$IMAGE" . > "$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log"; exit 1; }
log "image built in $((SECONDS - started)) s: $(podman image inspect "$IMAGE" --format '{{.Size}}') bytes, user $(podman image inspect "$IMAGE" --format '{{.Config.User}}')"

# 4. Broker and database.
REACTIVE_URL=${QUARKUS_DATASOURCE_REACTIVE_URL:-}
DB_USER=${QUARKUS_DATASOURCE_USERNAME:-}
DB_PASSWORD=${QUARKUS_DATASOURCE_PASSWORD:-}
BOOTSTRAP=${KAFKA_BOOTSTRAP_SERVERS:-}
wanted=()
[[ -z "$BOOTSTRAP" ]] && wanted+=(kafka)
[[ -z "$REACTIVE_URL" ]] && wanted+=(postgres)
if [[ ${#wanted[@]} -gt 0 ]]; then
    log "starting the embedded ${wanted[*]} on loopback (scripts/SmokeServices.java)"
    [[ -d target/classes/dev/ledger/embedded ]] || ./mvnw -B -ntp -q compile
    ./mvnw -B -ntp -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/classpath"
    java -cp "target/classes:$(cat "$WORK/classpath")" scripts/SmokeServices.java "${wanted[@]}" > "$WORK/services.log" 2>&1 &
    SERVICES_PID=$!
    for _ in $(seq 1 120); do
        grep -q '^READY$' "$WORK/services.log" && break
        kill -0 "$SERVICES_PID" 2>/dev/null || { cat "$WORK/services.log"; exit 1; }
        sleep 1
    done
    grep -q '^READY$' "$WORK/services.log" || { cat "$WORK/services.log"; log "broker/database did not start"; exit 1; }
    if [[ -z "$BOOTSTRAP" ]]; then
        BOOTSTRAP=$(sed -n 's/^KAFKA_BOOTSTRAP_SERVERS=//p' "$WORK/services.log")
    fi
    if [[ -z "$REACTIVE_URL" ]]; then
        REACTIVE_URL="postgresql://127.0.0.1:$(sed -n 's/^POSTGRES_PORT=//p' "$WORK/services.log")/postgres"
        DB_USER=postgres
        DB_PASSWORD=postgres
    fi
fi
log "Kafka at $BOOTSTRAP, PostgreSQL at $REACTIVE_URL, topic $TOPIC"

# 5. The containers.
ready() { # name port
    local name=$1 port=$2 deadline=$((SECONDS + TIMEOUT)) code
    while (( SECONDS < deadline )); do
        if [[ "$(podman inspect -f '{{.State.Running}}' "$name" 2>/dev/null)" != true ]]; then
            podman logs "$name" 2>&1 | tail -40
            log "$name stopped before it was ready"
            return 1
        fi
        code=$(curl -s -o "$WORK/ready.json" -w '%{http_code}' "http://127.0.0.1:$port/q/health/ready" || true)
        if [[ "$code" == 200 ]]; then
            log "$name ready after $((SECONDS - started)) s: $(tr -d '\n ' < "$WORK/ready.json" | cut -c1-300)"
            return 0
        fi
        sleep 1
    done
    podman logs "$name" 2>&1 | tail -40
    log "$name not ready within $TIMEOUT s (last answer: HTTP $code)"
    return 1
}

exercise() { # name port account
    local name=$1 port=$2 account=$3 body
    body=$(curl -sf "http://127.0.0.1:$port/accounts" -H 'Content-Type: application/json' \
        -d "{\"accountId\":\"$account\",\"owner\":\"Smoke\",\"currency\":\"EUR\"}")
    log "$name POST /accounts -> $body"
    body=$(curl -sf "http://127.0.0.1:$port/accounts/$account/deposits" -H 'Content-Type: application/json' -d '{"amount":1234}')
    log "$name POST /accounts/$account/deposits -> $body"
    body=$(curl -sf "http://127.0.0.1:$port/accounts/$account")
    log "$name GET /accounts/$account -> $body"
    [[ "$body" == *'"balance":1234'* ]] || { log "$name: unexpected balance"; return 1; }
    log "$name GET /admin/digest -> $(curl -sf "http://127.0.0.1:$port/admin/digest" | cut -c1-200)"
}

log "replay mode: podman run --network host $IMAGE (port $PORT)"
started=$SECONDS
podman run -d --name "ledger-smoke-replay-$RUN_ID" --network host \
    -e KAFKA_BOOTSTRAP_SERVERS="$BOOTSTRAP" -e LEDGER_TOPIC="$TOPIC" -e QUARKUS_HTTP_PORT="$PORT" \
    -e JAVA_OPTS_APPEND="-Xmx256m" "$IMAGE" >/dev/null
ready "ledger-smoke-replay-$RUN_ID" "$PORT"
exercise "ledger-smoke-replay-$RUN_ID" "$PORT" "smoke-replay"

log "group mode: podman run --network host $IMAGE (port $GROUP_PORT)"
started=$SECONDS
podman run -d --name "ledger-smoke-group-$RUN_ID" --network host \
    -e LEDGER_MODE=group -e KAFKA_BOOTSTRAP_SERVERS="$BOOTSTRAP" -e LEDGER_TOPIC="$TOPIC" \
    -e LEDGER_GROUP_CONSUMER_GROUP="ledger-smoke-$RUN_ID" -e QUARKUS_HTTP_PORT="$GROUP_PORT" \
    -e QUARKUS_DATASOURCE_REACTIVE_URL="$REACTIVE_URL" -e QUARKUS_DATASOURCE_USERNAME="$DB_USER" \
    -e QUARKUS_DATASOURCE_PASSWORD="$DB_PASSWORD" -e JAVA_OPTS_APPEND="-Xmx256m" "$IMAGE" >/dev/null
ready "ledger-smoke-group-$RUN_ID" "$GROUP_PORT"
exercise "ledger-smoke-group-$RUN_ID" "$GROUP_PORT" "smoke-group"
log "container user: $(podman exec "ledger-smoke-group-$RUN_ID" id -u)"
