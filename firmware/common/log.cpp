#include "common/log.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <sys/stat.h>
#include <syslog.h>
#include <systemd/sd-journal.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

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
        std::string text(msg.payload.data(), msg.payload.size());
        const char* file = msg.source.filename ? msg.source.filename : "";
        const char* func = msg.source.funcname ? msg.source.funcname : "";
        sd_journal_send("MESSAGE=%s", text.c_str(),
                        "PRIORITY=%d", syslogPriority(msg.level),
                        "SYSLOG_IDENTIFIER=nodeplaned",
                        "NODEPLANE_NODE=%s", instance_.c_str(),
                        "NODEPLANE_LOGGER=%.*s", static_cast<int>(msg.logger_name.size()), msg.logger_name.data(),
                        "CODE_FILE=%s", file,
                        "CODE_LINE=%d", msg.source.line,
                        "CODE_FUNC=%s", func,
                        nullptr);
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
