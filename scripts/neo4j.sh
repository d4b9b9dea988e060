#!/usr/bin/env bash
# A real Neo4j 5 Community server on 127.0.0.1 for local work and the test suite, from Maven Central.
#
#   eval "$(scripts/neo4j.sh start)"   # build once, start, print the GRAPHSVC_NEO4J_* exports
#   scripts/neo4j.sh stop              # stop it and remove its files
#   scripts/neo4j.sh kill              # SIGKILL, keep the store: `start` again recovers it on the
#                                      # same port (fault tests)
#   scripts/neo4j.sh status            # the exports again, exit 1 when it is not running
#
# Only the export lines go to stdout; progress and errors go to stderr. Settings (environment):
#   GRAPHSVC_NEO4J_SERVER_DIR    state folder (default .neo4j-server/ in the repo): store, log, pid
#   GRAPHSVC_NEO4J_HEAP          JVM heap (default 1g)      GRAPHSVC_NEO4J_PAGECACHE  (default 128m)
#   GRAPHSVC_NEO4J_HEAP_INITIAL  initial heap (default 256m, small for the many test servers);
#                                Neo4j advises the heap itself for servers that load much
#   GRAPHSVC_NEO4J_JAVA_OPTS     JVM flags beside the heap (default: the throughput collector
#                                and a leaner JIT inliner; see start())
#   GRAPHSVC_NEO4J_GDS=1         load OpenGDS from Maven Central as a plugin (gds.* procedures)
#   GRAPHSVC_NEO4J_SERVER_PASSWORD  turn auth on with user neo4j and this password
#   GRAPHSVC_NEO4J_START_TIMEOUT seconds to wait for Bolt (default 180)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MODULE="$ROOT/tools/neo4j-server"
TARGET="$MODULE/target"
STATE="${GRAPHSVC_NEO4J_SERVER_DIR:-$ROOT/.neo4j-server}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

say() { echo "neo4j.sh: $*" >&2; }
die() { say "$*"; exit 1; }

pid_alive() { [ -f "$STATE/pid" ] && kill -0 "$(cat "$STATE/pid")" 2>/dev/null; }

bolt_accepts() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

print_env() {
    echo "export GRAPHSVC_NEO4J_URI=bolt://127.0.0.1:$(cat "$STATE/port")"
    if [ -n "${GRAPHSVC_NEO4J_SERVER_PASSWORD:-}" ]; then
        echo "export GRAPHSVC_NEO4J_USER=neo4j"
        printf 'export GRAPHSVC_NEO4J_PASSWORD=%q\n' "$GRAPHSVC_NEO4J_SERVER_PASSWORD"
    fi
}

show_log() {
    say "---- server log ($STATE/server.log, last 60 lines) ----"
    tail -n 60 "$STATE/server.log" >&2 2>/dev/null || true
    local debug="$STATE/home/logs/debug.log"
    if [ -f "$debug" ] && grep -q -E "ERROR|Exception" "$debug"; then
        say "---- $debug (errors) ----"
        grep -E -A5 "ERROR|Exception" "$debug" | tail -n 40 >&2
    fi
}

# Build once: Maven caches the jars in ~/.m2; classes and copied jars sit in target/ (ignored).
# "plain" puts Neo4j in target/lib; "gds" also puts Neo4j + OpenGDS in target/lib-gds and the
# OpenGDS jars in target/plugins, where Neo4j looks for procedures.
build() {
    local kind="$1" stamp="$TARGET/.built-$1" profile=()
    [ "$kind" = gds ] && profile=(-Pgds)
    if [ -f "$stamp" ] && [ "$stamp" -nt "$MODULE/pom.xml" ] \
            && [ -z "$(find "$MODULE/src" -newer "$stamp" -print -quit)" ]; then
        return 0
    fi
    command -v mvn >/dev/null || die "Maven (mvn) is needed to build the server: apt-get install maven"
    say "building tools/neo4j-server ($kind, once; jars cached in ~/.m2)"
    rm -rf "$TARGET/lib" "$TARGET/lib-gds" "$TARGET/plugins" "$TARGET"/.built-*
    mkdir -p "$TARGET"
    if ! mvn -q -B -f "$MODULE/pom.xml" "${profile[@]}" package >"$TARGET/build.log" 2>&1; then
        tail -n 40 "$TARGET/build.log" >&2
        die "the Maven build failed (full log: $TARGET/build.log)"
    fi
    touch "$TARGET/.built-plain"
    [ "$kind" = gds ] && touch "$stamp"
    return 0
}

start() {
    local kind=plain port=0 password=()
    [ "${GRAPHSVC_NEO4J_GDS:-0}" = 1 ] && kind=gds
    if pid_alive && [ -f "$STATE/port" ] && bolt_accepts "$(cat "$STATE/port")"; then
        say "already running (pid $(cat "$STATE/pid")) with its store in $STATE/home"
        print_env
        return 0
    fi
    if pid_alive; then
        die "a server (pid $(cat "$STATE/pid")) holds $STATE but Bolt does not answer: run '$0 stop'"
    fi
    build "$kind"
    mkdir -p "$STATE/home"
    # Started again after `kill`: the same port and store, so clients can reconnect.
    [ -f "$STATE/port" ] && port="$(cat "$STATE/port")"
    rm -f "$STATE/home/bolt.port"
    local cp="$TARGET/classes:$TARGET/lib/*" plugins=()
    if [ "$kind" = gds ]; then
        cp="$TARGET/classes:$TARGET/lib-gds/*"
        plugins=(--plugins "$TARGET/plugins")
    fi
    [ -n "${GRAPHSVC_NEO4J_SERVER_PASSWORD:-}" ] && password=(--password "$GRAPHSVC_NEO4J_SERVER_PASSWORD")
    # --add-opens and the netty flag are what Neo4j 5 needs on Java 17 outside its own launcher.
    # The throughput collector: on two shared cores G1 held its young generation to ~100 MB to
    # meet its pause goal, and a 20,000-record ingest spent 22 s of 85 s in young collections
    # (ParallelGC: 2-5 s of ~43 s; README, "Neo4j beside the embedded store"). A test server
    # wants throughput, not short pauses.
    # The inliner's limits: a fresh server's C2 compiler threads spent 15-20 s of CPU on its
    # first 20,000-record ingest (as much as the ingest itself) inlining Neo4j's deep Scala
    # call chains. With these limits C2 spent 8 s on it and 2.6 s on a second one (instead of
    # 10), and the server's own work took no longer (README, "Neo4j beside the embedded
    # store"); tighter still (35/3/500) made the work itself slower.
    local default_opts="-XX:+UseParallelGC -XX:FreqInlineSize=60 -XX:MaxInlineLevel=6"
    default_opts+=" -XX:InlineSmallCode=1000"
    # shellcheck disable=SC2206  # flags separated by spaces, as JAVA_OPTS are
    local jvm_opts=(${GRAPHSVC_NEO4J_JAVA_OPTS:-$default_opts})
    setsid "$JAVA" "-Xms${GRAPHSVC_NEO4J_HEAP_INITIAL:-256m}" "-Xmx${GRAPHSVC_NEO4J_HEAP:-1g}" -XX:+ExitOnOutOfMemoryError \
        "${jvm_opts[@]}" \
        --add-opens=java.base/java.nio=ALL-UNNAMED \
        --add-opens=java.base/java.io=ALL-UNNAMED \
        --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
        --add-opens=java.base/java.lang=ALL-UNNAMED \
        --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
        -Dio.netty.tryReflectionSetAccessible=true \
        -cp "$cp" graphsvc.neo4jserver.Main --home "$STATE/home" --port "$port" \
        --pagecache "${GRAPHSVC_NEO4J_PAGECACHE:-128m}" "${plugins[@]}" "${password[@]}" \
        </dev/null >"$STATE/server.log" 2>&1 &
    echo $! >"$STATE/pid"
    say "starting Neo4j (pid $!, log $STATE/server.log)"
    local waited=0 limit="${GRAPHSVC_NEO4J_START_TIMEOUT:-180}"
    # READY is printed after bolt.port is written, once the databases are up.
    until grep -qs '^READY' "$STATE/server.log" && bolt_accepts "$(cat "$STATE/home/bolt.port")"; do
        if ! pid_alive; then
            show_log
            rm -f "$STATE/pid"
            die "the server exited before Bolt accepted a connection"
        fi
        if [ "$waited" -ge "$limit" ]; then
            show_log
            kill -KILL "$(cat "$STATE/pid")" 2>/dev/null || true
            rm -f "$STATE/pid"
            die "Bolt did not accept a connection within ${limit}s"
        fi
        sleep 1
        waited=$((waited + 1))
    done
    cp "$STATE/home/bolt.port" "$STATE/port"
    say "ready after ${waited}s: $(grep READY "$STATE/server.log" | tail -n 1)"
    print_env
}

wait_gone() {  # pid, seconds
    local i
    for ((i = 0; i < $2 * 10; i++)); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.1
    done
    return 1
}

stop() {
    if pid_alive; then
        local pid
        pid="$(cat "$STATE/pid")"
        kill -TERM "$pid"
        if ! wait_gone "$pid" 60; then
            say "no clean stop within 60s: killing pid $pid"
            kill -KILL "$pid" 2>/dev/null || true
            wait_gone "$pid" 10 || die "pid $pid survived SIGKILL"
        fi
        say "stopped pid $pid"
    fi
    rm -rf "$STATE"
}

hard_kill() {
    pid_alive || die "no server is running in $STATE"
    local pid
    pid="$(cat "$STATE/pid")"
    kill -KILL "$pid"
    wait_gone "$pid" 10 || die "pid $pid survived SIGKILL"
    rm -f "$STATE/pid"
    say "killed pid $pid; its store stays in $STATE/home for '$0 start'"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    kill) hard_kill ;;
    status)
        if pid_alive && [ -f "$STATE/port" ] && bolt_accepts "$(cat "$STATE/port")"; then
            print_env
        else
            say "not running"
            exit 1
        fi
        ;;
    build) build "$([ "${GRAPHSVC_NEO4J_GDS:-0}" = 1 ] && echo gds || echo plain)" ;;
    *)
        echo "usage: $0 start|stop|kill|status|build   (example: eval \"\$($0 start)\")" >&2
        exit 2
        ;;
esac
