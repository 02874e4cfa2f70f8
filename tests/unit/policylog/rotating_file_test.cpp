// The rotated log file: made with its directory, rotated by size into
// .1 .. .N and no more, and followed when someone else removes or renames it.
#include <CppUTest/TestHarness.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "policylog/rotating_file.h"

using nodeplane::policylog::RotatingFile;
using std::chrono::milliseconds;
using std::chrono::seconds;
namespace fs = std::filesystem;

namespace {

const RotatingFile::TimePoint t0 = RotatingFile::TimePoint(seconds(100));

// A private directory, removed with everything in it even when a check fails.
class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "np-policylog-XXXXXX").string();
        path_ = ::mkdtemp(pattern.data());
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

std::string contents(const std::string& path) {
    std::ifstream in(path);
    std::stringstream out;
    out << in.rdbuf();
    return out.str();
}

mode_t modeOf(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return 0;
    return st.st_mode & 07777;
}

// 39 characters and a newline: two lines fill a 100-byte file.
std::string line(int n) {
    std::string text = "line " + std::to_string(n);
    text.resize(39, '.');
    return text;
}

}  // namespace

TEST_GROUP(RotatingFile) {
    TempDir dir;
    mode_t savedUmask = 0;
    void setup() override { savedUmask = ::umask(022); }
    void teardown() override { ::umask(savedUmask); }
};

TEST(RotatingFile, MakesTheDirectoryAndFileAndAppends) {
    const std::string path = dir.path() + "/var/log/network/policy_action.log";
    RotatingFile file({path, 10485760, 5});
    CHECK_TRUE(file.append("{\"a\":1}", t0).ok());
    CHECK_TRUE(file.append("{\"b\":2}", t0 + milliseconds(1)).ok());
    STRCMP_EQUAL("{\"a\":1}\n{\"b\":2}\n", contents(path).c_str());
    LONGS_EQUAL(0755, modeOf(dir.path() + "/var/log/network"));
    LONGS_EQUAL(0755, modeOf(dir.path() + "/var"));
    LONGS_EQUAL(0640, modeOf(path));
}

TEST(RotatingFile, AppendsToWhatIsAlreadyThere) {
    const std::string path = dir.path() + "/p.log";
    std::ofstream(path) << "old\n";
    RotatingFile file({path, 10485760, 5});
    CHECK_TRUE(file.append("new", t0).ok());
    STRCMP_EQUAL("old\nnew\n", contents(path).c_str());
}

TEST(RotatingFile, RotatesIntoFiveBackupsAndNoMore) {
    const std::string path = dir.path() + "/p.log";
    RotatingFile file({path, 100, 5});
    for (int n = 1; n <= 20; ++n) CHECK_TRUE(file.append(line(n), t0).ok());
    // Two lines a file: 19-20 in the file, 17-18 in .1, ... 9-10 in .5;
    // 1-8 were in the backups dropped off the end.
    STRCMP_EQUAL((line(19) + "\n" + line(20) + "\n").c_str(), contents(path).c_str());
    STRCMP_EQUAL((line(17) + "\n" + line(18) + "\n").c_str(), contents(path + ".1").c_str());
    STRCMP_EQUAL((line(9) + "\n" + line(10) + "\n").c_str(), contents(path + ".5").c_str());
    for (int n = 1; n <= 5; ++n) CHECK_TRUE(fs::exists(file.backupPath(static_cast<std::uint32_t>(n))));
    CHECK_FALSE(fs::exists(path + ".6"));
    int files = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir.path())) ++files;
    LONGS_EQUAL(6, files);
    CHECK(fs::file_size(path) <= 100);
}

TEST(RotatingFile, NoBackupsStartsTheFileOver) {
    const std::string path = dir.path() + "/p.log";
    RotatingFile file({path, 100, 0});
    for (int n = 1; n <= 5; ++n) CHECK_TRUE(file.append(line(n), t0).ok());
    STRCMP_EQUAL((line(5) + "\n").c_str(), contents(path).c_str());
    CHECK_FALSE(fs::exists(path + ".1"));
}

TEST(RotatingFile, ALineLongerThanTheLimitStillGoesOut) {
    const std::string path = dir.path() + "/p.log";
    RotatingFile file({path, 100, 2});
    CHECK_TRUE(file.append("short", t0).ok());
    CHECK_TRUE(file.append(std::string(150, 'x'), t0).ok());
    STRCMP_EQUAL((std::string(150, 'x') + "\n").c_str(), contents(path).c_str());
    STRCMP_EQUAL("short\n", contents(path + ".1").c_str());
}

TEST(RotatingFile, FollowsTheFileWhenItIsRemoved) {
    const std::string path = dir.path() + "/p.log";
    RotatingFile file({path, 10485760, 5});
    CHECK_TRUE(file.append("one", t0).ok());
    fs::remove(path);
    // Checked at most once a second: until then lines go to the old file.
    CHECK_TRUE(file.append("two", t0 + milliseconds(500)).ok());
    CHECK_FALSE(fs::exists(path));
    CHECK_TRUE(file.append("three", t0 + seconds(1)).ok());
    STRCMP_EQUAL("three\n", contents(path).c_str());
}

TEST(RotatingFile, FollowsTheFileWhenSomeoneElseRotatesIt) {
    const std::string path = dir.path() + "/p.log";
    RotatingFile file({path, 10485760, 5});
    CHECK_TRUE(file.append("one", t0).ok());
    fs::rename(path, path + ".old");  // logrotate without copytruncate
    std::ofstream(path) << "";
    CHECK_TRUE(file.append("two", t0 + seconds(2)).ok());
    STRCMP_EQUAL("one\n", contents(path + ".old").c_str());
    STRCMP_EQUAL("two\n", contents(path).c_str());
}

TEST(RotatingFile, AFailureIsReportedAndRetried) {
    const std::string blocker = dir.path() + "/not-a-dir";
    std::ofstream(blocker) << "x";
    const std::string path = blocker + "/p.log";
    RotatingFile file({path, 10485760, 5});
    auto failed = file.append("one", t0);
    CHECK_FALSE(failed.ok());
    LONGS_EQUAL(ENOTDIR, failed.error().errnum);
    CHECK(failed.error().message.find(blocker) != std::string::npos);
    fs::remove(blocker);
    CHECK_TRUE(file.append("two", t0 + seconds(1)).ok());
    STRCMP_EQUAL("two\n", contents(path).c_str());
}
