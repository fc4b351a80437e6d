// Stress under kashim: many threads, fork while threads make sockets, a signal storm
// whose handler makes sockets, vfork/posix_spawn children, and a program whose fd 2 becomes a
// socket. Each runs the same probe with the shim and, as a control, without it (or with the bug
// simulated), so every count shown to be right here is one that can come out wrong.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <sstream>

#include "harness/child.h"

namespace {

using robustness::ChildOptions;
using robustness::ChildResult;
using Env = std::map<std::string, std::string>;

const Env kSettings = {{"KA_IDLE", "10"}, {"KA_INTVL", "5"}, {"KA_CNT", "3"}, {"KA_USER_TIMEOUT", "auto"}};

// Every "key=value" word of the output.
std::map<std::string, long> counts_of(const std::string& output) {
    std::map<std::string, long> counts;
    std::istringstream words(output);
    std::string word;
    while (words >> word) {
        size_t equals = word.find('=');
        if (equals == std::string::npos || equals == 0) continue;
        try {
            counts[word.substr(0, equals)] = std::stol(word.substr(equals + 1));
        } catch (...) {
        }
    }
    return counts;
}

ChildResult run_probe(const std::vector<std::string>& args, bool with_shim, Env env = kSettings,
                      std::vector<std::string> preload_before = {}, int timeout_seconds = 300) {
    ChildOptions options;
    options.argv = {STRESS_PROBE};
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    options.env = env;
    options.preload = preload_before;
    if (with_shim) options.preload.push_back(robustness::shim_library());
    options.timeout = std::chrono::seconds(timeout_seconds);
    ChildResult result = robustness::run_child(options);
    EXPECT_EQ(result.exit_code, 0) << args[0] << (with_shim ? " with kashim: " : " without kashim: ")
                                   << result.describe();
    return result;
}

TEST(Stress, SixteenThreadsTwentyThousandConnectAcceptRoundsEach) {
    constexpr long kThreads = 16, kRounds = 20000;
    ChildResult shimmed = run_probe({"threads", std::to_string(kThreads), std::to_string(kRounds)}, true);
    auto counts = counts_of(shimmed.out);
    // Per round a client and an accepted socket, plus each thread's listener; a UDP socket every 16.
    EXPECT_EQ(counts["tcp"], kThreads * (2 * kRounds + 1)) << shimmed.out;
    EXPECT_EQ(counts["with-settings"], counts["tcp"]) << shimmed.out;
    EXPECT_EQ(counts["other"], kThreads * (kRounds / 16)) << shimmed.out;
    EXPECT_EQ(counts["other-touched"], 0) << shimmed.out;
    EXPECT_EQ(counts["failures"], 0) << shimmed.out << shimmed.err;
    EXPECT_EQ(counts["fds-leaked"], 0) << shimmed.out;
    EXPECT_EQ(shimmed.err, "");
    std::printf("[ measured ] %ld TCP sockets in %.1f s\n", counts["tcp"], shimmed.seconds);

    // The control: the same rounds without the shim leave every socket as the kernel made it.
    auto control = counts_of(run_probe({"threads", "16", "100"}, false).out);
    EXPECT_EQ(control["tcp"], 16 * 201);
    EXPECT_EQ(control["with-settings"], 0);
}

TEST(Stress, ForkWhileOtherThreadsMakeSocketsAndTheChildMakesItsOwn) {
    ChildResult shimmed = run_probe({"fork", "200"}, true);
    auto counts = counts_of(shimmed.out);
    EXPECT_EQ(counts["children"], 200);
    EXPECT_EQ(counts["children-wrong"], 0) << shimmed.out;
    EXPECT_EQ(counts["children-failed"], 0) << shimmed.out;
    EXPECT_EQ(counts["children-hung"], 0) << shimmed.out;
    EXPECT_GT(counts["tcp"], 0);
    EXPECT_EQ(counts["with-settings"], counts["tcp"]) << shimmed.out;
    EXPECT_EQ(counts["other-touched"], 0) << shimmed.out;
    EXPECT_EQ(shimmed.err, "");

    auto control = counts_of(run_probe({"fork", "10"}, false).out);
    EXPECT_EQ(control["children-wrong"], 10 * 5);  // 4 sockets and a connected one per child
    EXPECT_EQ(control["with-settings"], 0);
}

TEST(Stress, SignalStormWhoseHandlerMakesSockets) {
    ChildResult shimmed = run_probe({"sigalrm", "5000"}, true);
    auto counts = counts_of(shimmed.out);
    EXPECT_GE(counts["handler-sockets"], 5000) << shimmed.out;
    EXPECT_EQ(counts["handler-with-settings"], counts["handler-sockets"]) << shimmed.out;
    EXPECT_EQ(counts["handler-failures"], 0) << shimmed.out;
    EXPECT_GT(counts["tcp"], 0);
    EXPECT_EQ(counts["with-settings"], counts["tcp"]) << shimmed.out;
    EXPECT_EQ(counts["other-touched"], 0) << shimmed.out;
    EXPECT_EQ(counts["failures"], 0) << shimmed.out << shimmed.err;
    EXPECT_EQ(counts["fds-leaked"], 0) << shimmed.out;
    EXPECT_EQ(shimmed.err, "");

    auto control = counts_of(run_probe({"sigalrm", "200"}, false).out);
    EXPECT_GE(control["handler-sockets"], 200);
    EXPECT_EQ(control["handler-with-settings"], 0);
}

TEST(Stress, PosixSpawnAndVforkChildrenWhileOtherThreadsMakeSockets) {
    ChildResult shimmed = run_probe({"spawn", "100"}, true);
    auto counts = counts_of(shimmed.out);
    EXPECT_EQ(counts["children"], 100);
    EXPECT_EQ(counts["children-wrong"], 0) << shimmed.out;
    EXPECT_EQ(counts["children-failed"], 0) << shimmed.out;
    EXPECT_EQ(counts["children-hung"], 0) << shimmed.out;
    EXPECT_EQ(counts["with-settings"], counts["tcp"]) << shimmed.out;
    EXPECT_EQ(shimmed.err, "");

    auto control = counts_of(run_probe({"spawn", "4"}, false).out);
    EXPECT_EQ(control["children-wrong"], 4 * 4);
}

// A vfork child shares the parent's memory, kashim's descriptor registry included, but has a
// descriptor table of its own: what it closes or redirects before exec is not the parent's.
TEST(Stress, AVforkChildsClosesAndRedirectsDoNotUnsettleTheParent) {
    Env env = {{"KA_IDLE", "10"}};
    EXPECT_EQ(counts_of(run_probe({"vfork-close"}, true, env).out)["operator-idle-kept"], 4);
    EXPECT_EQ(counts_of(run_probe({"vfork-close", "fork"}, true, env).out)["operator-idle-kept"], 4);
    auto nested = counts_of(run_probe({"vfork-close", "fork-then-vfork"}, true, env).out);
    EXPECT_EQ(nested["operator-idle-kept"], 4);
    EXPECT_EQ(nested["own-redirect-recorded"], 1);
    EXPECT_EQ(counts_of(run_probe({"vfork-close"}, false, env).out)["operator-idle-kept"], 0);
}

const Env kDebugEveryConnection = {{"KA_LOG", "debug"}, {"KA_RULES", "dir=in addr=127.0.0.0/8 idle=10"}};

TEST(Stress, ASocketThatBecameFd2NeverReceivesALogLine) {
    ChildResult shimmed = run_probe({"fd2"}, true, kDebugEveryConnection);
    EXPECT_EQ(counts_of(shimmed.out)["fd2-received"], 0) << shimmed.out;
    EXPECT_NE(shimmed.out.find("restored"), std::string::npos);
    // Logging was on throughout: once fd 2 is stderr again, the last connection's line arrives.
    EXPECT_TRUE(std::regex_search(shimmed.err, std::regex("kashim: fd [0-9]+ connect to 127.0.0.1:[0-9]+: set")))
        << shimmed.err;

    // The control: a line written to fd 2 in that state does reach the peer.
    ChildResult careless = run_probe({"fd2", "self-write"}, true, kDebugEveryConnection);
    EXPECT_EQ(counts_of(careless.out)["fd2-received"], 14) << careless.out;
}

TEST(Stress, Fd2BecomingASocketBetweenKashimsCheckAndItsWrite) {
    ChildResult shimmed = run_probe({"fd2-race"}, true, {{"KA_LOG", "debug"}}, {SLOW_FSTAT_LIBRARY});
    EXPECT_EQ(counts_of(shimmed.out)["fd2-received"], 0) << shimmed.out;
    // The line went where stderr was when kashim decided to write it.
    EXPECT_TRUE(std::regex_search(shimmed.err, std::regex("kashim: fd [0-9]+ socket: set"))) << shimmed.err;
}

}  // namespace
