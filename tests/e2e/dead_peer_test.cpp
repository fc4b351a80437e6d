// A really dead peer: unmodified programs, each in a private network namespace, connected to a
// peer that goes silent and then vanishes as a crashed host does (the namespace's loopback is
// cut). Under kashim each must end with "connection timed out" within the bound its settings
// promise. Every case also runs without the setting under test, side by side in a namespace of
// its own, and that control must still be blocked at the end: otherwise the case proves nothing.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <system_error>
#include <fstream>
#include <regex>
#include <sstream>

#include "harness/dead_peer_run.h"
#ifdef KASHIM_HAS_CGROUP_ENGINE
#include "cgroup_attachment.h"
#endif

namespace e2e {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

// 1 + 1 x 2 = 3 s after the last packet from the peer; 1.5 s is for timer granularity and the
// program's own way out (a JVM takes a while to exit).
const std::vector<std::string> kFastKeepalive = {"KA_IDLE=1", "KA_INTVL=1", "KA_CNT=2"};
constexpr milliseconds kKeepaliveBound = 1s + 1s * 2 + 1500ms;
constexpr milliseconds kUserTimeoutBound = 3s + 1500ms;

// Java compiles its source before it connects; on a loaded two-core machine that takes seconds.
constexpr auto kStartTimeout = 30s;

const std::regex kTimedOut("timed out|ETIMEDOUT", std::regex::icase);

// Built from nothing rather than inherited: no proxy variable can send curl or wget anywhere, no
// LD_PRELOAD or KA_* of whoever runs the tests leaks into a control, and messages are English.
std::vector<std::string> plain_environment() {
    std::vector<std::string> env = {"LC_ALL=C", "LANG=C"};
    for (const char* name : {"PATH", "HOME"})
        if (const char* value = getenv(name)) env.push_back(std::string(name) + "=" + value);
    return env;
}

std::vector<std::string> kashim_environment(const std::vector<std::string>& settings) {
    std::vector<std::string> env = plain_environment();
    env.push_back(std::string("LD_PRELOAD=") + KASHIM_LIBRARY);
    env.insert(env.end(), settings.begin(), settings.end());
    return env;
}

std::string seconds(Clock::duration duration) {
    char text[32];
    snprintf(text, sizeof text, "%.2f s", std::chrono::duration<double>(duration).count());
    return text;
}

// The line of the output that names the error, or the last one.
std::string error_line(const std::string& output) {
    std::istringstream lines(output);
    std::string line, last;
    while (std::getline(lines, line)) {
        if (std::regex_search(line, kTimedOut)) return line;
        if (!line.empty()) last = line;
    }
    return last;
}

void report(const std::string& line) {
    printf("[ measured ] %s\n", line.c_str());
    fflush(stdout);
}

void await_both_and_cut(DeadPeerRun& first, DeadPeerRun& second) {
    Clock::time_point deadline = Clock::now() + kStartTimeout;
    first.await_idle_connection(deadline);
    second.await_idle_connection(deadline);
    first.cut();
    second.cut();
}

// `noticing` must end with a timeout within `bound` of its cut; `control` must still be blocked
// `control_window` after its own.
void expect_only_first_notices(const std::string& program, DeadPeerRun& noticing, const std::string& noticing_label,
                               DeadPeerRun& control, const std::string& control_label, milliseconds bound,
                               milliseconds control_window) {
    std::optional<ChildExit> exit = noticing.program().wait_until(noticing.cut_at() + control_window);
    if (!exit) {
        report(program + " " + noticing_label + ": still blocked after " + seconds(control_window));
        ADD_FAILURE() << program << " " << noticing_label << " did not notice the dead peer within "
                      << seconds(control_window) << " (bound " << seconds(bound) << "):\n"
                      << noticing.program().output();
    } else {
        Clock::duration elapsed = exit->at - noticing.cut_at();
        const std::string& output = noticing.program().output();
        report(program + " " + noticing_label + ": " + exit->describe() + " after " + seconds(elapsed) +
               " (bound " + seconds(bound) + "): " + error_line(output));
        ::testing::Test::RecordProperty("with_seconds", seconds(elapsed));
        EXPECT_LE(elapsed, bound) << program << " " << noticing_label << " took too long:\n" << output;
        EXPECT_FALSE(exit->success()) << output;
        EXPECT_TRUE(std::regex_search(output, kTimedOut))
            << program << " " << noticing_label << " ended without a timed-out error:\n" << output;
    }

    std::optional<ChildExit> control_exit = control.program().wait_until(control.cut_at() + control_window);
    if (control_exit) {
        report(program + " " + control_label + ": " + control_exit->describe() + " after " +
               seconds(control_exit->at - control.cut_at()));
        ADD_FAILURE() << program << " " << control_label << " was expected to stay blocked, but ended ("
                      << control_exit->describe() << "):\n"
                      << control.program().output();
    } else {
        report(program + " " + control_label + ": still blocked after " + seconds(control_window));
        ::testing::Test::RecordProperty("control", "still blocked after " + seconds(control_window));
    }
}

// Empty when the command's engine (`--seccomp`, `--cgroup`) can run here, else its own reason.
std::string engine_unsupported(const std::string& flag) {
    ChildProcess check(ChildSpec{{KASHIM_COMMAND, flag, "--", "true"}, plain_environment(), -1});
    std::optional<ChildExit> exit = check.wait_until(Clock::now() + std::chrono::seconds(10));
    return exit && exit->success() ? std::string() : "kashim " + flag + " cannot run here: " + check.output();
}

class DeadPeer : public ::testing::Test {
protected:
    void SetUp() override {
        std::string reason = NetworkNamespace::unavailable_reason();
        if (!reason.empty()) GTEST_SKIP() << reason;
    }
};

// Clients that connect and then wait for a reply, in each runtime's ordinary way. argv[0] is the
// program that must be installed (an empty one was not built, for the reason in `unavailable`);
// {host}, {port} and {clients} are filled in.
struct ClientCase {
    std::string name;
    std::vector<std::string> argv;
    std::string unavailable = {};
};

const ClientCase kClients[] = {
    {"c", {KASHIM_E2E_CLIENT, "{host}", "{port}"}},
    {"musl", {KASHIM_E2E_CLIENT_MUSL, "{host}", "{port}"}, KASHIM_MUSL_UNAVAILABLE},
    {"python3", {"python3", "{clients}/client.py", "{host}", "{port}"}},
    {"node", {"node", "{clients}/client.js", "{host}", "{port}"}},
    // -q: no ~/.curlrc; --noproxy: nothing but the namespace's own address.
    {"curl", {"curl", "-q", "--silent", "--show-error", "--noproxy", "*", "--output", "/dev/null",
              "http://{host}:{port}/"}},
    // One try: wget's retry would reconnect and report that failure instead.
    {"wget", {"wget", "--no-config", "--no-proxy", "--tries=1", "--output-document=/dev/null",
              "http://{host}:{port}/"}},
    {"perl", {"perl", "{clients}/client.pl", "{host}", "{port}"}},
    {"java", {"java", "{clients}/Client.java", "{host}", "{port}"}},
    // No SSL or GSS negotiation: libpq would retry without them on a fresh connection.
    {"psql", {"psql", "--no-psqlrc", "--no-password",
              "host={host} port={port} user=kashim dbname=kashim sslmode=disable gssencmode=disable",
              "--command=SELECT 1"}},
};

// Names the case in gtest's listing, and so in the ctest test names, instead of its bytes.
void PrintTo(const ClientCase& client, std::ostream* out) { *out << client.name; }

std::vector<std::string> expand(const std::vector<std::string>& templates, uint16_t port = kPort) {
    const std::pair<std::string, std::string> fields[] = {
        {"{host}", kHost}, {"{port}", std::to_string(port)}, {"{clients}", KASHIM_E2E_CLIENTS_DIR}};
    std::vector<std::string> result;
    for (std::string text : templates) {
        for (const auto& [field, value] : fields)
            for (size_t at = text.find(field); at != std::string::npos; at = text.find(field, at + value.size()))
                text.replace(at, field.size(), value);
        result.push_back(text);
    }
    return result;
}

class IdleClient : public DeadPeer, public ::testing::WithParamInterface<ClientCase> {};

TEST_P(IdleClient, TimesOutOnlyUnderKashim) {
    const ClientCase& client = GetParam();
    if (client.argv[0].empty()) GTEST_SKIP() << client.name << " client not built: " << client.unavailable;
    if (!find_program(client.argv[0]))
        GTEST_SKIP() << client.name << " is not installed (no " << client.argv[0] << " in PATH)";
    std::vector<std::string> argv = expand(client.argv);

    DeadPeerRun with(Role::Client, argv, kashim_environment(kFastKeepalive));
    DeadPeerRun without(Role::Client, argv, plain_environment());
    await_both_and_cut(with, without);
    expect_only_first_notices(client.name, with, "with kashim", without, "without kashim", kKeepaliveBound,
                              2 * kKeepaliveBound);
}

INSTANTIATE_TEST_SUITE_P(Clients, IdleClient, ::testing::ValuesIn(kClients),
                         [](const ::testing::TestParamInfo<ClientCase>& param) { return param.param.name; });

// Data in flight stops the keepalive timer (the retransmission timer rules, for ~15 minutes by
// default); only KA_USER_TIMEOUT bounds it. The control has the same keepalive settings under
// kashim, so it shows that keepalive alone cannot help here.
TEST_F(DeadPeer, DataInFlightEndsAtUserTimeout) {
    std::vector<std::string> argv = expand({KASHIM_E2E_CLIENT, "{host}", "{port}", "--write-on-sigusr1"});
    std::vector<std::string> with_timeout = kFastKeepalive;
    with_timeout.push_back("KA_USER_TIMEOUT=3s");

    DeadPeerRun with(Role::Client, argv, kashim_environment(with_timeout));
    DeadPeerRun without(Role::Client, argv, kashim_environment(kFastKeepalive));
    await_both_and_cut(with, without);
    with.program().send_signal(SIGUSR1);
    without.program().send_signal(SIGUSR1);
    expect_only_first_notices("c client writing after the cut", with, "with KA_USER_TIMEOUT=3s", without,
                              "without KA_USER_TIMEOUT", kUserTimeoutBound, 10s);
}

// The other direction: a server under kashim whose client vanishes drops the accepted connection.
TEST_F(DeadPeer, ServerDropsVanishedClient) {
    std::vector<std::string> argv = expand({KASHIM_E2E_SERVER, "{host}", "{port}"});

    DeadPeerRun with(Role::Server, argv, kashim_environment(kFastKeepalive));
    DeadPeerRun without(Role::Server, argv, plain_environment());
    await_both_and_cut(with, without);
    expect_only_first_notices("c server", with, "with kashim", without, "without kashim", kKeepaliveBound,
                              2 * kKeepaliveBound);
}

// Programs under the command's own engines: the seccomp supervisor and cgroup mode. For programs
// LD_PRELOAD cannot reach (static, Go) the control is the same program with LD_PRELOAD of the
// shim, which proves the shim alone cannot help it; for python3 it is the bare program. Go sets
// its own 15 s keepalive, so the Go cases also show the policy working (15 s is looser than 1 s).
struct EngineCase {
    std::string name;
    std::string flag;  // --seccomp or --cgroup
    std::vector<std::string> argv;
    bool control_with_preload = true;
};

const EngineCase kEngineCases[] = {
    {"seccomp_static", "--seccomp", {KASHIM_E2E_CLIENT_STATIC, "{host}", "{port}"}},
    {"seccomp_static_forked_child", "--seccomp", {KASHIM_E2E_CLIENT_STATIC, "{host}", "{port}", "--fork"}},
    {"seccomp_go", "--seccomp", {KASHIM_E2E_GO_CLIENT, "{host}", "{port}"}},
    {"cgroup_static", "--cgroup", {KASHIM_E2E_CLIENT_STATIC, "{host}", "{port}"}},
    {"cgroup_static_forked_child", "--cgroup", {KASHIM_E2E_CLIENT_STATIC, "{host}", "{port}", "--fork"}},
    {"cgroup_go", "--cgroup", {KASHIM_E2E_GO_CLIENT, "{host}", "{port}"}},
    {"cgroup_python3", "--cgroup", {"python3", "{clients}/client.py", "{host}", "{port}"}, false},
};

void PrintTo(const EngineCase& engine_case, std::ostream* out) { *out << engine_case.name; }

class EngineClient : public DeadPeer, public ::testing::WithParamInterface<EngineCase> {};

TEST_P(EngineClient, TimesOutUnderTheEngineButNotItsControl) {
    const EngineCase& client = GetParam();
    if (client.argv[0].empty()) GTEST_SKIP() << client.name << ": Go is not installed (no go in PATH at build time), or knows no name for this architecture";
    if (!find_program(client.argv[0])) GTEST_SKIP() << client.name << ": no " << client.argv[0] << " in PATH";
    std::string unsupported = engine_unsupported(client.flag);
    if (!unsupported.empty()) GTEST_SKIP() << unsupported;
    std::vector<std::string> argv = expand(client.argv);
    std::vector<std::string> wrapped = {KASHIM_COMMAND, client.flag, "--"};
    wrapped.insert(wrapped.end(), argv.begin(), argv.end());
    std::vector<std::string> env = plain_environment();
    env.insert(env.end(), kFastKeepalive.begin(), kFastKeepalive.end());

    DeadPeerRun with(Role::Client, wrapped, env);
    DeadPeerRun without(Role::Client, argv,
                        client.control_with_preload ? kashim_environment(kFastKeepalive) : plain_environment());
    await_both_and_cut(with, without);
    expect_only_first_notices(client.name, with, "with kashim " + client.flag, without,
                              client.control_with_preload ? "with LD_PRELOAD only" : "without kashim", kKeepaliveBound,
                              2 * kKeepaliveBound);
}

INSTANTIATE_TEST_SUITE_P(CommandEngines, EngineClient, ::testing::ValuesIn(kEngineCases),
                         [](const ::testing::TestParamInfo<EngineCase>& param) { return param.param.name; });

// Rules: the same settings for both runs, a rule that gives a 3 s bound to one port only. The
// client of the other port falls back to the global settings (kernel timers) and stays blocked.
TEST_F(DeadPeer, RuleGivesItsBoundToItsPortOnly) {
    constexpr uint16_t kRuledPort = kPort, kOtherPort = kPort + 1;
    std::vector<std::string> env =
        kashim_environment({"KA_RULES=port=" + std::to_string(kRuledPort) + " detect=3s"});
    DeadPeerRun ruled(Role::Client, expand({KASHIM_E2E_CLIENT, "{host}", "{port}"}, kRuledPort), env, kRuledPort);
    DeadPeerRun other(Role::Client, expand({KASHIM_E2E_CLIENT, "{host}", "{port}"}, kOtherPort), env, kOtherPort);
    await_both_and_cut(ruled, other);
    constexpr milliseconds kDetectBound = 3s + 1500ms;
    expect_only_first_notices("c client", ruled, "on the port with detect=3s", other, "on another port", kDetectBound,
                              2 * kDetectBound);
}

// A process already blocked on its peer, started with nothing of kashim's: `kashim apply PID`
// gives its open connection the settings, and it notices the peer's death within the bound. The
// control is the same program, blocked the same way, that nobody rescued.
TEST_F(DeadPeer, ApplyRescuesAProcessAlreadyBlocked) {
    std::vector<std::string> argv = expand({KASHIM_E2E_CLIENT, "{host}", "{port}"});
    DeadPeerRun rescued(Role::Client, argv, plain_environment());
    DeadPeerRun control(Role::Client, argv, plain_environment());
    Clock::time_point deadline = Clock::now() + kStartTimeout;
    rescued.await_idle_connection(deadline);
    control.await_idle_connection(deadline);
    CommandResult apply = run_command({KASHIM_COMMAND, "apply", "--idle", "1", "--intvl", "1", "--cnt", "2",
                                       std::to_string(rescued.program().pid())});
    ASSERT_TRUE(apply.exit.success()) << apply.output;
    EXPECT_NE(apply.output.find("connected to 127.0.0.1:4242: set SO_KEEPALIVE=1 TCP_KEEPIDLE=1 TCP_KEEPINTVL=1 TCP_KEEPCNT=2"),
              std::string::npos)
        << apply.output;
    rescued.cut();
    control.cut();
    expect_only_first_notices("c client", rescued, "after kashim apply", control, "never applied", kKeepaliveBound,
                              2 * kKeepaliveBound);
}

// What the preload engine says of a connection it configured that ended on a dead peer: one info
// line when the program closes the socket, naming the peer, the reason and how long the peer had
// been silent. Each case below has a program under kashim at KA_LOG=info writing a log file of
// its own; the controls end their connections in ways that are not a dead peer and must leave
// no such line in a log that kashim did write to.
class LogFile {
public:
    LogFile() {
        char directory[] = "/tmp/kashim-e2e-log-XXXXXX";
        if (mkdtemp(directory) == nullptr) throw std::system_error(errno, std::generic_category(), "mkdtemp");
        directory_ = directory;
        path_ = directory_ + "/kashim.log";
    }
    ~LogFile() {
        unlink(path_.c_str());
        rmdir(directory_.c_str());
    }
    LogFile(const LogFile&) = delete;
    LogFile& operator=(const LogFile&) = delete;

    const std::string& path() const { return path_; }
    std::string text() const {
        std::ifstream in(path_);
        std::stringstream content;
        content << in.rdbuf();
        return content.str();
    }
    std::vector<std::string> dead_peer_lines() const {
        std::istringstream lines(text());
        std::vector<std::string> found;
        for (std::string line; std::getline(lines, line);)
            if (line.find("ended on a dead peer") != std::string::npos) found.push_back(line);
        return found;
    }

private:
    std::string directory_, path_;
};

// The preload library's dead-peer line needs the kernel's TCP_INFO. qemu-user answers it with the
// first 4 bytes only (it takes every SOL_TCP option for an int), so there the library can tell
// nothing of how a connection ended, and these cases say so instead of failing.
class DeadPeerReport : public DeadPeer {
protected:
    void SetUp() override {
        DeadPeer::SetUp();
        if (IsSkipped()) return;
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        unsigned char info[256];
        socklen_t length = sizeof info;
        bool answered = fd >= 0 && getsockopt(fd, IPPROTO_TCP, TCP_INFO, info, &length) == 0;
        if (fd >= 0) close(fd);
        if (!answered || length < 104)
            GTEST_SKIP() << "getsockopt(TCP_INFO) gives back " << (answered ? std::to_string(length) : "nothing")
                         << " bytes here (qemu-user emulates 4): the library cannot tell how a connection ended";
    }
};

// A program under kashim, with its own log file. The log is made first: the environment names it.
struct LoggedRun {
    LoggedRun(Role role, const std::vector<std::string>& argv_templates, std::vector<std::string> settings)
        : run(role, expand(argv_templates), logged_environment(std::move(settings), log)) {}

    static std::vector<std::string> logged_environment(std::vector<std::string> settings, const LogFile& log) {
        settings.push_back("KA_LOG=info");
        settings.push_back("KA_LOG_FILE=" + log.path());
        return kashim_environment(settings);
    }

    // The program's exit within `window`, or a failure that says so.
    std::optional<ChildExit> ends_within(milliseconds window) {
        std::optional<ChildExit> exit = run.program().wait_until(Clock::now() + window);
        if (!exit) ADD_FAILURE() << run.program().name() << " still running after " << seconds(window);
        return exit;
    }

    // kashim wrote to the log (its start line), and not one dead-peer line.
    void expect_no_dead_peer_line() {
        std::string text = log.text();
        EXPECT_NE(text.find("kashim: active"), std::string::npos) << "kashim wrote no log at all:\n" << text;
        EXPECT_TRUE(log.dead_peer_lines().empty()) << "a dead peer was reported where there was none:\n" << text;
    }

    // Exactly one dead-peer line, which starts with `expected`; returns it.
    std::string expect_one_dead_peer_line(const std::string& expected) {
        std::vector<std::string> lines = log.dead_peer_lines();
        EXPECT_EQ(lines.size(), 1u) << log.text() << "\nprogram:\n" << run.program().output();
        if (lines.empty()) return {};
        report("logged: " + lines[0]);
        EXPECT_EQ(lines[0].rfind(expected, 0), 0u) << lines[0];
        return lines[0];
    }

    LogFile log;
    DeadPeerRun run;
};

// The seconds a line says the peer was silent ("... for 3.068 s"), or -1.
double silent_seconds(const std::string& line) {
    std::smatch match;
    static const std::regex kSilent("nothing heard from it for ([0-9.]+) s$");
    return std::regex_search(line, match, kSilent) ? std::stod(match[1]) : -1;
}

const std::string kLoggedPeer = "kashim: connection to 127.0.0.1:4242 ended on a dead peer ";

TEST_F(DeadPeerReport, KeepaliveTimeoutIsLoggedOnceAtClose) {
    LoggedRun client(Role::Client, {KASHIM_E2E_CLIENT, "{host}", "{port}"}, kFastKeepalive);
    client.run.await_idle_connection(Clock::now() + kStartTimeout);
    client.run.cut();
    std::optional<ChildExit> exit = client.ends_within(2 * kKeepaliveBound);
    ASSERT_TRUE(exit);
    EXPECT_TRUE(std::regex_search(client.run.program().output(), kTimedOut)) << client.run.program().output();
    std::string line = client.expect_one_dead_peer_line(
        kLoggedPeer + "(keepalive): keepalive probes unanswered on an idle connection; nothing heard from it for ");
    // Idle 1 s, then 2 probes 1 s apart unanswered: 3 s since the peer was last heard from.
    double silent = silent_seconds(line);
    EXPECT_GE(silent, 2.5) << line;
    EXPECT_LE(silent, std::chrono::duration<double>(kKeepaliveBound).count()) << line;
}

// The same, for a program that lets go of the socket by dup2()ing another file over it.
TEST_F(DeadPeerReport, KeepaliveTimeoutIsLoggedWhenDup2ReplacesTheSocket) {
    LoggedRun client(Role::Client, {KASHIM_E2E_CLIENT, "{host}", "{port}", "--replace-with-dup2"}, kFastKeepalive);
    client.run.await_idle_connection(Clock::now() + kStartTimeout);
    client.run.cut();
    ASSERT_TRUE(client.ends_within(2 * kKeepaliveBound));
    EXPECT_TRUE(std::regex_search(client.run.program().output(), kTimedOut)) << client.run.program().output();
    client.expect_one_dead_peer_line(kLoggedPeer + "(keepalive): ");
}

// An accepted connection whose client vanished: the peer is the client's address and port.
TEST_F(DeadPeerReport, VanishedClientOfAServerIsLoggedAtClose) {
    LoggedRun server(Role::Server, {KASHIM_E2E_SERVER, "{host}", "{port}"}, kFastKeepalive);
    server.run.await_idle_connection(Clock::now() + kStartTimeout);
    server.run.cut();
    ASSERT_TRUE(server.ends_within(2 * kKeepaliveBound));
    EXPECT_TRUE(std::regex_search(server.run.program().output(), kTimedOut)) << server.run.program().output();
    std::string line = server.expect_one_dead_peer_line("kashim: connection to 127.0.0.1:");
    EXPECT_TRUE(std::regex_search(line, std::regex("^kashim: connection to 127\\.0\\.0\\.1:[0-9]+ ended on a dead peer "
                                                   "\\(keepalive\\): ")))
        << line;
}

TEST_F(DeadPeerReport, DataUnacknowledgedPastTheUserTimeoutIsLoggedAtClose) {
    std::vector<std::string> settings = kFastKeepalive;
    settings.push_back("KA_USER_TIMEOUT=3s");
    LoggedRun client(Role::Client, {KASHIM_E2E_CLIENT, "{host}", "{port}", "--write-on-sigusr1"}, settings);
    client.run.await_idle_connection(Clock::now() + kStartTimeout);
    client.run.cut();
    client.run.program().send_signal(SIGUSR1);
    ASSERT_TRUE(client.ends_within(10s));
    EXPECT_TRUE(std::regex_search(client.run.program().output(), kTimedOut)) << client.run.program().output();
    std::string line = client.expect_one_dead_peer_line(
        kLoggedPeer + "(user_timeout): data unacknowledged past the user timeout, or retransmissions exhausted; "
                      "nothing heard from it for ");
    EXPECT_GE(silent_seconds(line), 3.0) << line;
}

// A blocking connect() whose SYNs nobody answers, bounded by the user timeout: the kernel forgets
// the peer's address as connect() returns, so the line is written there, with the address the
// program gave; its close after says nothing more.
TEST_F(DeadPeerReport, SynNeverAnsweredIsLogged) {
    LoggedRun client(Role::UnansweredClient, {KASHIM_E2E_CLIENT, "{host}", "{port}"}, {"KA_USER_TIMEOUT=2s"});
    ASSERT_TRUE(client.ends_within(15s));
    EXPECT_TRUE(std::regex_search(client.run.program().output(), kTimedOut)) << client.run.program().output();
    client.expect_one_dead_peer_line(kLoggedPeer + "(connect): a SYN never answered");
}

// Controls: connections that end, but not on a dead peer.
TEST_F(DeadPeerReport, PeerClosingNormallyIsNotLogged) {
    LoggedRun client(Role::Client, {KASHIM_E2E_CLIENT, "{host}", "{port}"}, kFastKeepalive);
    client.run.await_idle_connection(Clock::now() + kStartTimeout);
    client.run.close_peer();  // a FIN: the program's recv returns 0, its socket is in CLOSE_WAIT
    std::optional<ChildExit> exit = client.ends_within(10s);
    ASSERT_TRUE(exit);
    EXPECT_NE(client.run.program().output().find("the peer closed the connection"), std::string::npos)
        << client.run.program().output();
    client.expect_no_dead_peer_line();
}

TEST_F(DeadPeerReport, HealthyConnectionClosedByTheProgramIsNotLogged) {
    LoggedRun client(Role::Client, {KASHIM_E2E_CLIENT, "{host}", "{port}", "--close-on-sigusr1"}, kFastKeepalive);
    client.run.await_idle_connection(Clock::now() + kStartTimeout);
    client.run.program().send_signal(SIGUSR1);
    std::optional<ChildExit> exit = client.ends_within(10s);
    ASSERT_TRUE(exit);
    EXPECT_TRUE(exit->success()) << exit->describe() << ": " << client.run.program().output();
    client.expect_no_dead_peer_line();
}

TEST_F(DeadPeerReport, RefusedConnectIsNotLogged) {
    LoggedRun client(Role::RefusedClient, {KASHIM_E2E_CLIENT, "{host}", "{port}"}, {"KA_USER_TIMEOUT=2s"});
    ASSERT_TRUE(client.ends_within(10s));
    EXPECT_NE(client.run.program().output().find("Connection refused"), std::string::npos)
        << client.run.program().output();
    client.expect_no_dead_peer_line();
}

// A group the test makes under the cgroup2 mount and removes, detaching kashim first.
class ScratchGroup {
public:
    ScratchGroup() {
        std::ifstream mounts("/proc/self/mounts");
        for (std::string device, where, type, rest; mounts >> device >> where >> type && std::getline(mounts, rest);)
            if (type == "cgroup2") path_ = where + "/kashim-e2e-" + std::to_string(getpid());
        if (!path_.empty() && mkdir(path_.c_str(), 0755) != 0) path_.clear();
    }
    ~ScratchGroup() {
        if (path_.empty()) return;
        run_command({KASHIM_COMMAND, "detach", path_});
        for (int attempt = 0; attempt < 100 && rmdir(path_.c_str()) != 0; ++attempt) usleep(50000);
    }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// A process already blocked on its peer when `kashim attach` names its group wakes within the
// bound; the same program outside the group stays blocked.
TEST_F(DeadPeer, AttachRescuesAProcessAlreadyBlockedInTheGroup) {
    std::string unsupported = engine_unsupported("--cgroup");
    if (!unsupported.empty()) GTEST_SKIP() << unsupported;
    ScratchGroup group;
    ASSERT_FALSE(group.path().empty()) << "cannot make a group under the cgroup2 mount";
    std::vector<std::string> argv = expand({KASHIM_E2E_CLIENT, "{host}", "{port}"});
    std::vector<std::string> in_group = {"sh", "-c", "echo $$ > \"$0/cgroup.procs\" && exec \"$@\"", group.path()};
    in_group.insert(in_group.end(), argv.begin(), argv.end());
    DeadPeerRun rescued(Role::Client, in_group, plain_environment());
    DeadPeerRun control(Role::Client, argv, plain_environment());
    Clock::time_point deadline = Clock::now() + kStartTimeout;
    rescued.await_idle_connection(deadline);
    control.await_idle_connection(deadline);
    CommandResult attach = run_command({KASHIM_COMMAND, "attach", "--idle", "1", "--intvl", "1", "--cnt", "2", group.path()});
    ASSERT_TRUE(attach.exit.success()) << attach.output;
    EXPECT_NE(attach.output.find("connected to 127.0.0.1:4242: set SO_KEEPALIVE=1 TCP_KEEPIDLE=1"), std::string::npos)
        << attach.output;
    rescued.cut();
    control.cut();
    expect_only_first_notices("c client", rescued, "after kashim attach", control, "outside the group", kKeepaliveBound,
                              2 * kKeepaliveBound);
}


#ifdef KASHIM_HAS_CGROUP_ENGINE
using kashim::AttachedGroup;
using kashim::AttachmentCounts;
using kashim::list_attached;

// What an attachment counted, read from its pins as `kashim stats` reads them.
AttachmentCounts counts_of(const ScratchGroup& group) {
    struct stat facts {};
    stat(group.path().c_str(), &facts);
    std::string pins = "/sys/fs/bpf/kashim/v1/" + std::to_string(facts.st_ino);
    for (const AttachedGroup& attached : list_attached().groups)
        if (attached.pins == pins) return attached.counts;
    return {};
}

// Cgroup mode counts what it saved: each connection of the group that ends on a dead peer, by
// why, and none that ends otherwise. A keepalive death and a user-timeout death against a cut
// peer, and a SYN into a link that answers nothing (a veth pair with a neighbour that does not
// exist, in a namespace of the test's own); the controls, an orderly close and a reset, are
// counted as configured connections and not as dead peers. The user-timeout client is started
// after a re-attach with new settings: the counts go on across it.
TEST_F(DeadPeer, AttachCountsTheConnectionsThatEndOnADeadPeer) {
    std::string unsupported = engine_unsupported("--cgroup");
    if (!unsupported.empty()) GTEST_SKIP() << unsupported;
    ScratchGroup group;
    ASSERT_FALSE(group.path().empty()) << "cannot make a group under the cgroup2 mount";
    auto attach = [&](const std::vector<std::string>& settings) {
        std::vector<std::string> command = {KASHIM_COMMAND, "attach", "--no-existing"};
        command.insert(command.end(), settings.begin(), settings.end());
        command.push_back(group.path());
        CommandResult attached = run_command(command);
        ASSERT_TRUE(attached.exit.success()) << attached.output;
    };
    auto in_group = [&](std::vector<std::string> argv) {
        argv.insert(argv.begin(), {"sh", "-c", "echo $$ > \"$0/cgroup.procs\" && exec \"$@\"", group.path()});
        return argv;
    };
    attach({"--idle", "1", "--intvl", "1", "--cnt", "2"});
    ASSERT_TRUE(counts_of(group).read) << "the new attachment's counters cannot be read";
    EXPECT_EQ(counts_of(group).configured, 0u);

    DeadPeerRun idle(Role::Client, in_group(expand({KASHIM_E2E_CLIENT, "{host}", "{port}"})), plain_environment());
    idle.await_idle_connection(Clock::now() + kStartTimeout);
    idle.cut();
    std::optional<ChildExit> idle_exit = idle.program().wait_until(idle.cut_at() + 2 * kKeepaliveBound);
    ASSERT_TRUE(idle_exit) << "the idle client did not notice its dead peer";

    attach({"--idle", "1", "--intvl", "1", "--cnt", "2", "--user-timeout", "3s"});
    DeadPeerRun writing(Role::Client,
                        in_group(expand({KASHIM_E2E_CLIENT, "{host}", "{port}", "--write-on-sigusr1"})),
                        plain_environment());
    writing.await_idle_connection(Clock::now() + kStartTimeout);
    writing.cut();
    writing.program().send_signal(SIGUSR1);
    ASSERT_TRUE(writing.program().wait_until(writing.cut_at() + 2 * kUserTimeoutBound))
        << "the writing client did not notice its dead peer";

    NetworkNamespace silent;
    const std::string veth = "kashim" + std::to_string(getpid() % 100000);
    for (const std::vector<std::string>& step :
         {std::vector<std::string>{"ip", "-n", silent.name(), "link", "add", veth, "type", "veth", "peer", "name", veth + "p"},
          {"ip", "-n", silent.name(), "link", "set", veth, "up"},
          {"ip", "-n", silent.name(), "link", "set", veth + "p", "up"},
          {"ip", "-n", silent.name(), "address", "add", "10.9.9.1/24", "dev", veth},
          {"ip", "-n", silent.name(), "neigh", "add", "10.9.9.2", "lladdr", "02:00:00:00:00:02", "dev", veth, "nud",
           "permanent"}}) {
        CommandResult made = run_command(step);
        if (!made.exit.success()) GTEST_SKIP() << "cannot make a link that answers nothing: " << made.output;
    }
    CommandResult unanswered =
        run_command(in_group({"ip", "netns", "exec", silent.name(), KASHIM_E2E_CLIENT, "10.9.9.2", "4242"}));
    EXPECT_TRUE(std::regex_search(unanswered.output, kTimedOut)) << unanswered.output;

    // Two connections on loopback, each with both ends in the group: one the server closes in
    // order, one it resets (SO_LINGER 0).
    CommandResult controls = run_command(in_group({"python3", "-c", R"(
import socket, struct
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(2)
for reset in (False, True):
    client = socket.create_connection(listener.getsockname())
    served, _ = listener.accept()
    if reset:
        served.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    served.close()
    try:
        print("read", client.recv(1))
    except OSError as error:
        print("read", error)
    client.close()
)"}));
    EXPECT_TRUE(controls.exit.success()) << controls.output;
    EXPECT_NE(controls.output.find("Connection reset"), std::string::npos) << controls.output;

    AttachmentCounts counts = counts_of(group);
    ASSERT_TRUE(counts.read);
    report("counted: configured " + std::to_string(counts.configured) + ", keepalive " +
           std::to_string(counts.dead_peers[KASHIM_DEAD_PEER_KEEPALIVE]) + ", user_timeout " +
           std::to_string(counts.dead_peers[KASHIM_DEAD_PEER_USER_TIMEOUT]) + ", connect " +
           std::to_string(counts.dead_peers[KASHIM_DEAD_PEER_CONNECT]));
    EXPECT_EQ(counts.configured, 7u) << "three clients and two pairs of loopback ends";
    EXPECT_EQ(counts.dead_peers[KASHIM_DEAD_PEER_KEEPALIVE], 1u);
    EXPECT_EQ(counts.dead_peers[KASHIM_DEAD_PEER_USER_TIMEOUT], 1u);
    EXPECT_EQ(counts.dead_peers[KASHIM_DEAD_PEER_CONNECT], 1u);
}
#endif

}  // namespace
}  // namespace e2e
