#include "kube/backoff.h"

#include <algorithm>

namespace nodeplane::kube {

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, std::uint64_t seed)
    : initial_(std::max(initial, std::chrono::milliseconds{1})),
      max_(std::max(max, initial_)),
      step_(initial_),
      random_(seed) {}

std::chrono::milliseconds Backoff::next() {
    auto step = step_;
    step_ = std::min(max_, step_ * 2);
    std::uniform_int_distribution<std::int64_t> pick(step.count() / 2, step.count());
    return std::chrono::milliseconds{pick(random_)};
}

}  // namespace nodeplane::kube
