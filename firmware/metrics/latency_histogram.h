// A latency histogram with fixed buckets, as Prometheus histograms count:
// each observation lands in the first bucket whose upper bound holds it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace nodeplane::metrics {

class LatencyHistogram {
public:
    // Upper bounds in seconds: a state apply takes milliseconds on a quiet
    // node and seconds with 100000 services; beyond 30 s is +Inf.
    static constexpr std::array<double, 14> kBoundsSeconds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                              0.25,  0.5,    1,     2.5,  5,     10,   30};

    void observe(double seconds);

    std::span<const double> bounds() const { return kBoundsSeconds; }
    // Observations at or under bounds()[i] (cumulative, as exposed); the
    // +Inf bucket is count().
    std::uint64_t cumulative(std::size_t i) const;
    std::uint64_t count() const { return count_; }
    double sumSeconds() const { return sum_; }

private:
    std::array<std::uint64_t, kBoundsSeconds.size()> perBucket_{};  // not cumulative
    std::uint64_t count_ = 0;
    double sum_ = 0;
};

}  // namespace nodeplane::metrics
