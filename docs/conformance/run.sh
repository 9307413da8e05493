#!/usr/bin/env bash
# Regenerates the published conformance reports in this folder:
#   moto (in-process), moto-server, and ministack (PyPI `ministack`, in a venv of its own,
#   since it pins an older botocore), then their side-by-side comparison.
# Usage: bash docs/conformance/run.sh   (from anywhere; needs python3 and PyPI)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
if [ ! -x .venv/bin/pytest ]; then
  python3 -m venv .venv && .venv/bin/pip install -q -e '.[moto,dev]'
fi
run() {  # name, then pytest-ecr options; a run with failing contracts still writes its report
  local name=$1; shift
  .venv/bin/pytest contracts -q -p no:cacheprovider "$@" \
    --ecr-report-json="$here/$name.json" --ecr-report-html="$here/$name.html" \
    > "$here/$name.log" 2>&1 || true
  test -s "$here/$name.json" || { echo "no report for $name; see $here/$name.log" >&2; exit 1; }
  tail -n 1 "$here/$name.log"
}
moto=$(.venv/bin/python -c 'import moto; print(moto.__version__)')
run moto --ecr-target=moto --ecr-label="moto $moto"
# moto-server is also compared with the shipped references (recorded against moto-server):
# the differential mode's own check, which should find no differences.
run moto-server --ecr-target=moto-server --ecr-label="moto-server $moto" \
  --ecr-reference=cassettes

work=$(mktemp -d)
trap 'kill "${ministack_pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
python3 -m venv "$work/ministack"
"$work/ministack/bin/pip" install -q ministack
version=$("$work/ministack/bin/pip" show ministack | sed -n 's/^Version: //p')
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BIND_HOST=127.0.0.1 GATEWAY_PORT=$port "$work/ministack/bin/ministack" > "$work/ministack.log" 2>&1 &
ministack_pid=$!
for _ in $(seq 1 100); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break
  sleep 0.2
done
echo "ministack $version on 127.0.0.1:$port"
run ministack --ecr-endpoint-url="http://127.0.0.1:$port" --ecr-label="ministack $version" \
  --ecr-reference=cassettes \
  --ecr-reference-deviations=docs/conformance/ministack-reference-deviations.json
echo "$version" > "$here/ministack.version"

.venv/bin/pytest-ecr compare "$here/moto.json" "$here/moto-server.json" "$here/ministack.json" \
  --html "$here/compare.html" > "$here/compare.txt"
cat "$here/compare.txt"

# Contracts that no emulator here has ever passed: until someone runs them against AWS,
# reasoning from the model and the reference pages is all that checked them.
.venv/bin/python - "$here" <<'PY' > "$here/never-passed.txt"
import json, sys
from pathlib import Path
here = Path(sys.argv[1])
reports = [json.loads((here / f"{n}.json").read_text()) for n in ("moto", "moto-server", "ministack")]
contracts = [t for r in reports for t in r["tests"] if t["aspect"] != "reference"]
passed = {t["nodeid"] for t in contracts if t["outcome"] == "pass"}
tests = sorted({t["nodeid"] for t in contracts} - passed)
print(f"{len(tests)} contract tests have never passed against moto, moto-server or ministack:")
for nodeid in tests:
    print(nodeid)
PY
head -n 1 "$here/never-passed.txt"
