#!/usr/bin/env bash
# Builds a Node 20 base image for the Dockerfile from Debian packages alone, for machines that reach
# Debian's archive but no container registry (the Dockerfile's default base is pulled from one).
# Debian 13 (trixie) packages Node 20.19, which satisfies the workspace's engines (>=20.19), and npm.
#
#   bash deploy/container/node-base-from-debian.sh [TAG]     (as root: debootstrap needs it)
#   docker build --build-arg NODE_IMAGE=TAG -t ganforge:0.1.0 .
#
# TAG defaults to localhost/ganforge-node-base:20. The engine is $CONTAINER_ENGINE, else podman, else
# docker. Needs debootstrap (apt-get install debootstrap); $DEBIAN_MIRROR overrides debootstrap's
# default mirror. Behind a TLS-intercepting proxy, EXTRA_CA_CERTS="a.crt b.crt" adds those PEM
# certificates to the image's trust store, so npm and pnpm can reach the registry from the build.
set -euo pipefail

tag=${1:-localhost/ganforge-node-base:20}
suite=${DEBIAN_SUITE:-trixie}
engine=${CONTAINER_ENGINE:-$(command -v podman || command -v docker || true)}
[ -n "$engine" ] || { echo "node-base-from-debian: no podman or docker found" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "node-base-from-debian: install debootstrap first" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "node-base-from-debian: run as root (debootstrap)" >&2; exit 1; }

rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
# minbase: dpkg, apt, coreutils, passwd (useradd) and little else; then nodejs and npm with apt, which
# resolves npm's many node-* dependencies (debootstrap's --include does not).
debootstrap --variant=minbase --include=ca-certificates "$suite" "$rootfs" ${DEBIAN_MIRROR:+"$DEBIAN_MIRROR"}
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
chroot "$rootfs" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
chroot "$rootfs" apt-get clean
: >"$rootfs/etc/resolv.conf"
for cert in ${EXTRA_CA_CERTS:-}; do
  cp "$cert" "$rootfs/usr/local/share/ca-certificates/$(basename "$cert" .crt).crt"
done
[ -z "${EXTRA_CA_CERTS:-}" ] || chroot "$rootfs" update-ca-certificates >/dev/null
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/tmp/*
chroot "$rootfs" node --version

tar -C "$rootfs" --numeric-owner -c . |
  "$engine" import --change 'CMD ["node"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$tag"
echo "node-base-from-debian: built $tag ($suite, $(chroot "$rootfs" node --version))"
