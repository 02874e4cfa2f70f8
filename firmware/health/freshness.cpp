#include "health/freshness.h"

namespace nodeplane::health {

bool changeLate(const std::optional<MonoTime>& pendingSince, MonoTime now, std::chrono::seconds maxPending) {
    if (!pendingSince || maxPending.count() == 0) return false;
    // As kube-proxy: healthy while now - oldestPending < healthTimeout.
    return now - *pendingSince >= maxPending;
}

}  // namespace nodeplane::health
