/* The maps of datapath events: the ring buffer the records go to and the
 * daemon's switch saying which records to write.
 *
 * Neither is pinned: each daemon load makes its own ring (so [observe]
 * ring-buffer-bytes can change without a migration) and writes the mask
 * again; records of the previous programs go to the previous ring, which
 * the kernel frees once those programs are replaced. __weak: every entry
 * file includes this header and the static linker keeps one copy. */
#ifndef NODEPLANE_LIB_EVENTS_MAPS_H
#define NODEPLANE_LIB_EVENTS_MAPS_H

#include "lib/common.h"
#include "nodeplane/abi/events.h"
#include "nodeplane/abi/maps.h"

/* struct np_event records, datapath-written, read by the daemon through
 * epoll. max_entries is the size in bytes, set by the daemon at load. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, NP_DEFAULT_EVENTS_RING_BYTES);
} np_events_v1 SEC(".maps") __weak;

/* 0 -> struct np_events_config (which records to write). Daemon-written,
 * array of one; mask 0 (nothing) until the daemon writes it. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct np_events_config);
	__uint(max_entries, 1);
} np_events_config_v1 SEC(".maps") __weak;

/* Tunable (rodata, set before load): wake the reader only once this many
 * bytes wait in np_events_v1; 0 wakes it for every record the kernel finds
 * it waiting for. A wakeup costs about as much as writing the record (an
 * irq_work per submit while the reader keeps up), so a busy node batches
 * and the daemon reads what stays below the mark on a timer. */
const volatile __u32 np_events_wakeup_bytes __weak = 0;

#endif /* NODEPLANE_LIB_EVENTS_MAPS_H */
