#!/usr/bin/env bash
# `make deb` produces an installable package: the daemon, the CLI, the unit,
# tmpfiles, the D-Bus policy, the default configuration as a conffile, and
# dependencies computed from the binaries. Unpacked into a scratch root, the
# shipped daemon validates the shipped configuration.
set -euo pipefail
build=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d /tmp/np-deb-XXXXXX)
trap 'rm -rf "$out"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

deb=$(NODEPLANE_DEB_OUT=$out "$root/tools/build-deb" "$build")
[[ -f "$deb" ]] || fail "no package at '$deb'"

contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for path in ./usr/sbin/nodeplaned ./usr/bin/nodeplanectl ./usr/lib/systemd/system/nodeplane.service \
            ./usr/lib/tmpfiles.d/nodeplane.conf ./usr/share/dbus-1/system.d/org.nodeplane.Control1.conf \
            ./usr/lib/systemd/logind.conf.d/nodeplane.conf \
            ./etc/nodeplane/nodeplane.toml ./etc/nodeplane/nodeplane.toml.d/ \
            ./etc/iproute2/rt_protos.d/nodeplane.conf ./usr/share/doc/nodeplane/README.md; do
  grep -qxF "$path" <<<"$contents" || fail "the package lacks $path"
done
grep -q '^\./usr/etc' <<<"$contents" && fail "configuration installed under /usr/etc"

depends=$(dpkg-deb -f "$deb" Depends)
for lib in libbpf1 libmnl0 libsystemd0 libmicrohttpd12 libtomlplusplus3 iproute2 procps; do
  [[ "$depends" == *"$lib"* ]] || fail "Depends lacks $lib: $depends"
done
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles | grep -qx /etc/nodeplane/nodeplane.toml \
  || fail "nodeplane.toml is not a conffile"

mkdir "$out/root"
dpkg-deb -x "$deb" "$out/root"
"$out/root/usr/sbin/nodeplaned" --check-config --config "$out/root/etc/nodeplane/nodeplane.toml" >/dev/null \
  || fail "the packaged daemon refuses the packaged configuration"
"$out/root/usr/bin/nodeplanectl" version >/dev/null || fail "the packaged nodeplanectl does not run"
echo "PASS: $(basename "$deb"), $(du -k "$deb" | cut -f1) KiB"
