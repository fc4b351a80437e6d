#include "drill_report.h"

#include <gtest/gtest.h>

namespace kashim::cli {
namespace {

DrillReport one_connection(bool ended) {
    DrillReport report;
    report.program = "python3";
    report.settings = "SO_KEEPALIVE=1 TCP_KEEPIDLE=1 TCP_KEEPINTVL=1 TCP_KEEPCNT=2";
    report.bound_ms = 3000;
    report.cut_after_ms = 2000;
    report.within_ms = 6000;
    report.connected = true;
    report.cut = true;
    DrilledConnection connection{"127.0.0.1:40112", "127.0.0.1:5432", 42, 3, ended, ended ? 3078u : 6000u,
                                 ended ? "Connection timed out: keepalive probes unanswered on an idle connection" : ""};
    report.connections.push_back(connection);
    report.program_status = ended ? "exited with status 1 on its own" : "stopped by the drill";
    return report;
}

TEST(DrillReport, EveryConnectionEndedWithinTheBoundPasses) {
    DrillReport report = one_connection(true);
    EXPECT_EQ(drill_exit_status(report), 0);
    std::string text = drill_text(report);
    EXPECT_NE(text.find("127.0.0.1:5432: ended after 3.078 s (Connection timed out: keepalive probes unanswered on an "
                        "idle connection), within 6 s: pass\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("verdict: pass: every connection open at the cut ended within 6 s of it\n"), std::string::npos)
        << text;
}

TEST(DrillReport, AConnectionStillOpenFails) {
    DrillReport report = one_connection(false);
    EXPECT_EQ(drill_exit_status(report), 1);
    std::string text = drill_text(report);
    EXPECT_NE(text.find("127.0.0.1:5432: still open after 6 s: FAIL\n"), std::string::npos) << text;
    EXPECT_NE(text.find("verdict: FAIL: 1 of 1 connections still open 6 s after the cut\n"), std::string::npos) << text;
}

TEST(DrillReport, NoConnectionMadeOrOpenAtTheCutFails) {
    DrillReport none;
    none.within_ms = 6000;
    EXPECT_EQ(drill_exit_status(none), 1);
    EXPECT_NE(drill_text(none).find("the program made no TCP connection"), std::string::npos);
    DrillReport closed_before = one_connection(true);
    closed_before.connections.clear();
    EXPECT_EQ(drill_exit_status(closed_before), 1);
    EXPECT_NE(drill_text(closed_before).find("no connection of the program's was open at the cut"), std::string::npos);
}

TEST(DrillReport, ADrillThatCouldNotRunIs125WhateverItSaw) {
    DrillReport report = one_connection(true);
    report.problem = "interrupted by SIGINT";
    EXPECT_EQ(drill_exit_status(report), 125);
    EXPECT_NE(drill_text(report).find("verdict: the drill could not run to its end: interrupted by SIGINT"),
              std::string::npos);
}

TEST(DrillReport, JsonIsOneDocumentWithTheVerdictAndQuotedStrings) {
    DrillReport report = one_connection(false);
    report.program = "a \"quoted\"\\name";
    std::string json = drill_json(report);
    EXPECT_EQ(json.back(), '\n');
    EXPECT_EQ(json.find('\n'), json.size() - 1) << "one line: " << json;
    EXPECT_NE(json.find("\"program\": \"a \\\"quoted\\\"\\\\name\""), std::string::npos) << json;
    EXPECT_NE(json.find("\"bound_s\": 3.000"), std::string::npos) << json;
    EXPECT_NE(json.find("\"ended\": false, \"after_s\": 6.000, \"how\": null, \"pass\": false"), std::string::npos)
        << json;
    EXPECT_NE(json.find("\"pass\": false, \"exit_status\": 1}"), std::string::npos) << json;
}

}  // namespace
}  // namespace kashim::cli
