# Sourced by the schema tests. run OUT ARGS...: `poolaudit --format $format ARGS >OUT`, where exit 1
# (findings) is expected and 2 and above fail the test. Needs $binary and $format.
run() {
  local out=$1
  shift
  local status=0
  "$binary" --format "$format" "$@" >"$out" || status=$?
  if [ "$status" -gt 1 ]; then
    echo "poolaudit $* exited $status" >&2
    exit 1
  fi
}
