"""The managed server's password: made once, kept in a file only the user can read, and
handed to ``neo4j-admin`` without ever appearing on a command line (``ps`` shows those to
every user of the machine)."""

from __future__ import annotations

import os
import re
import secrets
import stat
import subprocess
from pathlib import Path

from graph import GraphError
from graph.server.config import ADMIN_CLASS, ServerConfig

__all__ = ["PasswordFileExists", "read_password", "create_password_file",
           "set_initial_password"]

# what token_urlsafe makes; neo4j-admin's argument files need no quoting for it
_SAFE = re.compile(r"[A-Za-z0-9_-]{8,200}")


class PasswordFileExists(GraphError):
    """A password file is there already and is not ours to overwrite."""


def read_password(config: ServerConfig) -> str:
    try:
        return config.password_file.read_text().strip()
    except FileNotFoundError:
        raise GraphError(
            f"no password file at {config.password_file}: start the server with "
            "'tracegraph neo4j start' first"
        ) from None


def create_password_file(path: Path, password: str) -> None:
    """Write ``password`` to a new file of mode 0600; never replaces an existing file (nor
    follows a link planted in its place)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        raise PasswordFileExists(
            f"{path} exists already: tracegraph does not overwrite a password file"
        ) from None
    with os.fdopen(fd, "w") as fh:
        os.fchmod(fh.fileno(), 0o600)  # whatever the umask
        fh.write(password + "\n")


def _reusable(path: Path) -> str:
    """The password of a file left by an earlier start whose data directory is gone: only
    when it is a plain file of ours that nobody else can read or write."""
    info = path.lstat()
    if (not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid()
            or info.st_mode & 0o077):
        raise PasswordFileExists(
            f"{path} is not a private file of yours (mode {stat.filemode(info.st_mode)}): "
            "remove it and start again"
        )
    password = path.read_text().strip()
    if not _SAFE.fullmatch(password):
        raise PasswordFileExists(f"{path} does not hold a password tracegraph made: "
                                 "remove it and start again")
    return password


def set_initial_password(config: ServerConfig, java: str, env: dict, first_error) -> None:
    """Give the server's ``neo4j`` user a random password before its first start.

    The password goes to ``neo4j-admin dbms set-initial-password`` in an argument file
    (``@file``, which Neo4j's admin commands document for every option) created 0600 and
    deleted at once, so no command line ever holds it.
    """
    auth = config.data_dir / "dbms" / "auth.ini"
    if auth.exists():
        if config.password_file.exists():
            return
        raise GraphError(
            f"{config.data_dir} already has users but {config.password_file} is missing: "
            "restore the password file, or remove the data directory to start afresh"
        )
    config.home.mkdir(parents=True, exist_ok=True)
    if config.password_file.exists() or config.password_file.is_symlink():
        password, made = _reusable(config.password_file), False
    else:
        # a leading "-" would make neo4j-admin read the password as an option
        password, made = "p" + secrets.token_urlsafe(24), True
        create_password_file(config.password_file, password)
    args_file = config.home / f".initial-password-{os.getpid()}.args"
    args_file.unlink(missing_ok=True)
    create_password_file(args_file, password)
    try:
        result = subprocess.run(
            [java, "-cp", str(config.lib_dir / "*"), ADMIN_CLASS, "dbms",
             "set-initial-password", f"@{args_file}"],
            capture_output=True, text=True, env=env, check=False,
        )
    finally:
        args_file.unlink(missing_ok=True)
    if result.returncode != 0:
        if made:
            config.password_file.unlink(missing_ok=True)
        raise GraphError("could not set the initial password: "
                         + first_error(result.stdout + result.stderr))
