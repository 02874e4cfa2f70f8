# A scratch cgroup for the socket hooks, never the host's own.
#
# np_scratch_cgroup <tag>: creates $CG_HOST (a child of the host's cgroup v2
# root) and exports NP_CGROUP, the same cgroup as the daemon and the clients
# see it. `ip netns exec` remounts /sys, hiding the host's cgroup2 mount from
# them, so they reach the hierarchy through a second mount under $NP_WORK.
# Removed at exit, after any process still in it is killed.
np_scratch_cgroup() {
  local tag=$1
  CG_HOST_ROOT=$(findmnt -n -t cgroup2 -o TARGET | head -n 1)
  [[ -n "$CG_HOST_ROOT" ]] || np_fail "no cgroup v2 hierarchy is mounted"
  CG_NAME=nodeplane-test-$tag$$
  CG_HOST=$CG_HOST_ROOT/$CG_NAME
  mkdir "$CG_HOST" || np_fail "cannot create the scratch cgroup $CG_HOST"
  mkdir -p "$NP_WORK/cgroup2"
  mount -t cgroup2 none "$NP_WORK/cgroup2" || np_fail "cannot mount cgroup2 on $NP_WORK/cgroup2"
  NP_MOUNTS+=("$NP_WORK/cgroup2")
  export NP_CGROUP=$NP_WORK/cgroup2/$CG_NAME
  # np_init's exit trap runs np_cleanup_extra.
  np_cleanup_extra() { np_scratch_cgroup_remove; }
}

np_scratch_cgroup_remove() {
  local pid
  for pid in $(cat "$CG_HOST/cgroup.procs" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
  for _ in $(seq 50); do rmdir "$CG_HOST" 2>/dev/null && return; sleep 0.1; done
  np_log "could not remove the scratch cgroup $CG_HOST"
}
