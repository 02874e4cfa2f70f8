#include <CppUTest/TestHarness.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "kube/credentials.h"
#include "temp_dir.h"

using nodeplane::kube::inClusterCredentials;
using nodeplane::kube::InClusterPaths;
using nodeplane::kube::test::TempDir;

namespace {

// Sets an environment variable for one test and restores it after.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value) ::setenv(name, value, 1);
        else ::unsetenv(name);
    }
    ~ScopedEnv() {
        if (old_) ::setenv(name_, old_->c_str(), 1);
        else ::unsetenv(name_);
    }

private:
    const char* name_;
    std::optional<std::string> old_;
};

}  // namespace

TEST_GROUP(InCluster) {
    TempDir dir;
    InClusterPaths paths() {
        return InClusterPaths{dir.path() + "/sa/token", dir.path() + "/sa/ca.crt"};
    }
};

TEST(InCluster, ServerFromTheServiceEnvironment) {
    ScopedEnv host("KUBERNETES_SERVICE_HOST", "10.96.0.1");
    ScopedEnv port("KUBERNETES_SERVICE_PORT", "443");
    dir.write("sa/token", "sa-token\n");
    dir.write("sa/ca.crt", "-----BEGIN CERTIFICATE-----\n");
    auto c = inClusterCredentials(paths());
    CHECK_TRUE_TEXT(c.ok(), c.ok() ? "" : c.error().message.c_str());
    STRCMP_EQUAL("https://10.96.0.1:443", c->server.c_str());
    STRCMP_EQUAL(paths().caFile.c_str(), c->caFile.c_str());
    STRCMP_EQUAL(paths().tokenFile.c_str(), c->tokenFile.c_str());
    CHECK_TRUE(c->token.empty());  // re-read from the file: the kubelet rotates it
    STRCMP_EQUAL("in-cluster service account", c->describe.c_str());
    dir.write("sa/token", "rotated\n");
    STRCMP_EQUAL("rotated", nodeplane::kube::currentToken(*c)->c_str());
}

TEST(InCluster, Ipv6ServiceAddressIsBracketed) {
    ScopedEnv host("KUBERNETES_SERVICE_HOST", "fd00::1");
    ScopedEnv port("KUBERNETES_SERVICE_PORT", "6443");
    dir.write("sa/token", "t");
    dir.write("sa/ca.crt", "ca");
    auto c = inClusterCredentials(paths());
    CHECK_TRUE(c.ok());
    STRCMP_EQUAL("https://[fd00::1]:6443", c->server.c_str());
}

TEST(InCluster, OutsideAPodIsAnError) {
    ScopedEnv host("KUBERNETES_SERVICE_HOST", nullptr);
    ScopedEnv port("KUBERNETES_SERVICE_PORT", "443");
    auto c = inClusterCredentials(paths());
    CHECK_FALSE(c.ok());
    STRCMP_CONTAINS("KUBERNETES_SERVICE_HOST", c.error().message.c_str());
}

TEST(InCluster, MissingTokenOrCaIsNamed) {
    ScopedEnv host("KUBERNETES_SERVICE_HOST", "10.96.0.1");
    ScopedEnv port("KUBERNETES_SERVICE_PORT", "443");
    auto noToken = inClusterCredentials(paths());
    CHECK_FALSE(noToken.ok());
    STRCMP_CONTAINS(("service account token " + paths().tokenFile).c_str(), noToken.error().message.c_str());
    dir.write("sa/token", "t");
    auto noCa = inClusterCredentials(paths());
    CHECK_FALSE(noCa.ok());
    STRCMP_CONTAINS(("service account CA " + paths().caFile).c_str(), noCa.error().message.c_str());
}

TEST(InCluster, EmptyTokenIsAnError) {
    ScopedEnv host("KUBERNETES_SERVICE_HOST", "10.96.0.1");
    ScopedEnv port("KUBERNETES_SERVICE_PORT", "443");
    dir.write("sa/token", "\n");
    dir.write("sa/ca.crt", "ca");
    auto c = inClusterCredentials(paths());
    CHECK_FALSE(c.ok());
    STRCMP_CONTAINS("is empty", c.error().message.c_str());
}
