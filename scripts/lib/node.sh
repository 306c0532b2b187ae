# Node packages for tests that use real clients written by others (sourced by scripts/test.sh; the interop tests run it
# too when the packages are missing). aios_npm_install DIR installs DIR's locked packages from the npm registry
# (npm ci) unless an install newer than package-lock.json is there.
aios_npm_install() {
  local dir="$1"
  if [ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ]; then
    return 0
  fi
  echo "node.sh: npm ci in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
}
