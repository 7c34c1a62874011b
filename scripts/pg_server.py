"""A throw-away PostgreSQL server on loopback, for tests (Debian's postgresql package).

    with pg_server.running() as env:      # env: DB_DIALECT, DB_HOST, DB_PORT, DB_NAME, ...
        ...                               # the bot's tracker store uses it through these

Or from the shell: ``python -m scripts.pg_server`` starts one, prints its variables as
``export`` lines and keeps it running until Ctrl+C.

The cluster lives in a new temporary folder, listens on 127.0.0.1 at a free port (and a
Unix socket inside that folder only), and is deleted afterwards. PostgreSQL refuses to
run as root, so as root the server runs as the ``postgres`` user that the Debian package
creates. The server is installed by ``make services`` (apt) if missing.
"""
from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, Iterator, List, Optional

USER, DATABASE = "rasa", "rasa"


def bin_dir() -> Path:
    """Folder with initdb and pg_ctl of the newest installed PostgreSQL."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not found:
        raise RuntimeError("PostgreSQL server not installed: run `make services` (apt-get install postgresql)")
    return Path(found[-1]).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_owner(cmd: List[str], owner: Optional[str]) -> List[str]:
    return ["runuser", "-u", owner, "--", *cmd] if owner else cmd


@contextlib.contextmanager
def running(port: Optional[int] = None) -> Iterator[Dict[str, str]]:
    """Start a fresh server; yield the ``DB_*`` environment that points the bot at it."""
    pg = bin_dir()
    owner = "postgres" if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="pg-test-"))
    data, password = folder / "data", secrets.token_urlsafe(16)
    pwfile = folder / "pw"
    pwfile.write_text(password + "\n")
    if owner:
        uid, gid = pwd.getpwnam(owner).pw_uid, pwd.getpwnam(owner).pw_gid
        for path in (folder, pwfile):
            os.chown(path, uid, gid)
    port = port or free_port()
    run = dict(check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=folder)
    try:
        subprocess.run(_as_owner([str(pg / "initdb"), "-D", str(data), "-U", USER, f"--pwfile={pwfile}",
                                  "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                                  "--locale=C"], owner), **run)
        options = f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={folder} -c fsync=off"
        subprocess.run(_as_owner([str(pg / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"),
                                  "-o", options, "-w", "-t", "60", "start"], owner), **run)
        subprocess.run(_as_owner([str(pg / "createdb"), "-h", str(folder), "-p", str(port), "-U", USER,
                                  DATABASE], owner), **run)
        yield {"DB_DIALECT": "postgresql", "DB_HOST": "127.0.0.1", "DB_PORT": str(port), "DB_NAME": DATABASE,
               "DB_USER": USER, "DB_PASSWORD": password}
    except subprocess.CalledProcessError as error:
        raise RuntimeError(f"PostgreSQL test server: {' '.join(error.cmd)} failed:\n{error.stdout.decode()}") from error
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(_as_owner([str(pg / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], owner),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=folder)
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    with running() as env:
        for key, value in env.items():
            print(f"export {key}={value}")
        sys.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)


if __name__ == "__main__":
    main()
