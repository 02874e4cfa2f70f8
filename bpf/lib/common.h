/* What every datapath file needs: the UAPI and libbpf helper headers, the
 * tc return codes, and the verdict convention (>= 0: an enum np_stat outcome,
 * < 0: a negated enum np_drop_reason). */
#ifndef NODEPLANE_LIB_COMMON_H
#define NODEPLANE_LIB_COMMON_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "nodeplane/abi/drop_reasons.h"
#include "nodeplane/abi/stats.h"

/* A verdict that drops the packet for `reason`. */
#define NP_DROP(reason) (-(int)(reason))

#endif /* NODEPLANE_LIB_COMMON_H */
