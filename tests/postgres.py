"""A throwaway PostgreSQL server for the tests: initdb + pg_ctl in a temporary folder.

Debian's ``postgresql`` package (``.ci/run`` installs it) puts the server binaries in
``/usr/lib/postgresql/<major>/bin``. PostgreSQL refuses to run as root, so under root the
cluster belongs to the ``postgres`` user. It listens on a free loopback port, with
password authentication, so a test can check that no message shows the password.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PASSWORD = "s3cret-Pa55/word"  # a '/' so the URL spells it percent-encoded


def server_bin() -> Path | None:
    """The newest installed server's bin folder, or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[4]))
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server() -> Iterator[tuple[int, str]]:
    """Start a cluster; yield (port, superuser name); stop and remove it afterwards."""
    bin_dir = server_bin()
    assert bin_dir is not None
    root = Path(tempfile.mkdtemp(prefix="er-pg-"))
    as_user: list[str] = []
    user = "engagement"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    root.chmod(0o700)
    data, pwfile = root / "data", root / "pw"
    pwfile.write_text(PASSWORD + "\n", encoding="utf-8")
    if as_user:
        shutil.chown(pwfile, "postgres")
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8"}

    def run(*args: str) -> None:
        subprocess.run([*as_user, *args], check=True, capture_output=True, env=env)

    run(
        str(bin_dir / "initdb"),
        "-D",
        str(data),
        "-U",
        user,
        "--auth=scram-sha-256",
        f"--pwfile={pwfile}",
        "-E",
        "UTF8",
    )
    options = f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={root}"
    run(
        str(bin_dir / "pg_ctl"),
        "-D",
        str(data),
        "-o",
        options,
        "-l",
        str(root / "log"),
        "-w",
        "start",
    )
    try:
        yield port, user
    finally:
        subprocess.run(
            [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)
