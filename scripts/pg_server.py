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


class Server:
    """Control of a running test server: ``stop()`` and ``start()`` again (fault tests), ``env``."""

    def __init__(self, data: Path, folder: Path, port: int, owner: Optional[str], env: Dict[str, str]) -> None:
        self.data, self.folder, self.port, self.owner, self.env = data, folder, port, owner, env

    def _pg_ctl(self, *args: str) -> None:
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.folder} "
                   "-c fsync=off")
        subprocess.run(_as_owner([str(bin_dir() / "pg_ctl"), "-D", str(self.data), "-l",
                                  str(self.folder / "server.log"), "-o", options, *args], self.owner),
                       check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=self.folder)

    def start(self) -> None:
        """Start the server (again) and wait until it accepts connections."""
        self._pg_ctl("-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop it: ``fast`` ends open connections, ``immediate`` is like a crash."""
        self._pg_ctl("-m", mode, "-w", "stop")


@contextlib.contextmanager
def running(port: Optional[int] = None) -> Iterator[Dict[str, str]]:
    """Start a fresh server; yield the ``DB_*`` environment that points the bot at it."""
    with server(port) as started:
        yield started.env


@contextlib.contextmanager
def server(port: Optional[int] = None) -> Iterator[Server]:
    """Start a fresh server; yield its :class:`Server` (``env``, ``stop()``, ``start()``)."""
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
        env = {"DB_DIALECT": "postgresql", "DB_HOST": "127.0.0.1", "DB_PORT": str(port), "DB_NAME": DATABASE,
               "DB_USER": USER, "DB_PASSWORD": password}
        control = Server(data, folder, port, owner, env)
        control.start()
        subprocess.run(_as_owner([str(pg / "createdb"), "-h", str(folder), "-p", str(port), "-U", USER,
                                  DATABASE], owner), **run)
        yield control
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
