#!/usr/bin/env bash
# The image's root filesystem: Debian 13 (trixie) minbase with Node.js 20 from Debian's own
# `nodejs` package, made by debootstrap, cached under $IMAGE_CACHE/rootfs and rebuilt only when
# this file changes. A user aspect-stream (uid/gid 10001) that the image runs as.
set -euo pipefail
CACHE="${IMAGE_CACHE:-${ASPECT_STREAM_CACHE:-$HOME/.cache/aspect-stream}/image}"
ROOTFS="$CACHE/rootfs"
STAMP="$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)"
if [[ -f "$ROOTFS/.aspect-stream-rootfs" && "$(cat "$ROOTFS/.aspect-stream-rootfs")" == "$STAMP" ]]; then
  echo "$ROOTFS"; exit 0
fi
rm -rf "$ROOTFS.tmp"; mkdir -p "$CACHE"
debootstrap --variant=minbase --include=nodejs,ca-certificates,tini trixie "$ROOTFS.tmp" http://deb.debian.org/debian >&2
# Nothing the image does not need at run time: package caches, docs, the package manager's state.
rm -rf "$ROOTFS.tmp"/var/cache/apt/archives/*.deb "$ROOTFS.tmp"/var/lib/apt/lists/* \
  "$ROOTFS.tmp"/usr/share/doc/* "$ROOTFS.tmp"/usr/share/man/* "$ROOTFS.tmp"/usr/share/locale/*
echo 'aspect-stream:x:10001:10001:aspect-stream:/nonexistent:/usr/sbin/nologin' >>"$ROOTFS.tmp/etc/passwd"
echo 'aspect-stream:x:10001:' >>"$ROOTFS.tmp/etc/group"
echo "$STAMP" >"$ROOTFS.tmp/.aspect-stream-rootfs"
rm -rf "$ROOTFS"; mv "$ROOTFS.tmp" "$ROOTFS"
echo "$ROOTFS"
