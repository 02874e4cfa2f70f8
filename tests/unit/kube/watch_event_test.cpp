#include <CppUTest/TestHarness.h>

#include "kube/watch_event.h"

using nodeplane::kube::EventDecoder;
using nodeplane::kube::EventType;
using nodeplane::kube::statusMessage;

TEST_GROUP(WatchEvent) {
    EventDecoder decoder;
};

TEST(WatchEvent, AddedCarriesTheObjectAndItsIdentity) {
    auto e = decoder.decode(
        R"({"type":"ADDED","object":{"kind":"Service","apiVersion":"v1","metadata":{"name":"web","namespace":"shop","resourceVersion":"41"},"spec":{"ports":[{"port":80}]}}})");
    CHECK_TRUE_TEXT(e.ok(), e.ok() ? "" : e.error().message.c_str());
    CHECK_TRUE(e->type == EventType::Added);
    STRCMP_EQUAL("41", e->resourceVersion.c_str());
    STRCMP_EQUAL("shop", e->namespace_.c_str());
    STRCMP_EQUAL("web", e->name.c_str());
    STRCMP_EQUAL(
        R"({"kind":"Service","apiVersion":"v1","metadata":{"name":"web","namespace":"shop","resourceVersion":"41"},"spec":{"ports":[{"port":80}]}})",
        e->object.c_str());
}

TEST(WatchEvent, ModifiedAndDeletedOfAClusterScopedObject) {
    auto m = decoder.decode(R"({"type":"MODIFIED","object":{"kind":"Node","metadata":{"name":"n1","resourceVersion":"7"}}})");
    CHECK_TRUE(m.ok());
    CHECK_TRUE(m->type == EventType::Modified);
    STRCMP_EQUAL("", m->namespace_.c_str());
    STRCMP_EQUAL("n1", m->name.c_str());
    auto d = decoder.decode(R"({"type":"DELETED","object":{"kind":"Node","metadata":{"name":"n1","resourceVersion":"8"}}})");
    CHECK_TRUE(d.ok());
    CHECK_TRUE(d->type == EventType::Deleted);
    STRCMP_EQUAL("8", d->resourceVersion.c_str());
}

TEST(WatchEvent, BookmarkOnlyAdvancesTheResourceVersion) {
    auto b = decoder.decode(
        R"({"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"12345","annotations":{"k8s.io/initial-events-end":"true"}}}})");
    CHECK_TRUE_TEXT(b.ok(), b.ok() ? "" : b.error().message.c_str());
    CHECK_TRUE(b->type == EventType::Bookmark);
    STRCMP_EQUAL("12345", b->resourceVersion.c_str());
    CHECK_TRUE(b->object.empty());
}

TEST(WatchEvent, GoneErrorCarriesItsStatus) {
    auto e = decoder.decode(
        R"json({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 5 (90)","reason":"Expired","code":410}})json");
    CHECK_TRUE(e.ok());
    CHECK_TRUE(e->type == EventType::Error);
    LONGS_EQUAL(410, e->statusCode);
    STRCMP_EQUAL("too old resource version: 5 (90)", e->statusMessage.c_str());
}

TEST(WatchEvent, OtherErrorStatus) {
    auto e = decoder.decode(R"({"type":"ERROR","object":{"kind":"Status","code":500,"message":"etcd is down"}})");
    CHECK_TRUE(e.ok());
    LONGS_EQUAL(500, e->statusCode);
    STRCMP_EQUAL("etcd is down", e->statusMessage.c_str());
}

TEST(WatchEvent, GarbageIsAnError) {
    auto notJson = decoder.decode("<html>502 Bad Gateway</html>");
    CHECK_FALSE(notJson.ok());
    STRCMP_CONTAINS("watch event is not valid JSON", notJson.error().message.c_str());
    STRCMP_CONTAINS("502 Bad Gateway", notJson.error().message.c_str());
    auto truncated = decoder.decode(R"({"type":"ADDED","object":{"metadata":)");
    CHECK_FALSE(truncated.ok());
    auto unknown = decoder.decode(R"({"type":"RENAMED","object":{}})");
    CHECK_FALSE(unknown.ok());
    STRCMP_CONTAINS("unknown type 'RENAMED'", unknown.error().message.c_str());
    auto noObject = decoder.decode(R"({"type":"ADDED"})");
    CHECK_FALSE(noObject.ok());
    auto noVersion = decoder.decode(R"({"type":"ADDED","object":{"metadata":{"name":"x"}}})");
    CHECK_FALSE(noVersion.ok());
    STRCMP_CONTAINS("resourceVersion", noVersion.error().message.c_str());
    auto noName = decoder.decode(R"({"type":"MODIFIED","object":{"metadata":{"resourceVersion":"3"}}})");
    CHECK_FALSE(noName.ok());
    STRCMP_CONTAINS("metadata.name", noName.error().message.c_str());
}

TEST(WatchEvent, DecoderIsReusableAfterGarbage) {
    CHECK_FALSE(decoder.decode("{{{").ok());
    auto e = decoder.decode(R"({"type":"DELETED","object":{"metadata":{"name":"a","namespace":"b","resourceVersion":"1"}}})");
    CHECK_TRUE(e.ok());
    STRCMP_EQUAL("a", e->name.c_str());
}

TEST(WatchEvent, StatusMessageOfAnErrorBody) {
    STRCMP_EQUAL("pods is forbidden: User \"x\" cannot list",
                 statusMessage(R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"pods is forbidden: User \"x\" cannot list","code":403})")
                     .c_str());
    STRCMP_EQUAL("", statusMessage("Internal Server Error").c_str());
    STRCMP_EQUAL("", statusMessage(R"({"kind":"Pod","message":"no"})").c_str());
}
