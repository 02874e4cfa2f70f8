#include "metrics/latency_histogram.h"

#include <algorithm>

namespace nodeplane::metrics {

void LatencyHistogram::observe(double seconds) {
    // A clock that stepped back gives a negative duration; count it as 0.
    if (!(seconds >= 0)) seconds = 0;  // NaN too
    auto bound = std::lower_bound(kBoundsSeconds.begin(), kBoundsSeconds.end(), seconds);
    if (bound != kBoundsSeconds.end()) ++perBucket_[static_cast<std::size_t>(bound - kBoundsSeconds.begin())];
    ++count_;
    sum_ += seconds;
}

std::uint64_t LatencyHistogram::cumulative(std::size_t i) const {
    std::uint64_t total = 0;
    for (std::size_t b = 0; b <= i && b < perBucket_.size(); ++b) total += perBucket_[b];
    return total;
}

}  // namespace nodeplane::metrics
