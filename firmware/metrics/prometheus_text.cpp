#include "metrics/prometheus_text.h"

#include <charconv>
#include <cmath>

namespace nodeplane::metrics {

std::string escapeLabelValue(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

std::string escapeHelp(std::string_view help) {
    std::string out;
    out.reserve(help.size());
    for (char c : help) {
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

std::string formatDouble(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    return ec == std::errc() ? std::string(buf, end) : "NaN";
}

void PrometheusText::header(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += escapeHelp(help);
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
}

void PrometheusText::sample(std::string_view name, const Labels& labels,
                            const std::variant<std::uint64_t, double>& value) {
    out_ += name;
    if (!labels.empty()) {
        out_ += '{';
        bool first = true;
        for (const auto& [label, text] : labels) {
            if (!first) out_ += ',';
            first = false;
            out_ += label;
            out_ += "=\"";
            out_ += escapeLabelValue(text);
            out_ += '"';
        }
        out_ += '}';
    }
    out_ += ' ';
    if (const auto* integer = std::get_if<std::uint64_t>(&value))
        out_ += std::to_string(*integer);
    else
        out_ += formatDouble(std::get<double>(value));
    out_ += '\n';
}

void PrometheusText::counter(std::string_view name, std::string_view help, const std::vector<Sample>& samples) {
    header(name, "counter", help);
    for (const auto& s : samples) sample(name, s.labels, s.value);
}

void PrometheusText::gauge(std::string_view name, std::string_view help, const std::vector<Sample>& samples) {
    header(name, "gauge", help);
    for (const auto& s : samples) sample(name, s.labels, s.value);
}

void PrometheusText::histogram(std::string_view name, std::string_view help, const LatencyHistogram& histogram,
                               const Labels& labels) {
    header(name, "histogram", help);
    const std::string bucket = std::string(name) + "_bucket";
    auto withLe = [&](std::string le) {
        Labels all = labels;
        all.emplace_back("le", std::move(le));
        return all;
    };
    for (std::size_t i = 0; i < histogram.bounds().size(); ++i)
        sample(bucket, withLe(formatDouble(histogram.bounds()[i])), histogram.cumulative(i));
    sample(bucket, withLe("+Inf"), histogram.count());
    sample(std::string(name) + "_sum", labels, histogram.sumSeconds());
    sample(std::string(name) + "_count", labels, histogram.count());
}

}  // namespace nodeplane::metrics
