// writeSnapshotAtomically: the new file or the old one, never a part, and
// nothing left behind when it fails.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "snapshot_test_support.h"
#include "state/snapshot_writer.h"

using namespace nodeplane;
using namespace nodeplane::state;
namespace fs = std::filesystem;

namespace {

constexpr uid_t kNobody = 65534;

// A private directory under /tmp, removed with everything in it.
class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "np-snapwrite-XXXXXX").string();
        CHECK(::mkdtemp(pattern.data()) != nullptr);
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        fs::permissions(path_, fs::perms::owner_all, ignored);
        fs::remove_all(path_, ignored);
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void writeFile(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::size_t entries(const fs::path& dir) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
    return n;
}

Model smallModel(const char* node) {
    Model m;
    m.node = node;
    m.nodes.push_back(Node{});
    m.nodes[0].name = node;
    return m;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_GROUP(SnapshotAtomicWrite){};

TEST(SnapshotAtomicWrite, WritesTheRenderedModelPrivately) {
    TempDir dir;
    const std::string path = dir.file("last-known.toml");
    auto status = writeSnapshotAtomically(path, smallModel("node-a"));
    STRCMP_EQUAL("", status ? "" : status.error().message.c_str());
    STRCMP_EQUAL(renderSnapshot(smallModel("node-a")).c_str(), readFile(path).c_str());
    struct stat st {};
    LONGS_EQUAL(0, ::stat(path.c_str(), &st));
    LONGS_EQUAL(0600, st.st_mode & 07777);
    LONGS_EQUAL(1, entries(dir.path()));  // no temporary file left
    auto back = loadSnapshot(path);
    CHECK(back.ok());
    STRCMP_EQUAL("node-a", back.model.node.c_str());
}

TEST(SnapshotAtomicWrite, ReplacesAnOldFile) {
    TempDir dir;
    const std::string path = dir.file("last-known.toml");
    writeFile(path, "old");
    ::chmod(path.c_str(), 0644);
    CHECK(writeSnapshotAtomically(path, smallModel("node-b")).ok());
    STRCMP_EQUAL(renderSnapshot(smallModel("node-b")).c_str(), readFile(path).c_str());
    struct stat st {};
    LONGS_EQUAL(0, ::stat(path.c_str(), &st));
    LONGS_EQUAL(0600, st.st_mode & 07777);
    LONGS_EQUAL(1, entries(dir.path()));
}

TEST(SnapshotAtomicWrite, APathThatIsADirectoryIsLeftAlone) {
    TempDir dir;
    const std::string path = dir.file("state.toml");
    fs::create_directory(path);
    writeFile(path + "/inside", "kept");
    auto status = writeSnapshotAtomically(path, smallModel("node-a"));
    CHECK_FALSE(status.ok());
    CHECK_TEXT(contains(status.error().message, "'" + path + "'"), status.error().message.c_str());
    CHECK_TEXT(contains(status.error().message, "rename"), status.error().message.c_str());
    CHECK(fs::is_directory(path));
    STRCMP_EQUAL("kept", readFile(path + "/inside").c_str());
    LONGS_EQUAL(1, entries(dir.path()));  // the temporary file is gone
}

TEST(SnapshotAtomicWrite, AMissingDirectoryIsNamed) {
    TempDir dir;
    const std::string path = dir.file("missing/state.toml");
    auto status = writeSnapshotAtomically(path, smallModel("node-a"));
    CHECK_FALSE(status.ok());
    STRCMP_CONTAINS(("Failed to write the snapshot '" + path + "': cannot create a temporary file in '" +
                     dir.file("missing") + "': No such file or directory")
                        .c_str(),
                    status.error().message.c_str());
    LONGS_EQUAL(0, entries(dir.path()));
}

// A directory its writer may not write to. Root writes anywhere, so as root
// the attempt runs in a child that has become uid nobody.
TEST(SnapshotAtomicWrite, AReadOnlyDirectoryKeepsTheOldFile) {
    TempDir dir;
    const std::string path = dir.file("last-known.toml");
    writeFile(path, "old content\n");
    ::chmod(path.c_str(), 0644);
    ::chmod(dir.path().c_str(), 0755);  // read-only for anyone but its owner
    int pipeFds[2];
    LONGS_EQUAL(0, ::pipe(pipeFds));
    pid_t child = ::fork();
    if (child == 0) {
        ::close(pipeFds[0]);
        bool root = ::geteuid() == 0;
        if (root && ::setuid(kNobody) != 0) ::_exit(2);
        if (!root) ::chmod(dir.path().c_str(), 0555);
        auto status = writeSnapshotAtomically(path, smallModel("node-a"));
        std::string message = status ? "unexpectedly written" : status.error().message;
        [[maybe_unused]] auto n = ::write(pipeFds[1], message.data(), message.size());
        ::_exit(status ? 1 : 0);
    }
    ::close(pipeFds[1]);
    std::string message;
    char buffer[512];
    for (ssize_t n; (n = ::read(pipeFds[0], buffer, sizeof buffer)) > 0;) message.append(buffer, n);
    ::close(pipeFds[0]);
    int wstatus = 0;
    LONGS_EQUAL(child, ::waitpid(child, &wstatus, 0));
    CHECK(WIFEXITED(wstatus));
    LONGS_EQUAL_TEXT(0, WEXITSTATUS(wstatus), message.c_str());
    STRCMP_EQUAL(("Failed to write the snapshot '" + path + "': cannot create a temporary file in '" +
                  dir.path().string() + "': Permission denied")
                     .c_str(),
                 message.c_str());
    STRCMP_EQUAL("old content\n", readFile(path).c_str());
    LONGS_EQUAL(1, entries(dir.path()));
}
