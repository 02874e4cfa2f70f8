// The Prometheus text exposition format (version 0.0.4): one family at a
// time, each with its HELP and TYPE lines, label values escaped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "metrics/latency_histogram.h"

namespace nodeplane::metrics {

// The Content-Type a scrape answer carries.
inline constexpr std::string_view kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

using Labels = std::vector<std::pair<std::string, std::string>>;

struct Sample {
    Labels labels;
    // Integers are written exactly (byte counters pass 2^53); doubles in
    // their shortest round-trip form, with +Inf, -Inf and NaN spelled out.
    std::variant<std::uint64_t, double> value;
};

class PrometheusText {
public:
    void counter(std::string_view name, std::string_view help, const std::vector<Sample>& samples);
    void gauge(std::string_view name, std::string_view help, const std::vector<Sample>& samples);
    // <name>_bucket{le=...} cumulative, le="+Inf", <name>_sum, <name>_count.
    void histogram(std::string_view name, std::string_view help, const LatencyHistogram& histogram,
                   const Labels& labels = {});

    const std::string& text() const { return out_; }

private:
    void header(std::string_view name, std::string_view type, std::string_view help);
    void sample(std::string_view name, const Labels& labels, const std::variant<std::uint64_t, double>& value);

    std::string out_;
};

// `\` as `\\`, `"` as `\"`, a newline as `\n`.
std::string escapeLabelValue(std::string_view value);
// HELP text: `\` and newline escaped, quotes kept.
std::string escapeHelp(std::string_view help);
std::string formatDouble(double value);

}  // namespace nodeplane::metrics
