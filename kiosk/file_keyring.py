"""The file keyring of demo runs and tests, made safe to share between threads and processes.

keyrings.alt's PlaintextKeyring rewrites its file in place (`open(path, "w")`, then the whole file):
a reader in another thread or process that opens it in between finds it empty or half written and
takes a stored secret for missing (a terminal "not enrolled" in the middle of a session), two writers
that read it at once each drop the other's new entry, and a process killed during a write leaves the
file torn for good. Here every change is made under an exclusive lock on a file beside it, written to
a new file and moved over the old one, so a reader always sees one whole version.
"""

from __future__ import annotations

import configparser
import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from keyring.errors import PasswordDeleteError
from keyrings.alt.escape import escape as escape_for_ini
from keyrings.alt.file import PlaintextKeyring


class AtomicFileKeyring(PlaintextKeyring):
    """PlaintextKeyring whose writes replace its file whole, one writer at a time."""

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        folder = os.path.dirname(self.file_path) or "."
        os.makedirs(folder, exist_ok=True)
        fd = os.open(self.file_path + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # separate opens conflict, so threads of one process wait too
            yield
        finally:
            os.close(fd)  # releases the lock

    def _load(self) -> configparser.RawConfigParser:
        config = configparser.RawConfigParser()
        if os.path.exists(self.file_path):
            config.read(self.file_path, encoding="utf-8")
        return config

    def _replace(self, config: configparser.RawConfigParser) -> None:
        folder = os.path.dirname(self.file_path) or "."
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=".keyring-", suffix=".tmp")  # mode 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                config.write(out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.file_path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
        directory = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(directory)  # the rename itself survives a power cut
        finally:
            os.close(directory)

    def _write_config_value(self, service: str, key: str, value: str) -> None:
        with self._exclusive():
            config = self._load()
            section = escape_for_ini(service)
            if not config.has_section(section):
                config.add_section(section)
            config.set(section, escape_for_ini(key), value)
            self._replace(config)

    def delete_password(self, service: str, username: str) -> None:
        with self._exclusive():
            config = self._load()
            try:
                removed = config.remove_option(escape_for_ini(service), escape_for_ini(username))
            except configparser.NoSectionError:
                removed = False
            if not removed:
                raise PasswordDeleteError("Password not found")
            self._replace(config)
