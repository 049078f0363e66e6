# shellcheck shell=bash disable=SC2034  # variables are used by the scripts that source this
# Shared settings for test/cluster/{build,up,down,smoke}. Sourced, not executed.
#
# Pinned versions. Kubernetes and etcd versions must match test/cluster/tools/go.mod
# (the replace directives there map every k8s.io staging module to v0.${K8S_MINOR}.${K8S_PATCH}).
K8S_VERSION=v1.34.4
ETCD_VERSION=v3.6.4
KWOK_VERSION=v0.8.0
# Release time of k8s.io/kubernetes@$K8S_VERSION as the module proxy reports it (.info "Time");
# used as the buildDate that `kubectl version -o json` / GET /version show.
K8S_RELEASE_DATE=2026-02-10T12:53:36Z

CLUSTER_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOOLS_DIR="$CLUSTER_SRC/tools"

PENNANT_CACHE="${PENNANT_CACHE:-$HOME/.cache/pennant}"
BIN_ROOT="$PENNANT_CACHE/bin"
K8S_BIN="$BIN_ROOT/kubernetes-$K8S_VERSION"
ETCD_BIN="$BIN_ROOT/etcd-$ETCD_VERSION"
KWOK_BIN="$BIN_ROOT/kwok-$KWOK_VERSION"

STATE_DIR="${PENNANT_CLUSTER_DIR:-$HOME/.cache/pennant/cluster}"

# Fixed, overridable ports (all bound to 127.0.0.1).
ETCD_PORT="${PENNANT_ETCD_PORT:-12379}"
ETCD_PEER_PORT="${PENNANT_ETCD_PEER_PORT:-12380}"
APISERVER_PORT="${PENNANT_APISERVER_PORT:-16443}"
KCM_PORT="${PENNANT_KCM_PORT:-16257}"
SCHEDULER_PORT="${PENNANT_SCHEDULER_PORT:-16259}"
KWOK_PORT="${PENNANT_KWOK_PORT:-16247}"

SERVICE_CIDR="${PENNANT_SERVICE_CIDR:-10.0.0.0/24}"
POD_CIDR="${PENNANT_POD_CIDR:-10.244.0.0/16}"
NODE_COUNT="${PENNANT_NODE_COUNT:-2}"
MAX_PODS="${PENNANT_MAX_PODS:-110}"
AUDIT_LOG="${PENNANT_AUDIT_LOG:-0}"
CLIENT_USERS="${PENNANT_CLIENT_USERS:-}"

# Seconds to wait for each component to become healthy.
HEALTH_TIMEOUT="${PENNANT_HEALTH_TIMEOUT:-90}"

# Components in start order; `down` stops them in reverse.
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

log() { printf '[cluster %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# alive PID: the process exists and is not a zombie.
alive() {
  local st
  st="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ -n "$st" && "$st" != Z && "$st" != X ]]
}

# pid_of NAME -> prints the recorded pid if that process is still alive and is
# the binary up started (guards against pid reuse); returns 1 otherwise.
pid_of() {
  local f="$STATE_DIR/pids/$1.pid" pid exe want
  [[ -f "$f" ]] || return 1
  pid="$(cat "$f")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  # up recorded the binary it started next to the pid; a rebuilt (replaced) binary shows up
  # as "<path> (deleted)".
  want="$(cat "$STATE_DIR/pids/$1.exe" 2>/dev/null)" || return 1
  exe="$(readlink "/proc/$pid/exe" 2>/dev/null || true)"
  [[ -n "$want" && ("$exe" == "$want" || "$exe" == "$want (deleted)") ]] || return 1
  printf '%s\n' "$pid"
}

# stop_all: stop every component recorded in $STATE_DIR/pids (reverse order).
# Each component was started with setsid, so its pid is also its process group.
stop_all() {
  local i name pid waited
  [[ -d "$STATE_DIR/pids" ]] || return 0
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
    name="${COMPONENTS[$i]}"
    pid="$(pid_of "$name")" || { rm -f "$STATE_DIR/pids/$name".{pid,exe}; continue; }
    log "stopping $name (pid $pid)"
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    waited=0
    while alive "$pid" && ((waited < 100)); do
      sleep 0.1
      waited=$((waited + 1))
    done
    if alive "$pid"; then
      log "$name did not exit after 10s, sending SIGKILL"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
      sleep 0.2
    fi
    rm -f "$STATE_DIR/pids/$name".{pid,exe}
  done
}

# Helm, for the chart tests (charts/pennant): built by test/cluster/build like the control plane.
HELM_VERSION=v4.3.2
HELM_BIN="$BIN_ROOT/helm-$HELM_VERSION"
