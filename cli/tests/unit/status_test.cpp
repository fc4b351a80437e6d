#include "commands/status.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

namespace kashim::cli {
namespace {

constexpr char kKeepaliveLine[] =
    "   1: 0100007F:9C40 0100007F:1F90 01 00000000:00000000 02:00000BB8 00000000     0        0 23456 1 0 20 4 30 10 -1";
constexpr char kNoTimerLine[] =
    "   2: 0100007F:9C41 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 23457 1 0 20 4 30 10 -1";

ProcessStatus wrapped_process() {
    ProcessStatus status;
    status.pid = 42;
    status.command = "curl";
    status.library = "/usr/lib/libkashim.so";
    status.settings = std::vector<std::string>{"KA_IDLE=30", "LD_PRELOAD=/usr/lib/libkashim.so"};
    status.sockets.push_back({3, *parse_tcp_line(kKeepaliveLine, AF_INET), KeepaliveOptions{true, 30, 10, 3, 60000}});
    status.sockets.push_back({7, *parse_tcp_line(kNoTimerLine, AF_INET), KeepaliveOptions{false, 7200, 75, 9, 0}});
    return status;
}

TEST(FormatStatus, ExactValuesAndThePendingTimerInOneTable) {
    EXPECT_EQ(format_status(wrapped_process(), 100),
              "PID 42 (curl): kashim loaded from /usr/lib/libkashim.so\n"
              "  environment: KA_IDLE=30 LD_PRELOAD=/usr/lib/libkashim.so\n"
              "  FD  STATE        LOCAL            REMOTE          KEEPALIVE  IDLE   INTVL  CNT  USER_TIMEOUT  TIMER\n"
              "  3   ESTABLISHED  127.0.0.1:40000  127.0.0.1:8080  on         30s    10s    3    60000ms       "
              "keepalive in 30 s, 0 probes unanswered\n"
              "  7   ESTABLISHED  127.0.0.1:40001  127.0.0.1:8080  off        7200s  75s    9    kernel        none\n");
}

TEST(FormatStatus, FromProcOnlyTheTimerTells) {
    ProcessStatus status = wrapped_process();
    for (SocketStatus& socket : status.sockets) socket.exact.reset();
    status.exact_unavailable = "pidfd_getfd: Operation not permitted";
    std::string text = format_status(status, 100);
    EXPECT_NE(text.find("keepalive values from /proc only (pidfd_getfd: Operation not permitted)"), std::string::npos);
    EXPECT_NE(text.find("  3   ESTABLISHED  127.0.0.1:40000  127.0.0.1:8080  on         -     -      -    -"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("  7   ESTABLISHED  127.0.0.1:40001  127.0.0.1:8080  off        -"), std::string::npos) << text;
}

TEST(FormatStatus, ProblemsAndEmptyCases) {
    ProcessStatus gone;
    gone.pid = 7;
    gone.problem = "no such process";
    EXPECT_EQ(format_status(gone, 100), "PID 7: no such process\n");

    ProcessStatus idle;
    idle.pid = 8;
    idle.command = "sleep";
    idle.settings = std::vector<std::string>{};
    EXPECT_EQ(format_status(idle, 100),
              "PID 8 (sleep): kashim not loaded\n  environment: no KA_* settings, no LD_PRELOAD\n  no TCP sockets\n");
    idle.settings.reset();
    EXPECT_NE(format_status(idle, 100).find("environment: (not readable)"), std::string::npos);
}

TEST(ExamineProcess, OwnSocketsWithExactValues) {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(listener, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(listen(listener, 1), 0);
    int idle = 123;
    ASSERT_EQ(setsockopt(listener, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle), 0);

    ProcessStatus status = examine_process(getpid(), false, "libkashim.so");
    close(listener);
    EXPECT_EQ(status.problem, "");
    EXPECT_FALSE(status.library);
    bool found = false;
    for (const SocketStatus& socket : status.sockets) {
        if (socket.fd != listener) continue;
        found = true;
        EXPECT_EQ(socket.tcp.state, TCP_LISTEN);
        ASSERT_TRUE(socket.exact) << status.exact_unavailable;
        EXPECT_EQ(socket.exact->idle_s, 123);
    }
    EXPECT_TRUE(found);

    ProcessStatus passive = examine_process(getpid(), true, "libkashim.so");
    EXPECT_EQ(passive.exact_unavailable, "--passive");
}

TEST(ExamineProcess, MissingProcess) {
    EXPECT_EQ(examine_process(2147483646, false, "libkashim.so").problem, "no such process");
}

Parsed<StatusOptions> parse(Arguments args) { return parse_status_options(args); }

TEST(StatusOptions, PidsAndPassive) {
    Parsed<StatusOptions> parsed = parse({"12", "--passive", "345"});
    ASSERT_EQ(parsed.error, "");
    EXPECT_TRUE(parsed.options.passive);
    EXPECT_EQ(parsed.options.pids, (std::vector<int>{12, 345}));
    EXPECT_TRUE(parse({}).options.pids.empty());
    EXPECT_EQ(parse({"12x"}).error, "status: '12x' is not a process id");
    EXPECT_NE(parse({"0"}).error, "");
    EXPECT_NE(parse({"99999999999"}).error, "");
    EXPECT_TRUE(parse({"--help"}).help);
    EXPECT_TRUE(parse({"12", "-h"}).help);
}

}  // namespace
}  // namespace kashim::cli
