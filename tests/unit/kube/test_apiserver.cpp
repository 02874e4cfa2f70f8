#include "test_apiserver.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "common/c_handle.h"

extern char** environ;

namespace nodeplane::kube::test {

namespace {

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void run(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    if (posix_spawn(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0)
        throw std::runtime_error("cannot run " + argv[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error(argv[0] + " failed");
}

size_t discard(char*, size_t size, size_t count, void*) {
    return size * count;
}

}  // namespace

TestApiServer::TestApiServer() {
    const std::string tools = NP_TEST_APISERVER_DIR;
    run({tools + "/make-test-pki", dir_.path()});
    std::vector<std::string> argv = {tools + "/np-test-apiserver", "--cert", file("server.crt"), "--key",
                                     file("server.key"), "--client-ca", file("ca.crt"), "--tokens-file",
                                     file("tokens"), "--port", "0", "--port-file", file("port"), "--control",
                                     "127.0.0.1:0", "--control-port-file", file("control-port"),
                                     "--bookmark-interval", "1"};
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, file("server.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start np-test-apiserver");
    constexpr auto kStartTimeout = std::chrono::seconds(10);
    auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
    while (readFile(file("port")).empty() || readFile(file("control-port")).empty()) {
        if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("np-test-apiserver did not start");
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    auto trim = [](std::string s) {
        while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
        return s;
    };
    url_ = "https://127.0.0.1:" + trim(readFile(file("port")));
    controlUrl_ = "http://127.0.0.1:" + trim(readFile(file("control-port")));
    run({tools + "/make-test-pki", dir_.path(), "--server", url_});
}

TestApiServer::~TestApiServer() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
}

long TestApiServer::control(const std::string& path, const std::string& body, const char* method) const {
    CHandle<CURL, curl_easy_cleanup> easy(curl_easy_init());
    CHandle<curl_slist, curl_slist_free_all> headers(curl_slist_append(nullptr, "Content-Type: application/json"));
    std::string url = controlUrl_ + path;
    curl_easy_setopt(easy.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy.get(), CURLOPT_CUSTOMREQUEST, method);
    if (std::string(method) == "POST") curl_easy_setopt(easy.get(), CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(easy.get(), CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, &discard);
    curl_easy_setopt(easy.get(), CURLOPT_TIMEOUT, 10L);
    if (curl_easy_perform(easy.get()) != CURLE_OK) return 0;
    long status = 0;
    curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
    return status;
}

std::string TestApiServer::log() const {
    return readFile(file("server.log"));
}

}  // namespace nodeplane::kube::test
