#include <CppUTest/TestHarness.h>

#include <string>

#include "kube/credentials.h"
#include "temp_dir.h"

using nodeplane::kube::loadKubeconfig;
using nodeplane::kube::test::TempDir;

namespace {

// A kubeconfig with two contexts; `user` is the body of user "u1" and
// `cluster` the body of cluster "c1" (both indented by 4).
std::string kubeconfig(const std::string& cluster, const std::string& user,
                       const std::string& current = "current-context: ctx1\n") {
    return "apiVersion: v1\nkind: Config\n" + current +
           "contexts:\n"
           "- name: other\n  context: {cluster: c2, user: u2}\n"
           "- name: ctx1\n  context:\n    cluster: c1\n    user: u1\n    namespace: kube-system\n"
           "clusters:\n"
           "- name: c2\n  cluster: {server: 'https://other:6443'}\n"
           "- name: c1\n  cluster:\n" + cluster +
           "users:\n"
           "- name: u2\n  user: {token: other-token}\n"
           "- name: u1\n  user:\n" + user;
}

const std::string kFileCluster = "    server: https://10.0.0.1:6443/\n    certificate-authority: pki/ca.crt\n";
const std::string kFileUser = "    client-certificate: pki/client.crt\n    client-key: /abs/client.key\n";

}  // namespace

TEST_GROUP(Kubeconfig) {
    TempDir dir;
};

TEST(Kubeconfig, FilesRelativeToTheKubeconfigDirectory) {
    auto path = dir.write("conf/kubeconfig", kubeconfig(kFileCluster, kFileUser));
    auto c = loadKubeconfig(path);
    CHECK_TRUE_TEXT(c.ok(), c.ok() ? "" : c.error().message.c_str());
    STRCMP_EQUAL("https://10.0.0.1:6443", c->server.c_str());
    STRCMP_EQUAL((dir.path() + "/conf/pki/ca.crt").c_str(), c->caFile.c_str());
    STRCMP_EQUAL((dir.path() + "/conf/pki/client.crt").c_str(), c->clientCertFile.c_str());
    STRCMP_EQUAL("/abs/client.key", c->clientKeyFile.c_str());
    CHECK_TRUE(c->caPem.empty());
    CHECK_TRUE(c->token.empty());
    STRCMP_EQUAL(("kubeconfig " + path + " (context ctx1)").c_str(), c->describe.c_str());
}

TEST(Kubeconfig, InlineDataIsDecodedFromBase64) {
    // base64 of "-----BEGIN CERTIFICATE-----\nca\n", "client cert pem\n", "client key pem\n".
    auto path = dir.write("kubeconfig", kubeconfig("    server: https://api.example:443\n"
                                                   "    certificate-authority-data: "
                                                   "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCmNhCg==\n",
                                                   "    client-certificate-data: Y2xpZW50IGNlcnQgcGVtCg==\n"
                                                   "    client-key-data: Y2xpZW50IGtleSBwZW0K\n"));
    auto c = loadKubeconfig(path);
    CHECK_TRUE_TEXT(c.ok(), c.ok() ? "" : c.error().message.c_str());
    STRCMP_EQUAL("-----BEGIN CERTIFICATE-----\nca\n", c->caPem.c_str());
    STRCMP_EQUAL("client cert pem\n", c->clientCertPem.c_str());
    STRCMP_EQUAL("client key pem\n", c->clientKeyPem.c_str());
    CHECK_TRUE(c->caFile.empty());
    CHECK_TRUE(c->clientCertFile.empty());
}

TEST(Kubeconfig, BearerToken) {
    auto path = dir.write("kubeconfig", kubeconfig("    server: https://h:6443\n", "    token: abc.def\n"));
    auto c = loadKubeconfig(path);
    CHECK_TRUE(c.ok());
    STRCMP_EQUAL("abc.def", c->token.c_str());
    CHECK_TRUE(c->tokenFile.empty());
    CHECK_TRUE(c->caFile.empty() && c->caPem.empty());  // the system trust store
    auto token = nodeplane::kube::currentToken(*c);
    CHECK_TRUE(token.ok());
    STRCMP_EQUAL("abc.def", token->c_str());
}

TEST(Kubeconfig, TokenFileIsRelativeAndReadAfreshEachTime) {
    auto path = dir.write("kubeconfig", kubeconfig("    server: https://h:6443\n", "    tokenFile: secrets/token\n"));
    dir.write("secrets/token", "first\n");
    auto c = loadKubeconfig(path);
    CHECK_TRUE_TEXT(c.ok(), c.ok() ? "" : c.error().message.c_str());
    STRCMP_EQUAL((dir.path() + "/secrets/token").c_str(), c->tokenFile.c_str());
    STRCMP_EQUAL("first", nodeplane::kube::currentToken(*c)->c_str());
    dir.write("secrets/token", "rotated");
    STRCMP_EQUAL("rotated", nodeplane::kube::currentToken(*c)->c_str());
}

TEST(Kubeconfig, MissingCurrentContextIsNamed) {
    auto path = dir.write("kubeconfig", kubeconfig(kFileCluster, kFileUser, ""));
    auto c = loadKubeconfig(path);
    CHECK_FALSE(c.ok());
    STRCMP_EQUAL(("kubeconfig " + path + ": key 'current-context': missing").c_str(), c.error().message.c_str());
}

TEST(Kubeconfig, UnknownContextIsNamed) {
    auto path = dir.write("kubeconfig", kubeconfig(kFileCluster, kFileUser, "current-context: nope\n"));
    auto c = loadKubeconfig(path);
    CHECK_FALSE(c.ok());
    STRCMP_EQUAL(("kubeconfig " + path + ": key 'contexts': no entry named 'nope'").c_str(),
                 c.error().message.c_str());
}

TEST(Kubeconfig, MissingServerIsNamed) {
    auto path = dir.write("kubeconfig", kubeconfig("    certificate-authority: ca.crt\n", kFileUser));
    auto c = loadKubeconfig(path);
    CHECK_FALSE(c.ok());
    STRCMP_EQUAL(("kubeconfig " + path + ": key 'clusters[name=c1].cluster.server': missing").c_str(),
                 c.error().message.c_str());
}

TEST(Kubeconfig, InsecureSkipTlsVerifyIsRefused) {
    auto path = dir.write("kubeconfig",
                          kubeconfig("    server: https://h:6443\n    insecure-skip-tls-verify: true\n", kFileUser));
    auto c = loadKubeconfig(path);
    CHECK_FALSE(c.ok());
    STRCMP_CONTAINS("key 'clusters[name=c1].cluster.insecure-skip-tls-verify': is refused",
                    c.error().message.c_str());
}

TEST(Kubeconfig, InsecureSkipTlsVerifyFalseIsFine) {
    auto path = dir.write("kubeconfig",
                          kubeconfig("    server: https://h:6443\n    insecure-skip-tls-verify: false\n", kFileUser));
    CHECK_TRUE(loadKubeconfig(path).ok());
}

TEST(Kubeconfig, PlainHttpServerIsRefused) {
    auto path = dir.write("kubeconfig", kubeconfig("    server: http://h:8080\n", kFileUser));
    auto c = loadKubeconfig(path);
    CHECK_FALSE(c.ok());
    STRCMP_CONTAINS("key 'clusters[name=c1].cluster.server': 'http://h:8080' is not an https:// URL",
                    c.error().message.c_str());
}

TEST(Kubeconfig, FileAndDataTogetherAreRefused) {
    auto path = dir.write("kubeconfig", kubeconfig("    server: https://h:6443\n    certificate-authority: ca.crt\n"
                                                   "    certificate-authority-data: Y2EK\n",
                                                   kFileUser));
    auto c = loadKubeconfig(path);
    CHECK_FALSE(c.ok());
    STRCMP_CONTAINS("key 'clusters[name=c1].cluster.certificate-authority-data': set together with",
                    c.error().message.c_str());
}

TEST(Kubeconfig, CertificateWithoutKeyIsRefused) {
    auto path = dir.write("kubeconfig", kubeconfig(kFileCluster, "    client-certificate: c.crt\n"));
    auto c = loadKubeconfig(path);
    CHECK_FALSE(c.ok());
    STRCMP_CONTAINS("key 'users[name=u1].user.client-key': missing", c.error().message.c_str());
}

TEST(Kubeconfig, BadBase64IsNamed) {
    auto path = dir.write("kubeconfig", kubeconfig(kFileCluster, "    token: t\n    client-certificate-data: '***'\n"
                                                                 "    client-key-data: Y2EK\n"));
    auto c = loadKubeconfig(path);
    CHECK_FALSE(c.ok());
    STRCMP_CONTAINS("key 'users[name=u1].user.client-certificate-data': not valid base64", c.error().message.c_str());
}

TEST(Kubeconfig, ExecPluginAloneIsRefused) {
    auto path = dir.write("kubeconfig", kubeconfig(kFileCluster, "    exec:\n      command: aws\n"));
    auto c = loadKubeconfig(path);
    CHECK_FALSE(c.ok());
    STRCMP_CONTAINS("key 'users[name=u1].user.exec': is not supported", c.error().message.c_str());
}

TEST(Kubeconfig, MissingFileAndBadYamlAreNamed) {
    auto missing = loadKubeconfig(dir.path() + "/absent");
    CHECK_FALSE(missing.ok());
    STRCMP_EQUAL(("kubeconfig " + dir.path() + "/absent: cannot be read").c_str(), missing.error().message.c_str());
    auto path = dir.write("bad", "clusters: [unclosed\n");
    auto bad = loadKubeconfig(path);
    CHECK_FALSE(bad.ok());
    STRCMP_CONTAINS(("kubeconfig " + path + ": not valid YAML").c_str(), bad.error().message.c_str());
}
