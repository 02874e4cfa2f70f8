#include "daemon/last_known_writer.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <system_error>

#include "state/snapshot_writer.h"

namespace nodeplane::daemon {

LastKnownWriter::LastKnownWriter(std::string path) : path_(std::move(path)), thread_([this] { run(); }) {}

LastKnownWriter::~LastKnownWriter() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void LastKnownWriter::submit(state::Model model) {
    {
        std::lock_guard lock(mutex_);
        queued_ = std::move(model);
    }
    wake_.notify_one();
}

void LastKnownWriter::run() noexcept {
    for (;;) {
        std::optional<state::Model> next;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || queued_.has_value(); });
            if (!queued_) return;  // stopping, nothing left to write
            next = std::exchange(queued_, std::nullopt);
        }
        try {
            write(*next);
        } catch (const std::exception& e) {
            spdlog::error("Failed to save the last-known state: {}", e.what());
        }
    }
}

void LastKnownWriter::write(const state::Model& model) {
    using std::chrono::steady_clock;
    const auto began = steady_clock::now();
    // StateDirectory= makes /var/lib/nodeplane; another path may need its directory.
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
    if (auto st = state::writeSnapshotAtomically(path_, model); !st) {
        spdlog::error("Failed to save the last-known state: {}", st.error().message);
        return;
    }
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    savedUsec_.store(std::uint64_t(std::chrono::duration_cast<std::chrono::microseconds>(now).count()));
    spdlog::debug("Last-known state saved to {} in {:.1f} ms", path_,
                  std::chrono::duration<double, std::milli>(steady_clock::now() - began).count());
}

}  // namespace nodeplane::daemon
