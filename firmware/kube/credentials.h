// How the daemon reaches and authenticates to the Kubernetes API server: a
// kubeconfig's current context or the pod's service account. TLS is always
// verified; nothing here can turn verification off.
#pragma once

#include <string>

#include "common/result.h"

namespace nodeplane::kube {

struct Credentials {
    std::string server;             // "https://10.0.0.1:6443"; https only
    std::string caFile, caPem;      // one of them, or neither: the system trust store. Always verified.
    std::string clientCertFile, clientCertPem, clientKeyFile, clientKeyPem;
    std::string token;              // a fixed bearer token
    std::string tokenFile;          // re-read before every request, so a rotated token is used
    std::string describe;           // "kubeconfig /etc/x (context ctx)" or "in-cluster service account", for logs
};

// The current context of a kubeconfig (YAML); errors name the file and the missing/bad key.
// Relative file paths in it are relative to the kubeconfig's directory, as kubectl does.
// `insecure-skip-tls-verify: true` is refused (TLS is always verified).
Result<Credentials> loadKubeconfig(const std::string& path);

struct InClusterPaths {  // defaults are the real ones; tests point them elsewhere
    std::string tokenFile = "/var/run/secrets/kubernetes.io/serviceaccount/token";
    std::string caFile = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
};

// From KUBERNETES_SERVICE_HOST / KUBERNETES_SERVICE_PORT and the service account files.
Result<Credentials> inClusterCredentials(const InClusterPaths& paths = {});

// The bearer token to send now: the fixed token, or tokenFile read afresh
// (trailing whitespace removed); "" when the credentials carry none.
Result<std::string> currentToken(const Credentials& credentials);

}  // namespace nodeplane::kube
