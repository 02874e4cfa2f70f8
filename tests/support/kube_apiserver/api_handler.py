"""The HTTPS request handler: authentication, injected faults, discovery,
and get/list/watch/create/update/patch/delete on the served resources."""

import http.server
import json
import os
import socket
import struct
import sys
import time
import traceback
import urllib.parse

import resources
import selection
from errors import ApiError, status_json
from watch import WatchStream

_UNAUTHENTICATED_PATHS = ("/healthz", "/livez", "/readyz")


def _merge_patch(target, patch):
    """RFC 7386 JSON merge patch."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = _merge_patch(result.get(key), value)
    return result


class ApiHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive and chunked watch streams
    server_version = "np-test-apiserver"
    user = None
    headers_sent = False

    def end_headers(self):
        self.headers_sent = True
        super().end_headers()

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("api: " + (fmt % args) + "\n")

    # ---- responses ----------------------------------------------------------
    def _send(self, code, body, content_type="application/json", delay=0.0):
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not delay:
            self.wfile.write(body)
            return
        # A slow server: the body dribbles out in small pieces.
        for i in range(0, len(body), 1024):
            time.sleep(delay)
            self.wfile.write(body[i:i + 1024])

    def _send_json(self, code, obj):
        self._send(code, json.dumps(obj).encode(), delay=self.delay)

    def _send_error(self, err):
        self._send(err.code, status_json(err.code, err.reason, err.message,
                                         err.details), delay=self.delay)

    # ---- entry --------------------------------------------------------------
    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_PATCH(self):
        self._dispatch("PATCH")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def _dispatch(self, method):
        self.delay = 0.0
        self.headers_sent = False
        url = urllib.parse.urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        query = {k: v[-1] for k, v in
                 urllib.parse.parse_qs(url.query, keep_blank_values=True).items()}
        body = self._read_body()
        if path in _UNAUTHENTICATED_PATHS:
            return self._send(200, b"ok", "text/plain; charset=utf-8")
        if self._apply_fault():
            return
        peer = self.connection.getpeercert() if hasattr(self.connection, "getpeercert") else None
        self.user = self.server.auth.authenticate(peer, self.headers.get("Authorization"))
        code = 200
        try:
            if self.user is None:
                raise ApiError(401, "Unauthorized", "Unauthorized")
            self._route(method, path, query, body)
        except ApiError as err:
            code = err.code
            self._send_error(err)
        except Exception:                       # a bug here: say so, loudly
            code = 500
            traceback.print_exc()
            self.close_connection = True
            if not self.headers_sent:
                self._send(500, status_json(500, "InternalError",
                                            "np-test-apiserver failed; see its log"))
        finally:
            self.server.faults.record(method, self.path, self.user, code)

    def _read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _apply_fault(self):
        """True when an injected fault has answered (or not answered) the
        request."""
        fault = self.server.faults.take(self.path)
        if fault is None:
            return False
        self.server.faults.record(self.command, self.path, None, fault["type"])
        kind = fault["type"]
        if kind == "slow":
            self.delay = fault["delay"]
            return False
        if kind == "error":
            reason = {500: "InternalError", 503: "ServiceUnavailable",
                      429: "TooManyRequests", 504: "Timeout"}.get(fault["code"], "InternalError")
            self._send(fault["code"], status_json(
                fault["code"], reason, "an error on the server (injected fault) "
                "has prevented the request from succeeding"))
        elif kind == "garbage":
            self._send(200, b'{"kind":"PodList","items":[\x00\xff\xfe garbage ' +
                       os.urandom(64) + b"\n")
        elif kind == "garbage-raw":
            self.wfile.write(b"\x16\x03garbage that is not HTTP\r\n" + os.urandom(64))
            self.close_connection = True
        elif kind == "hang":
            time.sleep(fault["seconds"])
            self.close_connection = True
        elif kind == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.close_connection = True
        return True

    # ---- routing ------------------------------------------------------------
    def _route(self, method, path, query, body):
        discovery = self._discovery(path)
        if discovery is not None:
            if method != "GET":
                raise ApiError(405, "MethodNotAllowed",
                               "the server does not allow this method on the requested resource")
            return self._send_json(200, discovery)
        resource, namespace, name, sub, watch = self._parse_resource_path(path)
        if watch or query.get("watch") in ("1", "true", "True"):
            if method != "GET":
                raise ApiError(405, "MethodNotAllowed", "watch is GET only")
            return self._watch(resource, namespace, name, query)
        if method != "GET" and "dryRun" in query:
            # Better a clear refusal than a dry run that writes.
            raise ApiError(400, "BadRequest", "dryRun is not supported by np-test-apiserver")
        if method == "GET" and name is None:
            return self._list(resource, namespace, query)
        if method == "GET":
            return self._send(200, self.server.store.get(resource, namespace, name).full_json(),
                              delay=self.delay)
        if method == "POST" and name is None:
            obj = self._parse_body(body)
            stored = self.server.store.create(resource, obj, namespace)
            return self._send(201, stored.full_json())
        if name is None:
            raise ApiError(405, "MethodNotAllowed",
                           "the server does not allow this method on the requested resource")
        store = self.server.store
        if method == "PUT":
            stored = store.replace(resource, namespace, name, self._parse_body(body), sub)
            return self._send(200, stored.full_json())
        if method == "PATCH":
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            if ctype not in ("application/merge-patch+json",
                             "application/strategic-merge-patch+json"):
                raise ApiError(415, "UnsupportedMediaType",
                               f"the body of the request was in an unknown format - "
                               f"accepted media types include: application/merge-patch+json, "
                               f"application/strategic-merge-patch+json")
            current = store.get(resource, namespace, name).obj
            merged = _merge_patch(current, self._parse_body(body))
            # The patched object is checked against the version it was made
            # from; a copy, since merged may share dicts with the stored one.
            merged["metadata"] = dict(merged.get("metadata") or {},
                                      resourceVersion=current["metadata"]["resourceVersion"])
            stored = store.replace(resource, namespace, name, merged, sub)
            return self._send(200, stored.full_json())
        if method == "DELETE" and sub is None:
            stored = store.delete(resource, namespace, name)
            return self._send(200, stored.full_json())
        raise ApiError(405, "MethodNotAllowed",
                       "the server does not allow this method on the requested resource")

    @staticmethod
    def _parse_body(body):
        try:
            obj = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError(400, "BadRequest", f"the object provided is unrecognized: {exc}") from None
        if not isinstance(obj, dict):
            raise ApiError(400, "BadRequest", "the object provided is not a JSON object")
        return obj

    def _discovery(self, path):
        if path == "/version":
            return resources.SERVER_VERSION
        if path == "/api":
            host = self.headers.get("Host") or "127.0.0.1"
            return resources.api_versions(host)
        if path == "/apis":
            return resources.api_group_list()
        if path == "/api/v1":
            return resources.api_resource_list("/api/v1")
        parts = path.split("/")
        if len(parts) == 3 and parts[1] == "apis":
            group = resources.api_group(parts[2])
            if group is None:
                raise ApiError(404, "NotFound", "the server could not find the requested resource")
            return group
        if len(parts) == 4 and parts[1] == "apis":
            found = resources.api_resource_list(path)
            if found is None:
                raise ApiError(404, "NotFound", "the server could not find the requested resource")
            return found
        return None

    @staticmethod
    def _parse_resource_path(path):
        """(resource, namespace, name, subresource, legacy-watch) of a path."""
        parts = path.strip("/").split("/")
        if parts[0] == "api" and len(parts) >= 3:
            prefix, rest = "/api/" + parts[1], parts[2:]
        elif parts[0] == "apis" and len(parts) >= 4:
            prefix, rest = "/".join([""] + parts[:3]), parts[3:]
        else:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        watch = False
        if rest and rest[0] == "watch":       # the deprecated /watch/ prefix
            watch, rest = True, rest[1:]
        namespace = None
        if len(rest) >= 3 and rest[0] == "namespaces" and \
                (prefix, rest[2]) in resources.BY_PREFIX_AND_PLURAL:
            namespace, rest = rest[1], rest[2:]
        resource = resources.BY_PREFIX_AND_PLURAL.get((prefix, rest[0]))
        if resource is None or len(rest) > 3 or \
                (len(rest) == 3 and rest[2] != "status") or \
                (namespace and not resource.namespaced):
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        name = rest[1] if len(rest) >= 2 else None
        sub = rest[2] if len(rest) == 3 else None
        if resource.namespaced and name is not None and namespace is None:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        return resource, namespace, name, sub, watch

    # ---- reads --------------------------------------------------------------
    def _selection(self, resource, namespace, name, query):
        field = query.get("fieldSelector", "")
        if name is not None:
            field = ",".join(filter(None, [field, f"metadata.name={name}"]))
        return selection.parse(field, query.get("labelSelector"), resource.kind)

    def _list(self, resource, namespace, query):
        predicate = self._selection(resource, namespace, None, query)
        try:
            limit = int(query.get("limit") or 0)
        except ValueError:
            raise ApiError(400, "BadRequest", "limit must be an integer") from None
        rv_text = query.get("resourceVersion", "")
        if rv_text not in ("", "0"):
            self._wait_for_rv(rv_text)
        rv, items, token, remaining = self.server.store.list_page(
            resource, namespace, predicate, limit, query.get("continue"))
        meta = {"resourceVersion": str(rv)}
        if token:
            meta["continue"] = token
        if remaining is not None:
            meta["remainingItemCount"] = remaining
        head = json.dumps({"kind": resource.kind + "List",
                           "apiVersion": resource.api_version,
                           "metadata": meta}).encode()
        body = head[:-1] + b',"items":[' + b",".join(s.item_json() for s in items) + b"]}"
        self._send(200, body, delay=self.delay)

    def _wait_for_rv(self, rv_text):
        """A list at a resourceVersion newer than the server's waits for it,
        then fails with 504 ResourceVersionTooLarge, as the real server does."""
        try:
            wanted = int(rv_text)
        except ValueError:
            raise ApiError(400, "BadRequest", f'invalid resource version "{rv_text}"') from None
        store = self.server.store
        with store.cond:
            store.cond.wait_for(lambda: store.rv >= wanted, timeout=3.0)
            if store.rv < wanted:
                raise ApiError(504, "Timeout", "Too large resource version: "
                               f"{wanted}, current: {store.rv}",
                               {"causes": [{"reason": "ResourceVersionTooLarge",
                                            "message": "Too large resource version"}],
                                "retryAfterSeconds": 1})

    def _watch(self, resource, namespace, name, query):
        predicate = self._selection(resource, namespace, name, query)
        if namespace is None and predicate is None:
            selected = None
        else:
            def selected(stored):
                obj = stored.obj
                if namespace and obj["metadata"].get("namespace") != namespace:
                    return False
                return predicate is None or predicate(obj)
        try:
            timeout = float(query.get("timeoutSeconds") or 0)
        except ValueError:
            raise ApiError(400, "BadRequest", "timeoutSeconds must be a number") from None
        options = {
            "rv": query.get("resourceVersion"),
            "bookmarks": query.get("allowWatchBookmarks") in ("1", "true", "True"),
            "initial_events": query.get("sendInitialEvents") in ("1", "true", "True"),
            "timeout": timeout,
            "interval": self.server.bookmark_interval,
            "delay": self.delay,
        }
        WatchStream(self, self.server.store, resource, selected, options).run()
        self.server.faults.record("WATCH-END", self.path, self.user, 200)
