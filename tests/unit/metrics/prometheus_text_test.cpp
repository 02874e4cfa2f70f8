// The exposition text byte for byte: HELP and TYPE, labels and their
// escaping, integer and float values, a histogram.
#include <CppUTest/TestHarness.h>

#include <cmath>
#include <limits>

#include "metrics/prometheus_text.h"

using namespace nodeplane::metrics;

TEST_GROUP(PrometheusText){};

TEST(PrometheusText, CounterAndGaugeWithAndWithoutLabels) {
    PrometheusText text;
    text.counter("nodeplane_datapath_drops_total", "Packets dropped, by reason.",
                 {{{{"reason", "malformed"}}, std::uint64_t{3}}, {{{"reason", "no_backend"}}, std::uint64_t{0}}});
    text.gauge("nodeplane_map_fill_ratio", "Fill.", {{{{"map", "np_ct"}, {"kind", "lru"}}, 0.25}});
    text.gauge("nodeplane_up", "Up.", {{{}, std::uint64_t{1}}});
    STRCMP_EQUAL("# HELP nodeplane_datapath_drops_total Packets dropped, by reason.\n"
                 "# TYPE nodeplane_datapath_drops_total counter\n"
                 "nodeplane_datapath_drops_total{reason=\"malformed\"} 3\n"
                 "nodeplane_datapath_drops_total{reason=\"no_backend\"} 0\n"
                 "# HELP nodeplane_map_fill_ratio Fill.\n"
                 "# TYPE nodeplane_map_fill_ratio gauge\n"
                 "nodeplane_map_fill_ratio{map=\"np_ct\",kind=\"lru\"} 0.25\n"
                 "# HELP nodeplane_up Up.\n"
                 "# TYPE nodeplane_up gauge\n"
                 "nodeplane_up 1\n",
                 text.text().c_str());
}

TEST(PrometheusText, LabelValuesAndHelpAreEscaped) {
    PrometheusText text;
    text.gauge("x", "a \\ b\nc \"quoted\"", {{{{"name", "say \"hi\"\\\n"}}, std::uint64_t{1}}});
    STRCMP_EQUAL("# HELP x a \\\\ b\\nc \"quoted\"\n"
                 "# TYPE x gauge\n"
                 "x{name=\"say \\\"hi\\\"\\\\\\n\"} 1\n",
                 text.text().c_str());
}

TEST(PrometheusText, ValuesKeepTheirPrecision) {
    STRCMP_EQUAL("0.1", formatDouble(0.1).c_str());
    STRCMP_EQUAL("1", formatDouble(1.0).c_str());
    STRCMP_EQUAL("+Inf", formatDouble(std::numeric_limits<double>::infinity()).c_str());
    STRCMP_EQUAL("-Inf", formatDouble(-std::numeric_limits<double>::infinity()).c_str());
    STRCMP_EQUAL("NaN", formatDouble(std::nan("")).c_str());
    PrometheusText text;
    text.counter("b_total", "B.", {{{}, std::uint64_t{18446744073709551615ull}}});
    STRCMP_CONTAINS("b_total 18446744073709551615\n", text.text().c_str());
}

TEST(PrometheusText, AHistogramIsCumulativeWithInfSumAndCount) {
    LatencyHistogram h;
    h.observe(0.0005);  // first bucket
    h.observe(0.001);   // on a bound: that bucket
    h.observe(0.2);     // 0.25
    h.observe(60);      // beyond the last bound: only +Inf
    PrometheusText text;
    text.histogram("nodeplane_state_apply_seconds", "Apply time.", h, {{"source", "snapshot"}});
    STRCMP_EQUAL("# HELP nodeplane_state_apply_seconds Apply time.\n"
                 "# TYPE nodeplane_state_apply_seconds histogram\n"
                 "nodeplane_state_apply_seconds_bucket{source=\"snapshot\",le=\"0.001\"} 2\n"
                 "nodeplane_state_apply_seconds_bucket{source=\"snapshot\",le=\"0.0025\"} 2\n"
                 "nodeplane_state_apply_seconds_bucket{source=\"snapshot\",le=\"0.005\"} 2\n"
                 "nodeplane_state_apply_seconds_bucket{source=\"snapshot\",le=\"0.01\"} 2\n"
                 "nodeplane_state_apply_seconds_bucket{source=\"snapshot\",le=\"0.025\"} 2\n"
                 "nodeplane_state_apply_seconds_bucket{source=\"snapshot\",le=\"0.05\"} 2\n"
                 "nodeplane_state_apply_seconds_bucket{source=\"snapshot\",le=\"0.1\"} 2\n"
                 "nodeplane_state_apply_seconds_bucket{source=\"snapshot\",le=\"0.25\"} 3\n"
                 "nodeplane_state_apply_seconds_bucket{source=\"snapshot\",le=\"0.5\"} 3\n"
                 "nodeplane_state_apply_seconds_bucket{source=\"snapshot\",le=\"1\"} 3\n"
                 "nodeplane_state_apply_seconds_bucket{source=\"snapshot\",le=\"2.5\"} 3\n"
                 "nodeplane_state_apply_seconds_bucket{source=\"snapshot\",le=\"5\"} 3\n"
                 "nodeplane_state_apply_seconds_bucket{source=\"snapshot\",le=\"10\"} 3\n"
                 "nodeplane_state_apply_seconds_bucket{source=\"snapshot\",le=\"30\"} 3\n"
                 "nodeplane_state_apply_seconds_bucket{source=\"snapshot\",le=\"+Inf\"} 4\n"
                 "nodeplane_state_apply_seconds_sum{source=\"snapshot\"} 60.2015\n"
                 "nodeplane_state_apply_seconds_count{source=\"snapshot\"} 4\n",
                 text.text().c_str());
}
