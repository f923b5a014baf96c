"""What a process holds, read from Linux's /proc: its TCP connections to a port, its threads.

Standard library only: the gunicorn configuration in test_forking imports it in the master
and its workers, where it must not import anything of the tracker's.
"""

from __future__ import annotations

import os
from pathlib import Path


def connections_to(port: int, pid: int | str = "self") -> list[str]:
    """The TCP connections (IPv4 or IPv6) that process `pid` has open to `port`."""
    sockets = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # closed meanwhile
            continue
        if target.startswith("socket:["):
            sockets.add(target.removeprefix("socket:[").removesuffix("]"))
    found = []
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()  # sl local_address rem_address st ... uid timeout inode
            remote_port = int(fields[2].rpartition(":")[2], 16)
            if remote_port == port and fields[9] in sockets:
                found.append(f"{table} {fields[1]} -> {fields[2]}")
    return found


def threads_of(pid: int | str = "self") -> int:
    """How many threads process `pid` runs."""
    return len(list(Path(f"/proc/{pid}/task").iterdir()))
