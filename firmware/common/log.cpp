#include "common/log.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <sys/stat.h>
#include <syslog.h>
#include <systemd/sd-journal.h>

#include <sys/uio.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

namespace nodeplane::log {
namespace {

int syslogPriority(spdlog::level::level_enum level) {
    switch (level) {
        case spdlog::level::trace:
        case spdlog::level::debug: return LOG_DEBUG;
        case spdlog::level::info: return LOG_INFO;
        case spdlog::level::warn: return LOG_WARNING;
        case spdlog::level::err: return LOG_ERR;
        case spdlog::level::critical: return LOG_CRIT;
        default: return LOG_INFO;
    }
}

// Writes each record as a native journal entry so that operators can filter
// on fields (journalctl NODEPLANE_NODE=node-a PRIORITY=3) instead of grepping.
class JournalSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    explicit JournalSink(std::string instance) : instance_(std::move(instance)) {}

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        std::vector<std::string> fields;
        fields.reserve(8);
        fields.push_back("MESSAGE=" + std::string(msg.payload.data(), msg.payload.size()));
        fields.push_back("PRIORITY=" + std::to_string(syslogPriority(msg.level)));
        fields.push_back("SYSLOG_IDENTIFIER=nodeplaned");
        fields.push_back("NODEPLANE_NODE=" + instance_);
        // Only records logged with a source location carry one; an empty
        // CODE_FILE= would just be noise in `journalctl -o verbose`.
        if (msg.source.filename) {
            fields.push_back(std::string("CODE_FILE=") + msg.source.filename);
            fields.push_back("CODE_LINE=" + std::to_string(msg.source.line));
            if (msg.source.funcname) fields.push_back(std::string("CODE_FUNC=") + msg.source.funcname);
        }
        std::vector<struct iovec> iov;
        iov.reserve(fields.size());
        for (auto& f : fields) iov.push_back({f.data(), f.size()});
        sd_journal_sendv(iov.data(), static_cast<int>(iov.size()));
    }
    void flush_() override {}

private:
    std::string instance_;
};

}  // namespace

bool stderrIsJournal() {
    const char* stream = std::getenv("JOURNAL_STREAM");
    if (!stream) return false;
    unsigned long long dev = 0, ino = 0;
    if (std::sscanf(stream, "%llu:%llu", &dev, &ino) != 2) return false;
    struct stat st {};
    if (::fstat(STDERR_FILENO, &st) != 0) return false;
    return st.st_dev == dev && st.st_ino == ino;
}

bool setup(const Options& options, std::string* error) {
    auto level = spdlog::level::from_str(options.level);
    if (level == spdlog::level::off && options.level != "off") {
        if (error) *error = "unknown log level '" + options.level + "'";
        return false;
    }
    std::shared_ptr<spdlog::logger> logger;
    if (!options.forceStderr && stderrIsJournal()) {
        logger = std::make_shared<spdlog::logger>("nodeplaned", std::make_shared<JournalSink>(options.instance));
    } else {
        logger = std::make_shared<spdlog::logger>("nodeplaned",
                                                  std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
        logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
    }
    logger->set_level(level);
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(std::move(logger));
    return true;
}

}  // namespace nodeplane::log
