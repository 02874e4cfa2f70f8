// A private directory under /tmp, removed with everything in it.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace nodeplane::bus::test {

class TempDir {
public:
    TempDir() {
        char pattern[] = "/tmp/np-bus-test-XXXXXX";
        const char* made = ::mkdtemp(pattern);
        path_ = made ? made : "";
    }
    ~TempDir() {
        std::error_code ignored;
        if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return path_; }

private:
    std::string path_;
};

}  // namespace nodeplane::bus::test
