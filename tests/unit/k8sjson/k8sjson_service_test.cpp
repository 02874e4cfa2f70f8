#include <CppUTest/TestHarness.h>

#include "k8sjson/k8sjson.h"

using namespace nodeplane;

namespace {

k8sjson::Parsed parse(const char* text) { return k8sjson::parseText(text, "in.json"); }

std::string errorsOf(const k8sjson::Parsed& p) { return formatInputErrors(p.errors); }

}  // namespace

TEST_GROUP(K8sJsonService){};

TEST(K8sJsonService, LoadBalancerWithEveryField) {
    auto p = parse(R"({
      "apiVersion": "v1", "kind": "Service",
      "metadata": {"namespace": "shop", "name": "web", "uid": "ignored", "labels": {"app": "web"},
                   "annotations": {"note": "x"}},
      "spec": {
        "type": "LoadBalancer", "clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10", "fd00:96::10"],
        "externalIPs": ["192.168.99.11"], "loadBalancerSourceRanges": [" 203.0.113.0/25"],
        "sessionAffinity": "ClientIP", "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 600}},
        "externalTrafficPolicy": "Local", "internalTrafficPolicy": "Local", "healthCheckNodePort": 32000,
        "selector": {"app": "web"},
        "ports": [{"name": "http", "port": 80, "targetPort": "http", "nodePort": 30080},
                  {"name": "dns", "protocol": "UDP", "port": 53},
                  {"name": "zero", "protocol": "SCTP", "port": 99, "targetPort": 0}]
      },
      "status": {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}, {"hostname": "lb.example"},
                                              {"ip": "5.6.7.8", "ipMode": "Proxy"}]}}
    })");
    STRCMP_EQUAL("", errorsOf(p).c_str());
    LONGS_EQUAL(1, p.objects.services.size());
    const auto& s = p.objects.services[0];
    STRCMP_EQUAL("shop", s.namespace_.c_str());
    STRCMP_EQUAL("web", s.name.c_str());
    STRCMP_EQUAL("web", s.labels.at("app").c_str());
    STRCMP_EQUAL("x", s.annotations.at("note").c_str());
    CHECK(s.type == state::ServiceType::LoadBalancer);
    LONGS_EQUAL(2, s.clusterIPs.size());
    STRCMP_EQUAL("fd00:96::10", s.clusterIPs[1].toString().c_str());
    STRCMP_EQUAL("192.168.99.11", s.externalIPs[0].toString().c_str());
    LONGS_EQUAL(1, s.loadBalancerIPs.size());  // hostname-only and ipMode Proxy are not served
    STRCMP_EQUAL("1.2.3.4", s.loadBalancerIPs[0].toString().c_str());
    STRCMP_EQUAL("203.0.113.0/25", s.loadBalancerSourceRanges[0].toString().c_str());
    CHECK(s.sessionAffinity == state::SessionAffinity::ClientIP);
    LONGS_EQUAL(600, s.sessionAffinityTimeoutSeconds);
    CHECK(s.externalTrafficPolicy == state::TrafficPolicy::Local);
    CHECK(s.internalTrafficPolicy == state::TrafficPolicy::Local);
    LONGS_EQUAL(32000, s.healthCheckNodePort);
    LONGS_EQUAL(3, s.ports.size());
    STRCMP_EQUAL("http", std::get<std::string>(s.ports[0].targetPort).c_str());
    LONGS_EQUAL(30080, s.ports[0].nodePort);
    CHECK(s.ports[1].protocol == state::Protocol::UDP);
    LONGS_EQUAL(53, std::get<std::uint16_t>(s.ports[1].targetPort));  // absent: same as port
    LONGS_EQUAL(99, std::get<std::uint16_t>(s.ports[2].targetPort));  // 0: same as port
    CHECK(s.ports[2].protocol == state::Protocol::SCTP);
    STRCMP_EQUAL("in.json", s.where.file.c_str());
}

TEST(K8sJsonService, DefaultsAndHeadless) {
    auto p = parse(R"({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db"},
                       "spec": {"clusterIP": "None", "ports": [{"port": 5432}]}})");
    STRCMP_EQUAL("", errorsOf(p).c_str());
    const auto& s = p.objects.services[0];
    STRCMP_EQUAL("default", s.namespace_.c_str());
    CHECK(s.type == state::ServiceType::ClusterIP);
    CHECK(s.clusterIPs.empty());
    CHECK(s.sessionAffinity == state::SessionAffinity::None);
    LONGS_EQUAL(10800, s.sessionAffinityTimeoutSeconds);
    CHECK(s.externalTrafficPolicy == state::TrafficPolicy::Cluster);
    CHECK(s.ports[0].protocol == state::Protocol::TCP);
}

TEST(K8sJsonService, ErrorsNameObjectAndPath) {
    auto p = parse(R"({"apiVersion": "v1", "kind": "Service", "metadata": {"namespace": "ns1", "name": "svc1"},
      "spec": {"type": "Weird", "clusterIP": "10.96.0.300",
               "ports": [{"name": "a", "port": 70000}, {"name": "b", "targetPort": 80},
                         {"name": "c", "port": 81, "targetPort": "Not_A_Name"}, {"name": "d", "port": "80"}],
               "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 0}},
               "loadBalancerSourceRanges": ["10.0.0.1/8"]}})");
    CHECK_FALSE(p.ok());
    CHECK(p.objects.services.empty());  // an object with errors joins no model
    STRCMP_EQUAL(
        "in.json: Service ns1/svc1: key 'spec.type': unknown service type 'Weird'\n"
        "in.json: Service ns1/svc1: key 'spec.clusterIP': '10.96.0.300' is not an IP address\n"
        "in.json: Service ns1/svc1: key 'spec.loadBalancerSourceRanges[0]': '10.0.0.1/8' is not a CIDR with its host "
        "bits clear\n"
        "in.json: Service ns1/svc1: key 'spec.sessionAffinityConfig.clientIP.timeoutSeconds': 0 is out of range "
        "1-86400\n"
        "in.json: Service ns1/svc1: key 'spec.ports[0].port': 70000 is out of range 1-65535\n"
        "in.json: Service ns1/svc1: key 'spec.ports[1].port': is required\n"
        "in.json: Service ns1/svc1: key 'spec.ports[2].targetPort': 'Not_A_Name' is not a port name (IANA_SVC_NAME)\n"
        "in.json: Service ns1/svc1: key 'spec.ports[3].port': expected an integer, got a string",
        errorsOf(p).c_str());
}
