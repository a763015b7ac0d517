#!/usr/bin/env bash
# Debian's Chromium for the dashboard's browser tests (playwright-core drives it; nothing is
# downloaded by Playwright itself), plus a Hangul font so Korean pages render in screenshots.
# Idempotent: does nothing when both are installed.
set -euo pipefail
PACKAGES=(chromium fonts-nanum)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
((${#missing[@]})) || exit 0
APT=(apt-get -o DPkg::Lock::Timeout=600)
SUDO=()
[ "$(id -u)" -eq 0 ] || SUDO=(sudo)
echo "installing ${missing[*]} (Debian packages)" >&2
export DEBIAN_FRONTEND=noninteractive
# Update the package lists only when a package is not known to apt yet.
if ! "${SUDO[@]}" "${APT[@]}" install -y -qq --no-install-recommends "${missing[@]}" >&2; then
  "${SUDO[@]}" "${APT[@]}" update -qq >&2
  "${SUDO[@]}" "${APT[@]}" install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
