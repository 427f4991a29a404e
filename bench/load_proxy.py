"""A loopback TCP proxy that can be stopped and started, to take a database away and bring it back.

Used by bench/load.py and tests/test_db_down.py: the app talks to the proxy, the proxy to the real
server. `stop()` closes the listener and every open connection (the database is "down");
`blackhole=True` accepts connections but never answers (a database that hangs); `freeze()` also
stops forwarding on the connections already open, which stay open (a server that froze while its
host still acknowledges the packets); `thaw()` lets the held bytes through again.
"""

import socket
import threading
import time


class TcpProxy:
    """Forward 127.0.0.1:<port> to target (host, port) until stopped."""

    def __init__(self, target: tuple[str, int], port: int = 0, *, blackhole: bool = False):
        self.target, self.port, self.blackhole = target, port, blackhole
        self.frozen = False
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> "TcpProxy":
        """Listen (again) on the same port."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def stop(self) -> None:
        """Refuse new connections and cut the open ones."""
        listener, self._listener = self._listener, None
        if listener is not None:
            _close(listener)  # shutdown() wakes the thread blocked in accept(); close() does not
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            _close(sock)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return  # stopped
            with self._lock:
                self._sockets.add(client)
            if self.blackhole:
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._sockets.add(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def freeze(self) -> None:
        """Open connections stay open but nothing passes; new ones are accepted and ignored."""
        self.frozen = self.blackhole = True

    def thaw(self) -> None:
        """Forward again (held bytes first) and answer new connections."""
        self.frozen = self.blackhole = False

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                while self.frozen and self._listener is not None:
                    time.sleep(0.05)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                _close(sock)
                with self._lock:
                    self._sockets.discard(sock)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


if __name__ == "__main__":
    # python bench/load_proxy.py LISTEN_PORT TARGET_HOST TARGET_PORT [--blackhole]
    # Runs until killed: killing the process is "the database went away".
    import sys
    import time

    TcpProxy((sys.argv[2], int(sys.argv[3])), int(sys.argv[1]),
             blackhole="--blackhole" in sys.argv).start()
    print("ready", flush=True)
    while True:
        time.sleep(3600)
