#!/usr/bin/env bash
# Builds deploy/Containerfile with podman and runs the image as docs/deploy.md says: read-only
# root, data in a volume, published on loopback. A secret and a file sent with the command-line
# client through the container come back whole, also after the container is killed (-9) and
# a new one starts on the same volume; the server runs as nonroot (65532). Run by
# scripts/test.sh after the release builds.
#
# No registry is reachable from this machine, so two things stand in for the images the
# Containerfile names (both are build arguments or stages it declares):
# - the `build` stage is replaced (--build-context) by this checkout's release build, laid out
#   where that stage leaves it; the compile steps themselves are the ones scripts/setup.sh runs;
# - the runtime base (`RUNTIME`, distroless/cc) is a scratch image holding the shared libraries
#   the server links to, the nonroot user and /tmp, as distroless/cc does.
# Every other line of the Containerfile (user, volume, ownership, environment, entry point) is
# the one users build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

server=target/release/coffer-server
client=target/release/coffer
[[ -x $server && -x $client && -f dist/index.html ]] || {
    echo "check-container: build the release server, client and dist/ first" >&2
    exit 1
}

# crun 1.8 (Debian 12) refuses this machine's hybrid cgroups, and runc here cannot give the
# container podman's default limits (open files above this shell's hard limit; processes,
# unless set below it): runc, and limits it can set.
files="$(ulimit -Hn)"
[[ $files == unlimited ]] && files=1048576
limits=(--ulimit "nofile=$files:$files" --ulimit nproc=32768:32768)
pod() { podman --runtime runc "$@"; }

tag="coffer-check-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
work="$(mktemp -d)"
containers=()
cleanup() {
    for c in "${containers[@]}"; do pod rm -f -t 0 "$c" >/dev/null 2>&1 || true; done
    pod volume rm -f "$tag-data" >/dev/null 2>&1 || true
    pod rmi -f "localhost/$tag" "localhost/$tag-runtime" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

# The runtime stand-in: the server's shared libraries at their paths, a nonroot user, /tmp.
rootfs="$work/runtime/rootfs"
mkdir -p "$rootfs/etc" "$rootfs/home/nonroot" "$rootfs/tmp"
chmod 1777 "$rootfs/tmp"
for lib in $(ldd "$server" | grep -o '/[^ ]*'); do
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
done
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' \
    > "$rootfs/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$rootfs/etc/group"
printf 'FROM scratch\nCOPY rootfs/ /\nUSER 65532:65532\n' > "$work/runtime/Containerfile"
pod build "${limits[@]}" -q -t "localhost/$tag-runtime" "$work/runtime" >/dev/null

# The build stage's output, where the Containerfile copies it from.
built="$work/built"
mkdir -p "$built/src/target/release"
cp "$server" "$built/src/target/release/"
cp -r dist "$built/src/dist"
mkdir -p "$built/out"
mkdir -m 0700 "$built/out/data"

pod build "${limits[@]}" -q -t "localhost/$tag" -f deploy/Containerfile \
    --build-context "build=$built" --build-arg "RUNTIME=localhost/$tag-runtime" . >/dev/null

user="$(pod image inspect --format '{{.Config.User}}' "localhost/$tag")"
[[ $user == nonroot:nonroot ]] || { echo "check-container: the image runs as '$user'" >&2; exit 1; }

# Both containers answer on one loopback port, the one the links name.
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
url="http://127.0.0.1:$port"
export COFFER_STATE_DIR="$work/cli-state"

# Starts a container on the volume and waits until it is ready.
start() {
    local name="$tag-$1"
    containers+=("$name")
    pod run -d --name "$name" --read-only "${limits[@]}" \
        -p "127.0.0.1:$port:8080" -v "$tag-data:/data" "localhost/$tag" >/dev/null
    for _ in $(seq 100); do
        curl -fsS -o /dev/null "$url/readyz" 2>/dev/null && break
        sleep 0.1
    done
    curl -fsS -o /dev/null "$url/readyz" || { pod logs "$name" >&2; exit 1; }
    [[ "$(pod inspect --format '{{.HostConfig.ReadonlyRootfs}}' "$name")" == true ]]
    local pid
    pid="$(pod inspect --format '{{.State.Pid}}' "$name")"
    grep -Eq '^Uid:\s+65532\s' "/proc/$pid/status" \
        || { echo "check-container: the server does not run as 65532" >&2; exit 1; }
}

start first
# The volume starts as the image's /data: the server's own, closed to everyone else.
volume="$(pod volume inspect --format '{{.Mountpoint}}' "$tag-data")"
[[ "$(stat -c '%u %a' "$volume")" == "65532 700" ]] \
    || { echo "check-container: the data volume is $(stat -c '%u %a' "$volume")" >&2; exit 1; }
curl -fsS "$url/" | grep -q '<html' || { echo "check-container: no web app at /" >&2; exit 1; }
head -c 3000000 /dev/urandom > "$work/file.bin"
text_link="$(echo "kept across kill -9" | "$client" --server "$url" send --quiet --json \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["link"])')"
file_link="$("$client" --server "$url" send --quiet --json "$work/file.bin" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["link"])')"
pod kill -s KILL "$tag-first" >/dev/null
pod wait "$tag-first" >/dev/null || true
pod rm -f "$tag-first" >/dev/null

start second
[[ "$("$client" get --quiet --yes "$text_link")" == "kept across kill -9" ]] \
    || { echo "check-container: the text share did not come back" >&2; exit 1; }
mkdir "$work/out"
"$client" get --quiet --yes -o "$work/out" "$file_link"
cmp "$work/file.bin" "$work/out/file.bin"
echo "check-container: deploy/Containerfile built; the image serves as nonroot on a read-only root and keeps its shares in the volume across kill -9"
