#!/usr/bin/env bash
# `make image`: one OCI image for every service, built without a container engine. Stages:
#   1. root filesystem: Debian trixie minbase + nodejs + tini by debootstrap (image/rootfs.sh, cached);
#   2. application: the tracked runtime sources with each .ts transpiled in place to .js by esbuild
#      (so paths the code resolves from its own location still hold), production dependencies only
#      (npm ci --omit=dev), the model artifact under models/absa, the dashboard's build (ui/dist,
#      from `make ui`; the API serves it under /);
#   3. buildah (vfs storage) FROM scratch: the two copied in, non-root user, entry point, commit,
#      then an OCI archive in dist/image/ whose size is printed.
# Read-only root filesystem: the services write only to /tmp (an emptyDir on Kubernetes).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"
VERSION="$(node -p "require('./package.json').version")"
NAME="aspect-stream:$VERSION"
OUT="$REPO/dist/image"
BUILDAH=(buildah --storage-driver vfs)
export ONNXRUNTIME_NODE_INSTALL_CUDA=skip

need() { command -v "$1" >/dev/null || { apt-get install -y -q -o DPkg::Lock::Timeout=600 "$2" >/dev/null || {
  apt-get update -q -o DPkg::Lock::Timeout=600 >/dev/null && apt-get install -y -q -o DPkg::Lock::Timeout=600 "$2" >/dev/null; }; }; }
need buildah buildah
need debootstrap debootstrap

echo "image: root filesystem"
ROOTFS="$(image/rootfs.sh)"

echo "image: application"
APP="$OUT/app"
rm -rf "$APP"; mkdir -p "$APP"
git ls-files -z common producers stream-processors sinks api schemas models/absa patches package.json package-lock.json image/resolve.mjs \
  | grep -zv -e '\.test\.ts$' -e '\.py$' \
  | xargs -0 cp --parents -t "$APP"
mapfile -d '' sources < <(find "$APP" -name '*.ts' -print0)
node_modules/.bin/esbuild "${sources[@]}" --outdir="$APP" --outbase="$APP" --format=esm --platform=node \
  --target=node20 --log-level=warning
rm -f "${sources[@]}"
(cd "$APP" && npm ci --omit=dev --no-audit --no-fund --loglevel=error >/dev/null)
# onnxruntime-node ships binaries for every platform; the image is linux/x64.
find "$APP/node_modules/onnxruntime-node/bin" -mindepth 2 -maxdepth 2 -not -name linux -exec rm -rf {} +
find "$APP/node_modules/onnxruntime-node/bin" -path '*/linux/*' -mindepth 3 -maxdepth 3 -not -name x64 -exec rm -rf {} +
install -m 0755 image/entrypoint.sh "$APP/image/entrypoint.sh"
# api/ui-static.js resolves ../ui/dist from its own location: /app/ui/dist.
[ -f ui/dist/index.html ] || { echo "image: ui/dist/index.html missing; run make ui" >&2; exit 1; }
mkdir -p "$APP/ui"
cp -r ui/dist "$APP/ui/dist"

echo "image: buildah"
ctr="$("${BUILDAH[@]}" from scratch)"
trap '"${BUILDAH[@]}" rm "$ctr" >/dev/null 2>&1 || true' EXIT
mnt="$("${BUILDAH[@]}" mount "$ctr")"
cp -a "$ROOTFS/." "$mnt/"
rm -f "$mnt/.aspect-stream-rootfs"
cp -a "$APP" "$mnt/app"
chown -R 0:0 "$mnt/app"
ln -sf /app/image/entrypoint.sh "$mnt/usr/local/bin/aspect-stream"
"${BUILDAH[@]}" umount "$ctr" >/dev/null
"${BUILDAH[@]}" config \
  --user 10001:10001 --workingdir /app \
  --env NODE_ENV=production --env ONNXRUNTIME_NODE_INSTALL_CUDA=skip \
  --entrypoint '["/usr/bin/tini", "--", "/usr/local/bin/aspect-stream"]' --cmd help \
  --label org.opencontainers.image.title=aspect-stream --label "org.opencontainers.image.version=$VERSION" \
  --port 8090 --port 8080 --port 9390 --port 9380 --port 9101 --port 9301 --port 9302 --port 9102 "$ctr"
"${BUILDAH[@]}" commit --quiet "$ctr" "$NAME" >/dev/null
rm -f "$OUT/aspect-stream-$VERSION.oci.tar"
"${BUILDAH[@]}" push --quiet "$NAME" "oci-archive:$OUT/aspect-stream-$VERSION.oci.tar:$NAME"
echo "image: $NAME in $OUT/aspect-stream-$VERSION.oci.tar ($(du -h "$OUT/aspect-stream-$VERSION.oci.tar" | cut -f1))"
