"""A TCP forwarder between the app and its database, to cut the network in a test.

``stop()`` does what a network failure or a restarting database server does to the app: its
open connections are closed under it and new ones are refused. ``start()`` brings the link
back on the same port. The shared server itself is never touched.
"""

import socket
import threading


class TcpProxy:
    """Forwards 127.0.0.1:``port`` to ``upstream``, one pair of threads per connection."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.port = 0
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        # create_server sets SO_REUSEADDR: the port is free again at once after stop().
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self.port = self._listener.getsockname()[1]
        self._run(self._accept, self._listener)

    def stop(self) -> None:
        """Refuse new connections and cut the open ones."""
        listener, self._listener = self._listener, None
        with self._lock:
            cut, self._open = self._open, set()
        for connection in [listener, *cut]:
            if connection is not None:
                _close(connection)
        with self._lock:
            threads, self._threads = self._threads, []
        for thread in threads:
            thread.join(timeout=10)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return  # stop() closed the listener
            try:
                server = socket.create_connection(self.upstream, timeout=10)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                if self._listener is not listener:  # stopped meanwhile
                    _close(client)
                    _close(server)
                    return
                self._open |= {client, server}
            self._run(self._pump, client, server)
            self._run(self._pump, server, client)

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass  # the other side, or stop(), closed the connection
        finally:
            _close(source)
            _close(target)

    def _run(self, target, *arguments) -> None:
        thread = threading.Thread(target=target, args=arguments, daemon=True)
        with self._lock:
            self._threads.append(thread)
        thread.start()


def _close(connection: socket.socket) -> None:
    # shutdown() wakes a thread blocked in accept() or recv() on it; close() alone does not.
    try:
        connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # not connected, or already closed
    connection.close()
