# shellcheck shell=bash
# A real SMTP server for the connector and scenario tests, from Debian's `python3-aiosmtpd` (sourced by scripts/test.sh).
#
#   source scripts/lib/smtp.sh
#   aios_smtp_ensure     # installs python3-aiosmtpd when it is missing and we are root; exports AIOS_TEST_AIOSMTPD=1
#
# The tests start their own servers ($AIOS_TEST_PYTHON -m aiosmtpd on a free loopback port, with the capturing handler in
# tests/AiOs.Testing/smtp_capture.py), one per test class; this only makes sure the module is there.

# Debian's module is installed for Debian's interpreter; a python3 earlier on PATH (pyenv, a virtualenv) may not see it,
# so the tests run /usr/bin/python3 unless AIOS_TEST_PYTHON names another.
export AIOS_TEST_PYTHON="${AIOS_TEST_PYTHON:-/usr/bin/python3}"

aios_smtp_available() {
  "$AIOS_TEST_PYTHON" -c 'import aiosmtpd' >/dev/null 2>&1
}

aios_smtp_ensure() {
  if aios_smtp_available; then
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "smtp.sh: python3-aiosmtpd is not installed; install it with 'sudo apt-get install -y python3-aiosmtpd'" >&2
    return 1
  fi
  echo "smtp.sh: installing Debian's python3-aiosmtpd package" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-aiosmtpd >&2
  aios_smtp_available || { echo "smtp.sh: installed python3-aiosmtpd but $AIOS_TEST_PYTHON cannot import aiosmtpd" >&2; return 1; }
}
