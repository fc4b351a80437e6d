#include "json_text.h"
#include "stats_report.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace kashim::cli {
namespace {

GroupStats counted_group() {
    GroupStats group;
    group.group = "/system.slice/app.service";
    group.pins = "/sys/fs/bpf/kashim/v1/4242";
    group.policy = "cap";
    group.settings = {{"SO_KEEPALIVE", 1}, {"TCP_KEEPIDLE", 15}};
    group.rules = 1;
    group.counted = true;
    group.counting_since = 1764466212;  // 2025-11-30T01:30:12Z
    group.configured = 12;
    group.dead_peers[KASHIM_DEAD_PEER_KEEPALIVE] = 2;
    group.dead_peers[KASHIM_DEAD_PEER_USER_TIMEOUT] = 1;
    return group;
}

GroupStats uncounted_group() {
    GroupStats group;
    group.group = "/old";
    group.pins = "/sys/fs/bpf/kashim/v1/7";
    group.policy = "override";
    return group;
}

TEST(PrometheusLabelValue, EscapesBackslashQuoteAndNewlineOnly) {
    EXPECT_EQ(prometheus_label_value("/system.slice/a.service"), "/system.slice/a.service");
    EXPECT_EQ(prometheus_label_value("a\\b"), "a\\\\b");
    EXPECT_EQ(prometheus_label_value("say \"hi\""), "say \\\"hi\\\"");
    EXPECT_EQ(prometheus_label_value("two\nlines"), "two\\nlines");
    EXPECT_EQ(prometheus_label_value("tab\tand\xc3\xa9"), "tab\tand\xc3\xa9");
    EXPECT_EQ(prometheus_label_value("\\\"\n"), "\\\\\\\"\\n");
}

TEST(Prometheus, EveryFamilyHasHelpAndTypeAndEveryReasonASample) {
    std::string text = render_prometheus({counted_group()});
    EXPECT_EQ(text,
              "# HELP kashim_connections_configured_total TCP connections kashim configured in the group since "
              "kashim_counting_since_seconds.\n"
              "# TYPE kashim_connections_configured_total counter\n"
              "kashim_connections_configured_total{group=\"/system.slice/app.service\"} 12\n"
              "# HELP kashim_dead_peers_total Connections kashim configured in the group that ended on a dead peer, by "
              "reason: keepalive, keepalive probes unanswered on an idle connection; user_timeout, data "
              "unacknowledged past the user timeout, or retransmissions exhausted; connect, a SYN never answered.\n"
              "# TYPE kashim_dead_peers_total counter\n"
              "kashim_dead_peers_total{group=\"/system.slice/app.service\",reason=\"keepalive\"} 2\n"
              "kashim_dead_peers_total{group=\"/system.slice/app.service\",reason=\"user_timeout\"} 1\n"
              "kashim_dead_peers_total{group=\"/system.slice/app.service\",reason=\"connect\"} 0\n"
              "# HELP kashim_counting_since_seconds Unix time the group's counters started: its first attach (a "
              "re-attach keeps them).\n"
              "# TYPE kashim_counting_since_seconds gauge\n"
              "kashim_counting_since_seconds{group=\"/system.slice/app.service\"} 1764466212\n"
              "# HELP kashim_attachment_info kashim is attached to the group (1): its policy, the options it sets and "
              "its number of rules.\n"
              "# TYPE kashim_attachment_info gauge\n"
              "kashim_attachment_info{group=\"/system.slice/app.service\",policy=\"cap\",sets=\"SO_KEEPALIVE=1 "
              "TCP_KEEPIDLE=15\",rules=\"1\"} 1\n");
}

TEST(Prometheus, SamplesOfAFamilyStayTogetherAcrossGroups) {
    GroupStats second = counted_group();
    second.group = "/b";
    std::string text = render_prometheus({counted_group(), second});
    size_t first_dead = text.find("kashim_dead_peers_total{");
    size_t last_configured = text.rfind("kashim_connections_configured_total{");
    EXPECT_LT(last_configured, first_dead);
    EXPECT_NE(text.find("kashim_dead_peers_total{group=\"/b\",reason=\"connect\"} 0\n"), std::string::npos);
}

TEST(Prometheus, AGroupWithoutCountersHasItsInfoAndNoCounters) {
    std::string text = render_prometheus({uncounted_group()});
    EXPECT_EQ(text.find("kashim_connections_configured_total{"), std::string::npos) << text;
    EXPECT_EQ(text.find("kashim_dead_peers_total{"), std::string::npos) << text;
    EXPECT_EQ(text.find("kashim_counting_since_seconds{"), std::string::npos) << text;
    EXPECT_NE(text.find("kashim_attachment_info{group=\"/old\",policy=\"override\",sets=\"nothing\",rules=\"0\"} 1\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("# TYPE kashim_dead_peers_total counter\n"), std::string::npos);
}

TEST(Prometheus, LabelValuesAreEscaped) {
    GroupStats group = counted_group();
    group.group = "/we\"ird\\na\nme";
    std::string text = render_prometheus({group});
    EXPECT_NE(text.find("kashim_connections_configured_total{group=\"/we\\\"ird\\\\na\\nme\"} 12\n"), std::string::npos)
        << text;
    // No raw newline inside any sample line.
    EXPECT_EQ(text.find("we\"ird"), std::string::npos);
}

TEST(Prometheus, NoGroupsStillNamesEveryFamily) {
    std::string text = render_prometheus({});
    for (const char* family : {"kashim_connections_configured_total counter", "kashim_dead_peers_total counter",
                               "kashim_counting_since_seconds gauge", "kashim_attachment_info gauge"})
        EXPECT_NE(text.find(std::string("# TYPE ") + family + "\n"), std::string::npos) << family;
    EXPECT_EQ(text.find("{"), std::string::npos);
}

TEST(Json, OneDocumentAnObjectPerGroup) {
    EXPECT_EQ(render_json({}), "{\"groups\": []}\n");
    EXPECT_EQ(render_json({counted_group(), uncounted_group()}),
              "{\"groups\": [\n"
              "  {\"group\": \"/system.slice/app.service\", \"live\": true, \"pins\": \"/sys/fs/bpf/kashim/v1/4242\", "
              "\"policy\": \"cap\", \"settings\": {\"SO_KEEPALIVE\": 1, \"TCP_KEEPIDLE\": 15}, \"rules\": 1, "
              "\"since\": 1764466212, \"since_rfc3339\": \"2025-11-30T01:30:12Z\", \"counted\": true, "
              "\"configured\": 12, \"dead_peers\": {\"keepalive\": 2, \"user_timeout\": 1, \"connect\": 0}, "
              "\"dead_peers_total\": 3},\n"
              "  {\"group\": \"/old\", \"live\": true, \"pins\": \"/sys/fs/bpf/kashim/v1/7\", \"policy\": \"override\", "
              "\"settings\": {}, \"rules\": 0, \"since\": null, \"since_rfc3339\": null, \"counted\": false, "
              "\"configured\": null, \"dead_peers\": null, \"dead_peers_total\": null}\n"
              "]}\n");
}

TEST(Json, StringsAreEscaped) {
    EXPECT_EQ(json_string("plain"), "\"plain\"");
    EXPECT_EQ(json_string("q\"b\\n\nt\tc\x01"), "\"q\\\"b\\\\n\\nt\\tc\\u0001\"");
}

TEST(Table, FiguresAndSinceWhen) {
    setenv("TZ", "UTC", 1);
    tzset();
    std::string text = render_table({counted_group(), uncounted_group()}, 1764466212 + 3 * 3600 + 5 * 60 + 9);
    EXPECT_EQ(text,
              "/system.slice/app.service (policy cap, sets SO_KEEPALIVE=1 TCP_KEEPIDLE=15; 1 rule)\n"
              "  counting since   2025-11-30 01:30:12 UTC (3 h 5 min ago)\n"
              "  configured       12 connections\n"
              "  dead peers       3\n"
              "    keepalive      2       keepalive probes unanswered on an idle connection\n"
              "    user_timeout   1       data unacknowledged past the user timeout, or retransmissions exhausted\n"
              "    connect        0       a SYN never answered\n"
              "\n"
              "/old (policy override, sets nothing; 0 rules)\n"
              "  counts           none: this attachment keeps no counters (made by a kashim that did not count)\n");
}

TEST(AgeText, TheTwoLargestUnits) {
    EXPECT_EQ(age_text(0), "0 s");
    EXPECT_EQ(age_text(-5), "0 s");
    EXPECT_EQ(age_text(42), "42 s");
    EXPECT_EQ(age_text(60), "1 min");
    EXPECT_EQ(age_text(125), "2 min 5 s");
    EXPECT_EQ(age_text(3600 * 3 + 60 * 5 + 9), "3 h 5 min");
    EXPECT_EQ(age_text(86400 * 2 + 3600 * 4 + 1), "2 d 4 h");
}

}  // namespace
}  // namespace kashim::cli
