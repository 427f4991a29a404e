"""A client-side statement deadline for PostgreSQL connections.

The server's statement_timeout cannot help when the server stops answering while its host still
acknowledges the packets (a frozen process, a stalled disk, a proxy that hangs): libpq then waits
forever and the request with it. The watchdog notes when each statement (and each pool ping)
starts; one thread per process shuts the socket of a statement that outlives its deadline, so
the driver raises a disconnect error (the Dutch 503 page) and the pool drops the connection.
"""

import os
import socket
import threading
import time

from sqlalchemy import event

CHECK_EVERY_S = 0.25


class StatementWatchdog:
    """Cut the connection of a statement that runs longer than `deadline_s` (a ping: `ping_s`)."""

    def __init__(self, deadline_s: float, *, ping_s: float | None = None):
        self.deadline_s, self.ping_s = deadline_s, ping_s or deadline_s
        self._running: dict[int, tuple[float, object]] = {}  # id(dbapi connection) -> (due, conn)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def watch(self, engine) -> None:
        """Follow every statement and pool ping of this engine."""
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)
        event.listen(engine, "handle_error", self._failed)
        ping = engine.dialect.do_ping

        def watched_ping(dbapi_connection):
            self.start(dbapi_connection, self.ping_s)
            try:
                return ping(dbapi_connection)
            finally:
                self.stop(dbapi_connection)

        engine.dialect.do_ping = watched_ping

    def start(self, dbapi_connection, deadline_s: float | None = None) -> None:
        """A statement begins on this connection."""
        self._ensure_thread()
        due = time.monotonic() + (deadline_s or self.deadline_s)
        with self._lock:
            self._running[id(dbapi_connection)] = (due, dbapi_connection)

    def stop(self, dbapi_connection) -> None:
        """The statement on this connection ended (answered or failed)."""
        with self._lock:
            self._running.pop(id(dbapi_connection), None)

    def _before(self, connection, _cursor, _statement, _parameters, _context, _many):
        self.start(connection.connection.dbapi_connection)

    def _after(self, connection, _cursor, _statement, _parameters, _context, _many):
        self.stop(connection.connection.dbapi_connection)

    def _failed(self, context):
        if context.connection is not None and context.connection.connection is not None:
            self.stop(context.connection.connection.dbapi_connection)

    def _ensure_thread(self) -> None:
        # A forked process (gunicorn worker, RQ work horse) has no thread: start its own.
        if self._thread is not None and self._pid == os.getpid():
            return
        with self._lock:
            if self._thread is None or self._pid != os.getpid():
                self._running.clear()
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._loop, daemon=True,
                                                name="spt-statement-watchdog")
                self._thread.start()

    def _loop(self) -> None:
        while True:
            time.sleep(CHECK_EVERY_S)
            now = time.monotonic()
            with self._lock:
                late = [(key, conn) for key, (due, conn) in self._running.items() if due <= now]
                for key, _conn in late:
                    del self._running[key]
            for _key, conn in late:
                _cut(conn)


def _cut(dbapi_connection) -> None:
    """Shut the connection's socket down; the blocked driver call then fails at once."""
    try:
        fd = dbapi_connection.pgconn.socket
        with socket.socket(fileno=os.dup(fd)) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except (OSError, AttributeError, ValueError):
        pass  # already closed
