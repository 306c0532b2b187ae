# shellcheck shell=bash
# Debian's chromium for the dashboard's browser tests (Microsoft.Playwright drives it; Playwright's own browser
# downloads are never used, since they need the internet).
#
#   source scripts/lib/chromium.sh
#   aios_chromium_ensure   # installs Debian's chromium when /usr/bin/chromium is missing and we are root;
#                          # exports AIOS_CHROMIUM (the executable the tests launch)

aios_chromium_ensure() {
  local exe=${AIOS_CHROMIUM:-/usr/bin/chromium}
  if [ ! -x "$exe" ]; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "chromium.sh: $exe is missing. Install it with 'sudo apt-get install -y chromium'," \
        "or set AIOS_CHROMIUM to a Chromium executable." >&2
      return 1
    fi
    echo "chromium.sh: installing Debian's chromium package" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
    if [ ! -x "$exe" ]; then
      echo "chromium.sh: installed chromium but found no $exe" >&2
      return 1
    fi
  fi
  export AIOS_CHROMIUM="$exe"
}
