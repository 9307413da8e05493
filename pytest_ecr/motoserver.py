"""A moto server in a process of its own, for the ``moto-server`` target.

``ThreadedMotoServer`` in the test process would share moto's backends with in-process
moto: a user's ``mock_aws()`` test would reset the run's repositories, and the run's
would show in the user's. So the server runs here, in a child process that prints
``HOST PORT`` once it listens, and stops when its standard input closes: when the run
stops it, or when the run dies (SIGKILL included), since the pipe closes with it.

    python -m pytest_ecr.motoserver [--enforce]
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pytest_ecr.motoserver")
    parser.add_argument("--enforce", action="store_true", help="Enforce the model (issue 17).")
    args = parser.parse_args(argv)
    from moto.server import ThreadedMotoServer

    # Werkzeug logs a line per request and Flask a traceback per unimplemented action.
    for name in ("werkzeug", "moto.moto_server.werkzeug_app", "flask.app"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    if args.enforce:
        from .enforcement import enforce_server

        enforce_server(server)
    host, port = server.get_host_and_port()
    print(f"{host} {port}", flush=True)
    try:
        sys.stdin.read()  # until the run closes the pipe, or dies
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
