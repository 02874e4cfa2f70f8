"""The control API: a plain-HTTP listener (TCP or unix socket) through which
a test loads objects, compacts history, closes watches, injects faults and
expires tokens. Endpoints are listed in README.md."""

import http.server
import json
import sys
import urllib.parse

from errors import ApiError


def list_items(doc):
    """The objects of a kubectl-style List, or a single object."""
    if isinstance(doc, dict) and isinstance(doc.get("items"), list):
        items = doc["items"]
        # A typed list (PodList) leaves kind off its items.
        kind = doc.get("kind", "")
        if kind.endswith("List") and kind != "List":
            for item in items:
                item.setdefault("kind", kind[:-len("List")])
                item.setdefault("apiVersion", doc.get("apiVersion", "v1"))
        return items
    if isinstance(doc, dict):
        return [doc]
    raise ValueError("expected a JSON object or a List")


class ControlHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        if self.server.api.verbose:
            sys.stderr.write("control: " + (fmt % args) + "\n")

    def _reply(self, code, obj):
        body = json.dumps(obj).encode() + b"\n"
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        return json.loads(raw) if raw.strip() else {}

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def _dispatch(self, method):
        url = urllib.parse.urlsplit(self.path)
        query = {k: v[-1] for k, v in urllib.parse.parse_qs(url.query).items()}
        api = self.server.api
        store = api.store
        route = (method, url.path.rstrip("/"))
        try:
            body = self._body() if method == "POST" else {}
            if route == ("GET", "/healthz"):
                return self._reply(200, {"ok": True})
            if route == ("GET", "/state"):
                with store.cond:
                    state = {"resourceVersion": str(store.rv),
                             "compactedResourceVersion": str(store.compacted_rv),
                             "openWatches": store.open_watches}
                state["objects"] = store.counts()
                return self._reply(200, state)
            if route == ("POST", "/objects"):
                count = 0
                for obj in list_items(body):
                    store.load(obj)
                    count += 1
                return self._reply(200, {"loaded": count, "resourceVersion": str(store.rv)})
            if route == ("POST", "/objects/delete"):
                count = 0
                for obj in list_items(body):
                    store.unload(obj)
                    count += 1
                return self._reply(200, {"deleted": count, "resourceVersion": str(store.rv)})
            if route == ("POST", "/compact"):
                compacted = store.compact(query.get("resourceVersion"))
                return self._reply(200, {"compactedResourceVersion": str(compacted)})
            if route == ("POST", "/watches/close"):
                store.close_watches(query.get("abrupt") in ("1", "true"))
                return self._reply(200, {"closed": True})
            if route == ("GET", "/faults"):
                return self._reply(200, {"faults": api.faults.rules()})
            if route == ("POST", "/faults"):
                rules = body if isinstance(body, list) else [body]
                added = [api.faults.add(rule) for rule in rules]
                return self._reply(200, {"faults": added})
            if route == ("DELETE", "/faults"):
                api.faults.clear()
                return self._reply(200, {"faults": []})
            if route == ("POST", "/tokens/expire"):
                api.auth.expire(str(body["token"]))
                return self._reply(200, {"expired": body["token"]})
            if route == ("DELETE", "/tokens/expired"):
                api.auth.unexpire_all()
                return self._reply(200, {"expired": []})
            if route == ("GET", "/requests"):
                return self._reply(200, {"requests": api.faults.requests()})
            if route == ("DELETE", "/requests"):
                api.faults.clear_requests()
                return self._reply(200, {"requests": []})
            return self._reply(404, {"error": f"no control endpoint {method} {url.path}"})
        except ApiError as err:
            return self._reply(err.code, err.status())
        except (ValueError, KeyError, TypeError) as exc:
            return self._reply(400, {"error": f"{type(exc).__name__}: {exc}"})
