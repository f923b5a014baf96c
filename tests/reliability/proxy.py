"""A TCP proxy in front of PostgreSQL, to take "the database" down and bring it back.

The shared PostgreSQL server must keep running for everyone else, so the app under test
reaches it through this proxy on a port of its own. `cut()` drops every connection (as a
database restart does), `down()` also stops listening (connections are refused), `up()`
listens again on the same port.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading

from tests.reliability.servers import free_port


class Proxy:
    """Forwards 127.0.0.1:`port` to `target`, one thread per connection."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._stopping = threading.Event()

    def up(self) -> None:
        """Listen (again) on the proxy's port."""
        listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        listener.settimeout(0.1)
        self._listener = listener
        self._stopping.clear()
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        """Stop listening and drop every connection: the database is gone."""
        self._stopping.set()
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        self.cut()

    def cut(self) -> None:
        """Drop every open connection (both ends), keep listening."""
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def upstream_ports(self) -> set[int]:
        """The local ports of the proxy's connections to the database (its client ports)."""
        with self._lock:
            return {s.getsockname()[1] for s in self._sockets if s.getpeername() == self.target}

    def _accept(self, listener: socket.socket) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # the listener was closed
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets |= {client, server}
            threading.Thread(target=self._pipe, args=(client, server), daemon=True).start()

    def _pipe(self, client: socket.socket, server: socket.socket) -> None:
        ends = [client, server]
        try:
            while True:
                ready, _, _ = select.select(ends, [], [], 0.5)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (server if sock is client else client).sendall(data)
        except (OSError, ValueError):
            return  # cut, or closed under us
        finally:
            with self._lock:
                self._sockets -= {client, server}
            for sock in ends:
                sock.close()
