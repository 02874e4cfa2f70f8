// Runs tests/support/kube_apiserver/np-test-apiserver on 127.0.0.1 with a
// fresh test PKI in a private directory, and talks to its control API. The
// process is killed and the directory removed when the fixture goes.
#pragma once

#include <sys/types.h>

#include <string>

#include "temp_dir.h"

namespace nodeplane::kube::test {

class TestApiServer {
public:
    TestApiServer();  // throws std::runtime_error when it cannot start
    ~TestApiServer();
    TestApiServer(const TestApiServer&) = delete;
    TestApiServer& operator=(const TestApiServer&) = delete;

    // A file of the PKI ("kubeconfig-cert", "token", ...).
    std::string file(const std::string& name) const { return dir_.path() + "/" + name; }
    const std::string& url() const { return url_; }
    // POST to the control API; returns the HTTP status (0 on transport failure).
    long control(const std::string& path, const std::string& body = "", const char* method = "POST") const;
    // What the server logged (for failure messages).
    std::string log() const;

private:
    TempDir dir_;
    pid_t pid_ = -1;
    std::string url_;
    std::string controlUrl_;
};

}  // namespace nodeplane::kube::test
