"""One watch stream: chunked JSON lines, one event per chunk, flushed as it
happens; bookmarks when asked for; an ERROR event with a 410 Expired Status
when the requested resourceVersion has left the history window.
"""

import json
import socket
import struct
import time

from errors import ApiError, status_object

_INITIAL_CHUNK_BYTES = 256 * 1024   # initial ADDED events go out in batches


def _event_line(event_type, stored):
    return b'{"type":"%s","object":%s}\n' % (event_type.encode(), stored.full_json())


def _too_old(requested, oldest):
    status = status_object(410, "Expired",
                           f"too old resource version: {requested} ({oldest})")
    return json.dumps({"type": "ERROR", "object": status}).encode() + b"\n"


def _translate(event, selected):
    """The event this watcher sees, given its selection: an object moving
    into the selection is ADDED, one moving out is DELETED, as the real
    server's watch cache filters."""
    if selected is None:
        return event.type
    now = selected(event.stored)
    if event.type == "ADDED":
        return "ADDED" if now else None
    if event.type == "DELETED":
        return "DELETED" if now else None
    before = event.prev is not None and selected(event.prev)
    if before and now:
        return "MODIFIED"
    if now:
        return "ADDED"
    if before:
        return "DELETED"
    return None


class WatchStream:
    def __init__(self, handler, store, resource, selected, options):
        self.h = handler
        self.store = store
        self.resource = resource
        self.selected = selected       # Stored -> bool, or None for all
        self.opts = options            # dict: rv, bookmarks, timeout, interval, delay

    def _chunk(self, data):
        if self.opts["delay"]:
            time.sleep(self.opts["delay"])
        self.h.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def _start(self):
        self.h.send_response(200)
        self.h.send_header("Content-Type", "application/json")
        self.h.send_header("Transfer-Encoding", "chunked")
        self.h.send_header("Cache-Control", "no-cache, private")
        self.h.end_headers()

    def run(self):
        rv_text = self.opts["rv"]
        try:
            requested = None if rv_text in (None, "", "0") else int(rv_text)
        except ValueError:
            raise ApiError(400, "BadRequest",
                           f'invalid resource version "{rv_text}"') from None
        store = self.store
        with store.cond:
            generation = store.watch_generation
            if requested is None or self.opts["initial_events"]:
                # Start at most recent: synthetic ADDED for what exists now.
                last, initial = store.rv, store.current(self.resource)[1]
                initial = [s for s in initial
                           if self.selected is None or self.selected(s)]
                expired = False
            else:
                last, initial = requested, []
                expired = store.events_after(requested) is None
                oldest = store.compacted_rv + 1
        self.store.watch_opened()
        try:
            self._start()
            if expired:
                self._chunk(_too_old(requested, oldest))
                self._end()
                return
            self._send_initial(initial)
            if self.opts["initial_events"]:
                # Streaming list (KEP-3157): a bookmark marks the end of
                # the initial state.
                self._bookmark(last, initial_events_end=True)
            self._follow(last, generation)
        except (BrokenPipeError, ConnectionResetError, TimeoutError, OSError):
            self.h.close_connection = True
        finally:
            self.store.watch_closed()

    def _send_initial(self, initial):
        batch = []
        size = 0
        for stored in initial:
            line = _event_line("ADDED", stored)
            batch.append(line)
            size += len(line)
            if size >= _INITIAL_CHUNK_BYTES:
                self._chunk(b"".join(batch))
                batch, size = [], 0
        if batch:
            self._chunk(b"".join(batch))

    def _follow(self, last, generation):
        store = self.store
        now = time.monotonic()
        deadline = now + self.opts["timeout"] if self.opts["timeout"] else None
        interval = self.opts["interval"]
        next_bookmark = now + interval if self.opts["bookmarks"] else None
        while True:
            with store.cond:
                while True:
                    if store.watch_generation != generation:
                        return self._closed(store.abrupt_close)
                    if store.rv > last:
                        break
                    now = time.monotonic()
                    due = [t for t in (deadline, next_bookmark) if t is not None]
                    if due and now >= min(due):
                        break
                    store.cond.wait(min([5.0] + [t - now for t in due]))
                events = store.events_after(last)
                if events is None:
                    # This watcher fell behind the window: the real server
                    # ends it with 410 too.
                    oldest = store.compacted_rv + 1
                else:
                    events = list(events)
                    last = store.rv
            if events is None:
                self._chunk(_too_old(last, oldest))
                return self._end()
            for event in events:
                if event.plural != self.resource.plural:
                    continue
                kind = _translate(event, self.selected)
                if kind:
                    self._chunk(_event_line(kind, event.stored))
            now = time.monotonic()
            if next_bookmark is not None and now >= next_bookmark:
                self._bookmark(last)
                next_bookmark = now + interval
            if deadline is not None and now >= deadline:
                return self._end()

    def _bookmark(self, rv, initial_events_end=False):
        # A bookmark carries only the kind and the resourceVersion up to
        # which this watcher has seen every event.
        meta = {"resourceVersion": str(rv)}
        if initial_events_end:
            meta["annotations"] = {"k8s.io/initial-events-end": "true"}
        line = json.dumps({"type": "BOOKMARK", "object": {
            "kind": self.resource.kind, "apiVersion": self.resource.api_version,
            "metadata": meta}}).encode() + b"\n"
        self._chunk(line)

    def _end(self):
        self.h.wfile.write(b"0\r\n\r\n")

    def _closed(self, abrupt):
        if not abrupt:
            return self._end()
        # A reset, as when a load balancer or the server process dies.
        sock = self.h.connection
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.h.close_connection = True
        raise ConnectionResetError("watch closed abruptly by the control API")
