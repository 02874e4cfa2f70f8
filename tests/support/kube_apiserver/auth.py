"""Who is asking: a client certificate signed by the client CA (checked by
the TLS layer) or a bearer token from the tokens file.

The tokens file is re-read whenever its mtime or size changes, so a test can
rotate a token by rewriting the file. Each line is a token, or the first
field of kube-apiserver's --token-auth-file CSV (token,user,uid,"groups").
"""

import os
import threading


class Authenticator:
    def __init__(self, tokens_file):
        self._path = tokens_file
        self._lock = threading.Lock()
        self._stamp = None
        self._tokens = {}
        self._expired = set()

    def _reload_locked(self):
        if not self._path:
            return
        try:
            st = os.stat(self._path)
        except OSError:
            self._tokens, self._stamp = {}, None
            return
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        if stamp == self._stamp:
            return
        tokens = {}
        with open(self._path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                fields = [x.strip().strip('"') for x in line.split(",")]
                tokens[fields[0]] = fields[1] if len(fields) > 1 else "token-user"
        self._tokens, self._stamp = tokens, stamp

    def expire(self, token):
        with self._lock:
            self._expired.add(token)

    def unexpire_all(self):
        with self._lock:
            self._expired.clear()

    def from_token(self, token):
        with self._lock:
            self._reload_locked()
            if token in self._expired:
                return None
            return self._tokens.get(token)

    @staticmethod
    def from_certificate(peer_cert):
        """The user a verified client certificate names (its subject CN)."""
        if not peer_cert:
            return None
        for rdn in peer_cert.get("subject", ()):
            for key, value in rdn:
                if key == "commonName":
                    return value
        return None

    def authenticate(self, peer_cert, authorization):
        """The user name, or None. A certificate wins, as in the real
        server's union authenticator where x509 runs first."""
        user = self.from_certificate(peer_cert)
        if user:
            return user
        if authorization and authorization.startswith("Bearer "):
            return self.from_token(authorization[len("Bearer "):].strip())
        return None
