#!/usr/bin/env bash
# Regenerates the published conformance reports in this folder:
#   moto (in-process) and moto-server, each plain and with --ecr-enforce-model;
#   ministack (PyPI `ministack`, in a venv of its own, since it pins an older botocore);
#   moto-ext (PyPI `moto-ext`, LocalStack's fork of moto, in a venv of its own, since it
#   installs the import package `moto` too);
#   then their side-by-side comparison and the list of contracts no report has passed.
# Usage: bash docs/conformance/run.sh   (from anywhere; needs python3 and PyPI)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
if [ ! -x .venv/bin/pytest ]; then
  python3 -m venv .venv && .venv/bin/pip install -q -e '.[moto,dev]'
fi
ministack_pin=1.5.33
motoext_pin=5.1.54
reports=()
run() {  # name, then pytest-ecr options; a run with failing contracts still writes its report
  local name=$1; shift
  .venv/bin/pytest contracts -q -p no:cacheprovider "$@" \
    --ecr-report-json="$here/$name.json" --ecr-report-html="$here/$name.html" \
    > "$here/$name.log" 2>&1 || true
  test -s "$here/$name.json" || { echo "no report for $name; see $here/$name.log" >&2; exit 1; }
  reports+=("$name")
  echo "$name: $(tail -n 1 "$here/$name.log")"
}
pip_install() {  # venv, requirement...: quiet unless it fails
  local venv=$1; shift
  "$venv/bin/pip" install -q "$@" > "$venv/pip.log" 2>&1 \
    || { cat "$venv/pip.log" >&2; return 1; }
}
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_port() {  # port, pid, name: until something answers on 127.0.0.1:port (20 s at most)
  for _ in $(seq 1 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 1)" 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { echo "$3 exited; see its log" >&2; return 1; }
    sleep 0.2
  done
  echo "$3 did not answer on 127.0.0.1:$1 within 20 s" >&2
  return 1
}

moto=$(.venv/bin/python -c 'import moto; print(moto.__version__)')
run moto --ecr-target=moto --ecr-label="moto $moto"
run moto-enforced --ecr-target=moto --ecr-enforce-model --ecr-label="moto $moto (model enforced)"
# moto-server is also compared with the shipped references (recorded against moto-server):
# the differential mode's own check, which should find no differences.
run moto-server --ecr-target=moto-server --ecr-label="moto-server $moto" \
  --ecr-reference=cassettes
run moto-server-enforced --ecr-target=moto-server --ecr-enforce-model \
  --ecr-label="moto-server $moto (model enforced)"

work=$(mktemp -d)
trap 'kill "${ministack_pid:-0}" "${motoext_pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

python3 -m venv "$work/ministack"
if ! pip_install "$work/ministack" "ministack==$ministack_pin"; then
  echo "ministack $ministack_pin is not on the index; installing the newest" >&2
  pip_install "$work/ministack" ministack
fi
version=$("$work/ministack/bin/pip" show ministack | sed -n 's/^Version: //p')
port=$(free_port)
BIND_HOST=127.0.0.1 GATEWAY_PORT=$port "$work/ministack/bin/ministack" > "$work/ministack.log" 2>&1 &
ministack_pid=$!
wait_port "$port" "$ministack_pid" ministack || { cat "$work/ministack.log" >&2; exit 1; }
echo "ministack $version on 127.0.0.1:$port"
run ministack --ecr-endpoint-url="http://127.0.0.1:$port" --ecr-label="ministack $version" \
  --ecr-reference=cassettes \
  --ecr-reference-deviations=docs/conformance/ministack-reference-deviations.json
echo "$version" > "$here/ministack.version"
kill "$ministack_pid" 2>/dev/null || true

# moto-ext: its moto.__version__ is a stale string (5.1.21.dev), so the label says the
# PyPI version. Operations it does not implement answer a 500 HTML page (Werkzeug's).
python3 -m venv "$work/motoext"
pip_install "$work/motoext" "moto-ext[server]==$motoext_pin"
version=$("$work/motoext/bin/pip" show moto-ext | sed -n 's/^Version: //p')
port=$(free_port)
"$work/motoext/bin/moto_server" -H 127.0.0.1 -p "$port" > "$here/moto-ext-server.log" 2>&1 &
motoext_pid=$!
wait_port "$port" "$motoext_pid" moto-ext || { cat "$here/moto-ext-server.log" >&2; exit 1; }
echo "moto-ext $version on 127.0.0.1:$port"
run moto-ext --ecr-endpoint-url="http://127.0.0.1:$port" --ecr-label="moto-ext $version"
echo "$version" > "$here/moto-ext.version"
kill "$motoext_pid" 2>/dev/null || true

jsons=()
for name in "${reports[@]}"; do jsons+=("$here/$name.json"); done
.venv/bin/pytest-ecr compare "${jsons[@]}" --html "$here/compare.html" > "$here/compare.txt"
cat "$here/compare.txt"

# Contracts that no report here has ever passed: until someone runs them against AWS,
# reasoning from the model and the reference pages is all that checked them. Each line:
# the test, its evidence tier, and its outcome in each report (by report file name).
.venv/bin/python - "$here" "${reports[@]}" <<'PY' > "$here/never-passed.txt"
import json, sys
from collections import Counter
from pathlib import Path
here, names = Path(sys.argv[1]), sys.argv[2:]
reports = {n: json.loads((here / f"{n}.json").read_text()) for n in names}
outcomes = {
    n: {t["nodeid"]: t for t in r["tests"] if t["aspect"] != "reference"}
    for n, r in reports.items()
}
every = set().union(*outcomes.values())
passed = {i for tests in outcomes.values() for i, t in tests.items() if t["outcome"] == "pass"}
never = sorted(every - passed)
labels = ", ".join(r.get("label") or r["target"] for r in reports.values())
print(f"{len(never)} contract tests have never passed against any of: {labels}")
print("failures (fail, unconfirmed, error) among them, per report and evidence tier:")
tiers = ("aws-verified", "documented", "model", "inferred")
for n, tests in outcomes.items():
    failed = [tests[i] for i in never if i in tests and tests[i]["outcome"] in ("fail", "unconfirmed", "error")]
    count = Counter((t.get("evidence") or {}).get("tier", "inferred") for t in failed)
    parts = ", ".join(f"{tier} {count[tier]}" for tier in tiers if count[tier]) or "none"
    print(f"  {n}: {len(failed)} ({parts})")
print()
for nodeid in never:
    tier = next(
        ((t.get("evidence") or {}).get("tier", "inferred") for tests in outcomes.values()
         if (t := tests.get(nodeid))), "inferred")
    cells = " ".join(f"{n}={tests[nodeid]['outcome']}" for n, tests in outcomes.items() if nodeid in tests)
    print(f"{nodeid}  [{tier}] {cells}")
PY
head -n 9 "$here/never-passed.txt"
