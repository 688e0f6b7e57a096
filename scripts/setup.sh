#!/usr/bin/env bash
# Makes a fresh clone ready to run: installs the workspace from the lockfile with pnpm (through npx,
# so only Node and npm need to be on the machine) and builds the browser bundle. With --test (npm test,
# CI) it also installs the Debian packages the tests use (Chromium, Fashion-MNIST) when running as
# root. Idempotent and quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.8
pnpm() { npx -y "pnpm@${PNPM_VERSION}" "$@"; }

# onnxruntime-node's postinstall downloads CUDA libraries from a host that may be unreachable;
# pnpm does not run it (not in onlyBuiltDependencies) and this makes sure npm would not either.
export ONNXRUNTIME_NODE_INSTALL=skip

for_tests=0
[ "${1:-}" = "--test" ] && for_tests=1

# Debian packages: Chromium for the browser tests, Fashion-MNIST for the dataset.
apt_pkgs=()
if [ "$for_tests" = 1 ]; then
  [ -x /usr/bin/chromium ] || apt_pkgs+=(chromium)
  [ -d /usr/share/datasets/fashion-mnist ] || apt_pkgs+=(dataset-fashion-mnist)
  if [ ${#apt_pkgs[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "setup: installing Debian packages: ${apt_pkgs[*]}"
      export DEBIAN_FRONTEND=noninteractive
      apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
      apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${apt_pkgs[@]}" >/dev/null
    else
      echo "setup: note: missing Debian packages (${apt_pkgs[*]}); install them with apt-get as root for the browser tests and Fashion-MNIST" >&2
    fi
  fi
fi

stamp=node_modules/.ganforge-setup
if [ ! -f "$stamp" ] || [ pnpm-lock.yaml -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  echo "setup: installing workspace dependencies (pnpm ${PNPM_VERSION}, frozen lockfile)"
  pnpm install --frozen-lockfile --reporter=append-only | grep -vE '^(Progress|\s*$)' || true
  [ -d node_modules/.pnpm ] || { echo "setup: pnpm install failed" >&2; exit 1; }
  touch "$stamp"
fi

# Browser bundle (packages/web), when the web package has a build script.
if [ -f packages/web/build.mjs ]; then
  node packages/web/build.mjs
fi
