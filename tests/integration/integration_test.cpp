// Real children under each of kashim's engines: the preload shim (LD_PRELOAD of the built
// libkashim.so), the seccomp supervisor and cgroup mode. Every check reads the kernel's state
// from inside the child (getsockopt), and every test also runs the same child without kashim:
// that control must come out differently, or the test would prove nothing.
// ctest runs this whole table once per engine and build of the probe (--engine, --probe-build):
// the shim with a glibc probe and with a musl one, so a musl program is held to everything a
// glibc one is, and the other engines with a static one.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "child_process.h"

namespace {

using Env = std::map<std::string, std::string>;

// The engine this run puts under test, the probe it runs and what that probe was built against,
// from the command line (main below): --engine=preload|supervisor|cgroup --probe=PATH
// --probe-build=glibc|musl|static [--kashim=PATH] [--probe-unavailable=REASON].
std::string g_engine = "preload";
std::string g_probe;
std::string g_probe_build = "glibc";
std::string g_kashim;
std::string g_probe_unavailable;

bool probe_is_musl() { return g_probe_build == "musl"; }
bool under_supervisor() { return g_engine == "supervisor"; }
bool under_cgroup() { return g_engine == "cgroup"; }

// The command line that runs a program under the engine, when the engine is the command's.
std::vector<std::string> engine_command() {
    if (under_supervisor()) return {g_kashim, "--seccomp", "--"};
    if (under_cgroup()) return {g_kashim, "--cgroup", "--"};
    return {};
}

// Why this machine cannot run the command's engine (no seccomp user notification; no BPF, no
// cgroup v2, not root), or empty; asked of the command itself, once.
const std::string& engine_unavailable() {
    static const std::string reason = [] {
        std::vector<std::string> argv = engine_command();
        argv.push_back("/bin/true");
        ChildResult run = run_child(argv, {});
        return run.exit_code == 0 ? std::string() : "kashim " + argv[1] + " cannot run here: " + run.err;
    }();
    return reason;
}

// Every test runs a probe under an engine: without one (musl-gcc missing, a sanitizer build whose
// instrumented shim no musl program can load, no seccomp) each reports skipped, with the reason.
class ProbeTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (g_probe.empty())
            GTEST_SKIP() << "no " << g_probe_build << " probe: "
                         << (g_probe_unavailable.empty() ? "--probe was not given" : g_probe_unavailable);
        if (!engine_command().empty() && !engine_unavailable().empty()) GTEST_SKIP() << engine_unavailable();
    }
};

// For a case an engine cannot do, the reason it says in the table.
#define SKIP_UNDER_SUPERVISOR(reason) \
    if (under_supervisor()) GTEST_SKIP() << "the supervisor " << reason
#define PRELOAD_ONLY(reason) \
    if (g_engine != "preload") GTEST_SKIP() << reason
#define SKIP_UNDER_CGROUP(reason) \
    if (under_cgroup()) GTEST_SKIP() << "cgroup mode " << reason

constexpr const char* kConfiguredLater =
    "configures a socket at connect() and listen(), not at socket(): this case looks before either";

struct Keepalive {
    int ka, idle, intvl, cnt, ut;
    bool operator==(const Keepalive& o) const {
        return ka == o.ka && idle == o.idle && intvl == o.intvl && cnt == o.cnt && ut == o.ut;
    }
};

std::ostream& operator<<(std::ostream& os, const Keepalive& k) {
    return os << "{ka " << k.ka << ", idle " << k.idle << ", intvl " << k.intvl << ", cnt " << k.cnt << ", ut "
              << k.ut << "}";
}

int read_sysctl(const char* name) {
    std::ifstream file(std::string("/proc/sys/net/ipv4/") + name);
    int value = -1;
    file >> value;
    return value;
}

// What a socket has when nobody touched it.
Keepalive untouched() {
    return {0, read_sysctl("tcp_keepalive_time"), read_sysctl("tcp_keepalive_intvl"),
            read_sysctl("tcp_keepalive_probes"), 0};
}

// The line "<label> ..." of a probe's output.
std::string line_of(const std::string& output, const std::string& label) {
    std::istringstream lines(output);
    std::string line;
    while (std::getline(lines, line))
        if (line.rfind(label + " ", 0) == 0) return line;
    ADD_FAILURE() << "no line '" << label << "' in:\n" << output;
    return {};
}

Keepalive keepalive_of(const std::string& output, const std::string& label) {
    Keepalive k{-9, -9, -9, -9, -9};
    std::string line = line_of(output, label);
    sscanf(line.c_str() + label.size(), " ka=%d idle=%d intvl=%d cnt=%d ut=%d", &k.ka, &k.idle, &k.intvl, &k.cnt,
           &k.ut);
    return k;
}

// A run under the engine under test, as opposed to a bare control run.
struct UnderKashim {
    Env env;
};

UnderKashim with_shim(Env env) { return {std::move(env)}; }

// For the cases only the preload engine has: the environment with libkashim.so preloaded.
Env preloaded(Env env) {
    env["LD_PRELOAD"] = KASHIM_LIBRARY;
    return env;
}

ChildResult checked(ChildResult result, const std::string& scenario) {
    EXPECT_EQ(result.exit_code, 0) << scenario << " failed: " << result.err;
    return result;
}

ChildResult probe(const std::string& scenario, const Env& env) { return checked(run_child({g_probe, scenario}, env), scenario); }

ChildResult probe(const std::string& scenario, const UnderKashim& run) {
    if (std::vector<std::string> argv = engine_command(); !argv.empty()) {
        argv.push_back(g_probe);
        argv.push_back(scenario);
        return checked(run_child(argv, run.env), scenario);
    }
    return checked(run_child({g_probe, scenario}, preloaded(run.env)), scenario);
}

const Env kFullSettings = {{"KA_IDLE", "10"}, {"KA_INTVL", "5"}, {"KA_CNT", "3"}, {"KA_USER_TIMEOUT", "auto"}};
constexpr Keepalive kFull = {1, 10, 5, 3, 25000};

// Runs `scenario` with and without the shim; each label must show `expected` with it and the
// untouched kernel state without it.
void expect_configured(const std::string& scenario, const std::vector<std::string>& labels,
                       const Env& env = kFullSettings, Keepalive expected = kFull) {
    ChildResult shimmed = probe(scenario, with_shim(env));
    ChildResult control = probe(scenario, env);
    for (const std::string& label : labels) {
        EXPECT_EQ(keepalive_of(shimmed.out, label), expected) << scenario << ": " << label;
        EXPECT_EQ(keepalive_of(control.out, label), untouched()) << scenario << " (control): " << label;
    }
    EXPECT_EQ(shimmed.err, "") << scenario;
}

}  // namespace

class Concurrency : public ProbeTest {};
class ConfigFile : public ProbeTest {};
class Errors : public ProbeTest {};
class NotTcp : public ProbeTest {};
class Policy : public ProbeTest {};
class Processes : public ProbeTest {};
class RealPrograms : public ProbeTest {};
class ReusedNumbers : public ProbeTest {};
class Rules : public ProbeTest {};
class Settings : public ProbeTest {};
class Syscalls : public ProbeTest {};
class UnseenSockets : public ProbeTest {};
class TcpSockets : public ProbeTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(TcpSockets, ClientListeningAndAcceptedSocketsGetTheSettings) {
    expect_configured(GetParam(), {"listener", "client", "accepted"});
}

INSTANTIATE_TEST_SUITE_P(FamiliesAndFlags, TcpSockets,
                         ::testing::Values("tcp4", "tcp6", "tcp4-flags", "tcp6-flags"),
                         [](const auto& test) {
                             std::string name = test.param;
                             for (char& c : name)
                                 if (c == '-') c = '_';
                             return name;
                         });

TEST_F(TcpSockets, OnlyConfiguredOptionsChangeTheRestStayKernelDefaults) {
    Keepalive expected = untouched();
    expected.ka = 1;
    expected.idle = 30;
    expect_configured("tcp4", {"client", "accepted"}, {{"KA_IDLE", "30s"}}, expected);
    expected.idle = untouched().idle;
    expect_configured("tcp4", {"client"}, {}, expected);  // nothing set: keepalive on, kernel timers
}

TEST_F(NotTcp, UdpUnixAndSeqpacketAreUntouched) {
    ChildResult shimmed = probe("not-tcp", with_shim(kFullSettings));
    ChildResult control = probe("not-tcp", kFullSettings);
    EXPECT_EQ(shimmed.out, control.out);
    for (const char* label : {"udp4", "udp6", "unix", "seqpacket", "udp-connected"})
        EXPECT_EQ(keepalive_of(shimmed.out, label).ka, 0) << label;
    // The control's TCP run proves the shim is loaded and acting in this same environment.
    EXPECT_EQ(keepalive_of(probe("tcp4", with_shim(kFullSettings)).out, "client"), kFull);
}

TEST_F(UnseenSockets, ConnectAndAcceptConfigureTcpSocketsMadeBehindTheShimsBack) {
    expect_configured("unseen-sockets", {"raw-client", "raw-listener-accepted", "raw-listener"});
    // It is connect() that acted: the same raw socket before connect is untouched.
    EXPECT_EQ(keepalive_of(probe("unseen-sockets", with_shim(kFullSettings)).out, "raw-before-connect"), untouched());
}

TEST_F(ReusedNumbers, ANumberOnceKnownDoesNotVouchForTheNextSocket) {
    std::vector<std::string> labels = {"reused-after-tcp", "reused-after-udp", "dup2-onto-udp"};
    // musl has no close_range(): its programs can only make the raw system call.
    if (!probe_is_musl()) labels.push_back("reused-after-close-range");
    expect_configured("reused-numbers", labels);
}

namespace {

// The own-values scenario's program sets idle 60 and intvl 2 before connect, then keepalive off,
// cnt 2, idle 4, no user timeout, idle 0 (invalid) and a short idle after; the operator says idle
// 10, intvl 5, cnt 3, user timeout 25 s. What each policy makes of it, the same on every engine.
struct PolicyCase {
    std::string policy;  // KA_POLICY; empty: the default
    Keepalive after_connect, after_own;
    std::string idle_0_call;  // what the program's setsockopt(TCP_KEEPIDLE, 0) returns
};

const Env kOwnValuesOperator = {{"KA_IDLE", "10"}, {"KA_INTVL", "5"}, {"KA_CNT", "3"}, {"KA_USER_TIMEOUT", "25s"}};
const std::string kEinval = "ret=-1 errno=EINVAL";

void expect_policy(const PolicyCase& expected) {
    Keepalive control_connect = {0, 60, 2, untouched().cnt, 0}, control_own = {0, 4, 2, 2, 0};
    // Without rules the preload shim configures at socket(), with one at connect(): both moments.
    for (const char* rules : {"", "port=1 idle=99"}) {
        Env env = kOwnValuesOperator;
        if (!expected.policy.empty()) env["KA_POLICY"] = expected.policy;
        if (*rules != 0) env["KA_RULES"] = rules;
        std::string context = "policy " + (expected.policy.empty() ? "(default)" : expected.policy) +
                              ", rules '" + rules + "'";
        ChildResult shimmed = probe("own-values", with_shim(env));
        ChildResult control = probe("own-values", env);
        EXPECT_EQ(keepalive_of(shimmed.out, "after-connect"), expected.after_connect) << context;
        EXPECT_EQ(keepalive_of(shimmed.out, "after-own"), expected.after_own) << context;
        EXPECT_EQ(keepalive_of(control.out, "after-connect"), control_connect) << context;
        EXPECT_EQ(keepalive_of(control.out, "after-own"), control_own) << context;
        for (const char* call : {"before-idle-60", "before-intvl-2", "after-keepalive-0", "after-cnt-2", "after-idle-4",
                                 "after-user-timeout-0"})
            EXPECT_EQ(line_of(shimmed.out, call), std::string(call) + " ret=0 errno=-") << context;
        EXPECT_EQ(line_of(shimmed.out, "after-idle-0"), "after-idle-0 " + expected.idle_0_call) << context;
        EXPECT_EQ(line_of(control.out, "after-idle-0"), "after-idle-0 " + kEinval) << context;
        // A malformed call gets the kernel's error under every policy.
        EXPECT_EQ(line_of(shimmed.out, "after-idle-short"), "after-idle-short " + kEinval) << context;
        EXPECT_NE(shimmed.out.find("\nnodelay=1\n"), std::string::npos) << context << ": " << shimmed.out;
        EXPECT_EQ(shimmed.err, "") << context;
    }
}

}  // namespace

TEST_F(Policy, CapIsTheDefaultAndKeepsTheTighterOfTheProgramsAndTheOperatorsValues) {
    // idle 60 and keepalive off are looser: kept from the kernel; intvl 2, cnt 2, idle 4 are
    // tighter: they stand; no user timeout is looser than 25 s; idle 0 gets the kernel's EINVAL.
    PolicyCase cap = {"", {1, 10, 2, 3, 25000}, {1, 4, 2, 2, 25000}, kEinval};
    expect_policy(cap);
    cap.policy = "cap";
    expect_policy(cap);
}

TEST_F(Policy, OverrideKeepsTheOperatorsValuesAndAnswersZero) {
    expect_policy({"override", {1, 10, 5, 3, 25000}, {1, 10, 5, 3, 25000}, "ret=0 errno=-"});  // Node's idle 0 too
}

TEST_F(Policy, RespectLetsTheProgramsOwnChoicesStand) {
    expect_policy({"respect", {1, 60, 2, 3, 25000}, {0, 4, 2, 2, 0}, kEinval});
}

TEST_F(Policy, ARetriedNonBlockingConnectIsNotConfiguredTwice) {
    Env env = {{"KA_IDLE", "10"}, {"KA_POLICY", "respect"}};
    Keepalive shimmed = keepalive_of(probe("connect-retry", with_shim(env)).out, "after-retry");
    Keepalive control = keepalive_of(probe("connect-retry", env).out, "after-retry");
    EXPECT_EQ(shimmed.ka, 1);     // configured at the first connect
    EXPECT_EQ(shimmed.idle, 77);  // and what the program set afterwards survived the retry
    EXPECT_EQ(control.ka, 0);
}

TEST_F(Errors, FailingCallsReturnTheSameValueAndErrno) {
    ChildResult shimmed = probe("errors", with_shim(kFullSettings));
    ChildResult control = probe("errors", kFullSettings);
    EXPECT_EQ(shimmed.out, control.out);
    // Which error a bad socket type gets is the kernel's (qemu-user answers ESOCKTNOSUPPORT
    // itself): that it is the control's is checked above.
    for (const char* expected : {"socket-bad-type ret=-1 errno=E", "socket-bad-family ret=-1 errno=EAFNOSUPPORT",
                                 "connect-bad-fd ret=-1 errno=EBADF", "connect-not-socket ret=-1 errno=ENOTSOCK",
                                 "connect-refused ret=-1 errno=ECONNREFUSED", "connect-nonblocking ok",
                                 "accept-bad-fd ret=-1 errno=EBADF", "setsockopt-bad-fd ret=-1 errno=EBADF",
                                 "socket-emfile ret=-1 errno=EMFILE", "errno-after-success fd-ok=1 errno=EXDEV",
                                 "errno-after-connect errno=EXDEV"})
        EXPECT_NE(shimmed.out.find(expected), std::string::npos) << expected << " in:\n" << shimmed.out;
}

TEST_F(Concurrency, SixteenThreadsCreatingSocketsAtOnceAllGetTheSettings) {
    SKIP_UNDER_SUPERVISOR(kConfiguredLater);
    SKIP_UNDER_CGROUP(kConfiguredLater);
    Env env = {{"KA_IDLE", "10"}};
    EXPECT_EQ(line_of(probe("threads", with_shim(env)).out, "threads"), "threads made=3200 without-settings=0");
    EXPECT_EQ(line_of(probe("threads", env).out, "threads"), "threads made=3200 without-settings=3200");
}

TEST_F(Concurrency, SocketInASignalHandler) {
    SKIP_UNDER_SUPERVISOR(kConfiguredLater);
    SKIP_UNDER_CGROUP(kConfiguredLater);
    expect_configured("signal-handler", {"from-signal-handler"});
}

TEST_F(Processes, ForkedAndExecedChildrenKeepWorking) {
    SKIP_UNDER_SUPERVISOR(kConfiguredLater);
    SKIP_UNDER_CGROUP(kConfiguredLater);
    expect_configured("fork", {"forked-child", "exec-child"});
}

// A child made by fork(), daemon() or forkpty() owns its copy of kashim's record of descriptors,
// and so does one of a raw clone() or in the program's own fork handler, where kashim's fork hook
// has not returned; a vfork child must leave its parent's alone (the probe explains the check).
// The C library makes daemon's and forkpty's children inside itself, out of kashim's sight.
TEST_F(Processes, AForkChildsOwnRedirectIsRecorded) {
    PRELOAD_ONLY("the record of descriptors is the preload engine's");
    Env env = {{"KA_IDLE", "10"}};  // below the program's 60, so kashim's cap would answer for it
    for (const char* scenario :
         {"fork-redirect", "daemon-redirect", "forkpty-redirect", "clone-redirect", "fork-handler-redirect"}) {
        ChildResult shimmed = probe(scenario, with_shim(env));
        if (std::string(scenario) == "forkpty-redirect" && shimmed.out.rfind("no-child: ", 0) == 0) {
            std::cout << "[ SKIPPED  ] forkpty-redirect: no pseudo-terminal here: " << shimmed.out;
            continue;
        }
        if (shimmed.out == "no-wipe-on-fork\n") {
            std::cout << "[ SKIPPED  ] " << scenario
                      << ": fork children get no MADV_WIPEONFORK page as zeroes here (Linux before 4.14, qemu-user)\n";
            continue;
        }
        EXPECT_EQ(shimmed.out, "redirected-setsockopt=-1\n") << scenario << ": " << shimmed.err;
        EXPECT_EQ(shimmed.err, "") << scenario;
    }
    // The control: in a vfork child the record stays the parent's, and kashim answers.
    std::string vforked = probe("vfork-redirect", with_shim(env)).out;
    if (vforked.find("vfork-was-a-fork\n") != std::string::npos)
        std::cout << "[ SKIPPED  ] vfork-redirect: vfork() is a fork here (a sanitizer's, or qemu-user's)\n";
    else
        EXPECT_EQ(vforked, "redirected-setsockopt=0\n");
}

TEST_F(Processes, SocketFromAnotherLibrarysConstructorBeforeKashimsOwn) {
    PRELOAD_ONLY("another library's constructor before kashim's own is the preload engine's case");
    if (probe_is_musl()) GTEST_SKIP() << "the constructor probe and its library are built against glibc only";
    Env env = kFullSettings;
    env["KA_LOG"] = "debug";
    bool loaded_early = false;
    // Constructors run in an order kashim does not control; both orders must work, and at least
    // one of them must really exercise the early path (a hook before kashim's constructor).
    for (std::string preload : {std::string(KASHIM_LIBRARY), std::string(CTOR_LIBRARY) + ":" + KASHIM_LIBRARY}) {
        env["LD_PRELOAD"] = preload;
        ChildResult shimmed = run_child({CTOR_PROBE}, env);
        EXPECT_EQ(keepalive_of(shimmed.out, "constructor"), kFull) << preload;
        loaded_early |= shimmed.err.find("loaded from socket() called before kashim's constructor") != std::string::npos;
    }
    EXPECT_TRUE(loaded_early);
    EXPECT_EQ(keepalive_of(run_child({CTOR_PROBE}, kFullSettings).out, "constructor"), untouched());
}

TEST_F(Settings, BadValueGivesOneLineAndTheProgramRunsToCompletion) {
    Env env = {{"KA_IDLE", "abc"}, {"KA_CNT", "4"}};
    ChildResult shimmed = probe("tcp4", with_shim(env));
    EXPECT_EQ(shimmed.err, "kashim: KA_IDLE=\"abc\" is not a duration; use e.g. 10, 30s or 5m (1 s to 32767 s)\n");
    Keepalive expected = untouched();
    expected.ka = 1;
    expected.cnt = 4;  // the good setting still applies
    EXPECT_EQ(keepalive_of(shimmed.out, "accepted"), expected);
    EXPECT_EQ(probe("tcp4", env).err, "");
}

// The settings are read at the first socket call, from what the environment held at exec: a
// program that wrote over its environment since (setproctitle) or set a variable itself changes
// nothing.
TEST_F(Settings, TheEnvironmentTheProgramStartedWithCountsNotWhatItDidToItSince) {
    expect_configured("rewritten-environment", {"client", "listener", "accepted"});
    EXPECT_NE(probe("rewritten-environment", with_shim(kFullSettings)).out.find("environment-idle=99\n"),
              std::string::npos);  // the program's own getenv sees its change
}

TEST_F(Settings, MisspelledVariableIsNamedWithTheNearestKnownOne) {
    ChildResult shimmed = probe("single", with_shim({{"KA_IDEL", "10"}}));
    EXPECT_EQ(shimmed.err, "kashim: unknown variable \"KA_IDEL\" ignored; did you mean KA_IDLE?\n");
}

TEST_F(Settings, DisabledIsPurePassThrough) {
    Env env = kOwnValuesOperator;
    env["KA_ENABLE"] = "0";
    env["KA_LOG"] = "abc";  // not even parsed: pass-through reads nothing more
    ChildResult shimmed = probe("own-values", with_shim(env));
    EXPECT_EQ(shimmed.out, probe("own-values", env).out);
    EXPECT_EQ(shimmed.err, "");
    EXPECT_EQ(keepalive_of(probe("tcp4", with_shim(env)).out, "client"), untouched());
    // The control: the same settings enabled do change the sockets.
    env.erase("KA_ENABLE");
    env.erase("KA_LOG");
    EXPECT_EQ(keepalive_of(probe("tcp4", with_shim(env)).out, "client").ka, 1);
}

namespace {

// What the engine wrote to its log file at debug in a tcp4 run, which says nothing on stderr.
std::string debug_log_file(Env env) {
    char path[] = "/tmp/kashim-log-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        ADD_FAILURE() << "mkstemp: " << strerror(errno);
        return {};
    }
    close(fd);
    env["KA_LOG"] = "debug";
    env["KA_LOG_FILE"] = path;
    ChildResult shimmed = probe("tcp4", with_shim(env));
    std::ifstream file(path);
    std::string log((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    unlink(path);
    EXPECT_EQ(shimmed.err, "");
    return log;
}

}  // namespace

TEST_F(Settings, InfoLineGoesToTheLogFile) {
    std::string log = debug_log_file(kFullSettings);
    EXPECT_NE(log.find("kashim: active, policy cap: keepalive on, idle 10 s, intvl 5 s, cnt 3, user timeout 25 s "
                       "(auto); a dead peer is noticed within 25 s when idle, 25 s with data in flight\n"),
              std::string::npos)
        << log;
    // The control: without a log file the same line goes to stderr.
    Env env = kFullSettings;
    env["KA_LOG"] = "debug";
    EXPECT_NE(probe("tcp4", with_shim(env)).err.find("kashim: active, policy cap"), std::string::npos);
}

TEST_F(Settings, DebugLineForEachSocketGoesToTheLogFile) {
    SKIP_UNDER_CGROUP("writes no line per socket: its BPF programs configure them in the kernel, with no log file");
    std::string log = debug_log_file(kFullSettings);
    EXPECT_NE(log.find(": set SO_KEEPALIVE=1 TCP_KEEPIDLE=10 TCP_KEEPINTVL=5 TCP_KEEPCNT=3 TCP_USER_TIMEOUT=25000\n"),
              std::string::npos)
        << log;
}

TEST_F(Settings, WithoutRulesTheShimConfiguresAtSocketSoConnectCostsNothing) {
    PRELOAD_ONLY("the preload shim's case: the supervisor configures at connect(), not at socket(), and cgroup mode "
                 "writes no line per socket");
    std::string log = debug_log_file(kFullSettings);
    EXPECT_NE(log.find(" socket: set SO_KEEPALIVE=1"), std::string::npos) << log;
    EXPECT_EQ(log.find("connect to"), std::string::npos) << log;
    // The control: a rule needs the peer, so with one the shim waits for connect(), and says so.
    Env env = kFullSettings;
    env["KA_RULES"] = "port=1 idle=99";
    std::string with_rule = debug_log_file(env);
    EXPECT_NE(with_rule.find("connect to 127.0.0.1:"), std::string::npos) << with_rule;
}

TEST_F(RealPrograms, UnmodifiedPythonClientGetsKeepaliveOnTcpAndNothingOnUdp) {
    PRELOAD_ONLY("python3 under LD_PRELOAD is the preload engine's case; the others run the probes");
    if (probe_is_musl()) GTEST_SKIP() << "this machine's python3 is a glibc program; the glibc run covers it";
    std::string python = "/usr/bin/python3";
    if (access(python.c_str(), X_OK) != 0) GTEST_SKIP() << "python3 is not installed at " << python;
    std::string script =
        "import socket\n"
        "t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n"
        "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "g = lambda s, l, o: s.getsockopt(l, o)\n"
        "print('tcp', g(t, socket.SOL_SOCKET, socket.SO_KEEPALIVE), g(t, 6, socket.TCP_KEEPIDLE),"
        " g(t, 6, socket.TCP_KEEPINTVL), g(t, 6, socket.TCP_KEEPCNT))\n"
        "print('udp', g(u, socket.SOL_SOCKET, socket.SO_KEEPALIVE))\n";
    Env env = {{"KA_IDLE", "10"}, {"KA_INTVL", "5"}, {"KA_CNT", "3"}};
    ChildResult shimmed = run_child({python, "-c", script}, preloaded(env));
    EXPECT_EQ(shimmed.out, "tcp 1 10 5 3\nudp 0\n") << shimmed.err;
    ChildResult control = run_child({python, "-c", script}, env);
    EXPECT_NE(control.out, shimmed.out);
    EXPECT_EQ(control.out.rfind("tcp 0 ", 0), 0u) << control.out;
}

namespace {

uint16_t free_port() {
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    socklen_t length = sizeof address;
    bind(fd, reinterpret_cast<sockaddr*>(&address), length);
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    close(fd);
    return ntohs(address.sin6_port);
}

struct RulesRun {
    std::string a, b;
    ChildResult shimmed, control;
};

// `rules` may name the two listening ports as A and B.
RulesRun run_rules(std::string rules, Env env) {
    RulesRun run{std::to_string(free_port()), std::to_string(free_port()), {}, {}};
    for (auto [name, port] : {std::pair{"port=A", run.a}, std::pair{"port=B", run.b}})
        for (size_t at; (at = rules.find(name)) != std::string::npos;) rules.replace(at, 6, "port=" + port);
    env["KA_RULES"] = rules;
    env["PROBE_PORT_A"] = run.a;
    env["PROBE_PORT_B"] = run.b;
    run.shimmed = probe("rules", with_shim(env));
    run.control = probe("rules", env);
    return run;
}

Keepalive with_idle(int idle) {
    Keepalive k = untouched();
    k.ka = 1;
    k.idle = idle;
    return k;
}

}  // namespace

TEST_F(Rules, EachConnectionGetsTheFirstRuleItsDirectionPeerAndPortMatch) {
    SKIP_UNDER_SUPERVISOR("matches accepted connections by port alone (accept() is not stopped), so a rule on an "
                          "inbound peer's address cannot apply there");
    RulesRun run = run_rules("addr=127.0.0.2 idle=22; addr=::1 off; dir=out port=B idle=33; dir=in port=A idle=44",
                             {{"KA_IDLE", "11"}});
    std::map<std::string, Keepalive> expected = {
        {"to-127.0.0.1-A", with_idle(11)},   {"to-127.0.0.2-A", with_idle(22)}, {"to-::1-A", untouched()},
        {"to-127.0.0.1-B", with_idle(33)},   {"from-127.0.0.1-A", with_idle(44)},
        {"from-127.0.0.2-A", with_idle(22)},  // an IPv4-mapped peer matches the IPv4 rule
        {"from-::1-A", untouched()},          {"from-127.0.0.1-B", with_idle(11)},
        {"listener-A", untouched()},  // a rule looks at inbound peers: the listener is left alone
    };
    for (const auto& [label, keepalive] : expected) {
        EXPECT_EQ(keepalive_of(run.shimmed.out, label), keepalive) << label;
        EXPECT_EQ(keepalive_of(run.control.out, label), untouched()) << label;
    }
    EXPECT_EQ(run.shimmed.err, "");
}

TEST_F(Rules, APortOnlyInboundRuleIsPutOnTheListenerAndInherited) {
    RulesRun run = run_rules("dir=in port=A idle=44; dir=out addr=127.0.0.2 idle=22", {{"KA_IDLE", "11"}});
    for (const char* label : {"listener-A", "from-127.0.0.1-A", "from-127.0.0.2-A", "from-::1-A"})
        EXPECT_EQ(keepalive_of(run.shimmed.out, label), with_idle(44)) << label;
    for (const char* label : {"listener-B", "from-127.0.0.1-B", "to-127.0.0.1-A"})
        EXPECT_EQ(keepalive_of(run.shimmed.out, label), with_idle(11)) << label;
    EXPECT_EQ(keepalive_of(run.shimmed.out, "to-127.0.0.2-A"), with_idle(22));
    EXPECT_EQ(keepalive_of(run.control.out, "listener-A"), untouched());
}

TEST_F(Rules, ProgramNameRule) {
    SKIP_UNDER_CGROUP("refuses prog= rules at attach (a group already names its programs; a CLI case checks the refusal)");
    std::string name = g_probe.substr(g_probe.rfind('/') + 1);
    RulesRun run = run_rules("prog=some-other-program idle=66; prog=" + name + " idle=55", {});
    EXPECT_EQ(keepalive_of(run.shimmed.out, "to-127.0.0.1-A"), with_idle(55));
    EXPECT_EQ(keepalive_of(run.control.out, "to-127.0.0.1-A"), untouched());
}

TEST_F(Rules, DetectGivesTheDerivedTimersAndUserTimeout) {
    RulesRun run = run_rules("port=B detect=30s", {});
    EXPECT_EQ(keepalive_of(run.shimmed.out, "to-127.0.0.1-B"), (Keepalive{1, 15, 5, 3, 30000}));
    EXPECT_EQ(keepalive_of(run.shimmed.out, "to-127.0.0.1-A").ut, 0);
    EXPECT_EQ(keepalive_of(run.control.out, "to-127.0.0.1-B"), untouched());
}

TEST_F(ConfigFile, FileSettingsApplyAndTheEnvironmentOverridesThem) {
    char path[] = "/tmp/kashim-conf-XXXXXX";
    int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    std::string text = "# test\nKA_IDLE=21\nKA_CNT=4\n";
    ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    close(fd);
    chmod(path, 0644);
    Keepalive from_file = with_idle(21);
    from_file.cnt = 4;
    EXPECT_EQ(keepalive_of(probe("tcp4", with_shim({{"KA_CONFIG", path}})).out, "client"), from_file);
    Keepalive overridden = from_file;
    overridden.idle = 12;
    EXPECT_EQ(keepalive_of(probe("tcp4", with_shim({{"KA_CONFIG", path}, {"KA_IDLE", "12"}})).out, "client"), overridden);
    EXPECT_EQ(keepalive_of(probe("tcp4", {{"KA_CONFIG", path}}).out, "client"), untouched());
    chmod(path, 0666);
    ChildResult refused = probe("tcp4", with_shim({{"KA_CONFIG", path}}));
    EXPECT_EQ(keepalive_of(refused.out, "client"), with_idle(untouched().idle));
    EXPECT_NE(refused.err.find("is writable by others than its owner and root; ignored"), std::string::npos) << refused.err;
    unlink(path);
}

TEST_F(Settings, LibkeepaliveUsersSwitchByChangingOnlyLdPreload) {
    Env env = {{"KEEPIDLE", "20"}, {"KEEPCNT", "4"}};
    Keepalive expected = with_idle(20);
    expected.cnt = 4;
    ChildResult shimmed = probe("tcp4", with_shim(env));
    EXPECT_EQ(keepalive_of(shimmed.out, "client"), expected);
    EXPECT_EQ(keepalive_of(probe("tcp4", env).out, "client"), untouched());
    EXPECT_EQ(keepalive_of(probe("tcp4", with_shim({{"KEEPALIVE", "off"}})).out, "client"), untouched());
}

// The other anchors' documented command lines, with libkashim.so in their library's place.
namespace {

Keepalive with(int idle, int intvl, int cnt, int ut) {
    Keepalive k = untouched();
    k.ka = 1;
    if (idle) k.idle = idle;
    if (intvl) k.intvl = intvl;
    if (cnt) k.cnt = cnt;
    k.ut = ut;
    return k;
}

// The client socket with kashim, after checking the control run without it has the kernel's.
ChildResult client_under_kashim(const Env& env) {
    EXPECT_EQ(keepalive_of(probe("tcp4", env).out, "client"), untouched()) << "control";
    return probe("tcp4", with_shim(env));
}

size_t lines_with(const std::string& text, const std::string& part) {
    size_t count = 0;
    for (size_t at = 0; (at = text.find(part, at)) != std::string::npos; at += part.size()) ++count;
    return count;
}

}  // namespace

TEST_F(Settings, MsantosLibkeepaliveExampleCommandLinesGiveTheirValues) {
    // README: TCP_KEEPIDLE=2 TCP_KEEPINTVL=3 TCP_KEEPCNT=3 TCP_USER_TIMEOUT=9000 (milliseconds).
    ChildResult run = client_under_kashim(
        {{"TCP_KEEPIDLE", "2"}, {"TCP_KEEPINTVL", "3"}, {"TCP_KEEPCNT", "3"}, {"TCP_USER_TIMEOUT", "9000"}});
    EXPECT_EQ(keepalive_of(run.out, "client"), with(2, 3, 3, 9000));
    EXPECT_EQ(run.err, "");
    // README: TCP_USER_TIMEOUT=5000 alone; the rest keep the kernel's values (see the README's table).
    run = client_under_kashim({{"TCP_USER_TIMEOUT", "5000"}});
    EXPECT_EQ(keepalive_of(run.out, "client"), with(0, 0, 0, 5000));
    // -1 derives the user timeout from the other three, as msantos/libkeepalive's default does.
    run = client_under_kashim({{"TCP_KEEPIDLE", "15"}, {"TCP_KEEPINTVL", "15"}, {"TCP_KEEPCNT", "9"},
                               {"TCP_USER_TIMEOUT", "-1"}});
    EXPECT_EQ(keepalive_of(run.out, "client"), with(15, 15, 9, 150000));
}

TEST_F(Settings, LibdontdieExampleCommandLinesGiveTheirValues) {
    // README: DD_DEBUG=1 DD_TCP_KEEPALIVE_TIME=4 DD_TCP_KEEPALIVE_INTVL=5 DD_TCP_KEEPALIVE_PROBES=6.
    Env readme = {{"DD_DEBUG", "1"}, {"DD_TCP_KEEPALIVE_TIME", "4"}, {"DD_TCP_KEEPALIVE_INTVL", "5"},
                  {"DD_TCP_KEEPALIVE_PROBES", "6"}};
    ChildResult run = client_under_kashim(readme);
    EXPECT_EQ(keepalive_of(run.out, "client"), with(4, 5, 6, 0));
    // DD_DEBUG=1 is kashim's debug log; the control without it is silent.
    EXPECT_NE(run.err.find("kashim: active, policy cap: keepalive on, idle 4 s, intvl 5 s, cnt 6"), std::string::npos)
        << run.err;
    readme.erase("DD_DEBUG");
    EXPECT_EQ(probe("tcp4", with_shim(readme)).err, "");
    // The older README's line: DD_TCP_KEEPALIVE_TIME=60 DD_TCP_KEEPALIVE_INTVL=30 DD_TCP_KEEPALIVE_PROBES=45.
    run = client_under_kashim(
        {{"DD_TCP_KEEPALIVE_TIME", "60"}, {"DD_TCP_KEEPALIVE_INTVL", "30"}, {"DD_TCP_KEEPALIVE_PROBES", "45"}});
    EXPECT_EQ(keepalive_of(run.out, "client"), with(60, 30, 45, 0));
    // DD_USE_KEEPALIVE=0: libdontdie left sockets alone, and so does kashim; KA_ENABLE=1 overrules it.
    Env off = {{"DD_USE_KEEPALIVE", "0"}, {"DD_TCP_KEEPALIVE_TIME", "4"}};
    EXPECT_EQ(keepalive_of(probe("tcp4", with_shim(off)).out, "client"), untouched());
    off["KA_ENABLE"] = "1";
    EXPECT_EQ(keepalive_of(probe("tcp4", with_shim(off)).out, "client"), with(4, 0, 0, 0));
}

TEST_F(Settings, KashimsNamesWinThenLibdontdieThenMsantosThenBusatto) {
    // Each round drops the name that won the last one.
    Env all = {{"KA_IDLE", "11"}, {"DD_TCP_KEEPALIVE_TIME", "22"}, {"TCP_KEEPIDLE", "33"}, {"KEEPIDLE", "44"}};
    for (auto [winner, idle] : {std::pair{"KA_IDLE", 11}, std::pair{"DD_TCP_KEEPALIVE_TIME", 22},
                                std::pair{"TCP_KEEPIDLE", 33}, std::pair{"KEEPIDLE", 44}}) {
        EXPECT_EQ(keepalive_of(client_under_kashim(all).out, "client"), with(idle, 0, 0, 0)) << winner;
        all.erase(winner);
    }
}

TEST_F(Settings, AnAnchorsBadValueIsOneLineAndTheProgramLosesNothing) {
    ChildResult run = client_under_kashim({{"TCP_KEEPIDLE", "soon"}, {"TCP_KEEPCNT", "4"}});
    EXPECT_EQ(keepalive_of(run.out, "client"), with(0, 0, 4, 0));  // on, with the good value
    EXPECT_EQ(lines_with(run.err, "\n"), 1u) << run.err;
    EXPECT_NE(run.err.find("kashim: TCP_KEEPIDLE=\"soon\" ignored: msantos/libkeepalive's TCP_KEEPIDLE takes whole "
                           "seconds"),
              std::string::npos)
        << run.err;
}

TEST_F(Settings, OptionsOutsideKashimsJobAreOneLineAndTheRestApplies) {
    ChildResult run = client_under_kashim(
        {{"TCP_SYNCNT", "1"}, {"TCP_MAXSEG", "1400"}, {"TCP_WINDOW_CLAMP", "9999"}, {"TCP_KEEPIDLE", "7"}});
    EXPECT_EQ(keepalive_of(run.out, "client"), with(7, 0, 0, 0));
    EXPECT_EQ(lines_with(run.err, "\n"), 1u) << run.err;
    EXPECT_NE(run.err.find("TCP_SYNCNT=\"1\", TCP_MAXSEG=\"1400\", TCP_WINDOW_CLAMP=\"9999\" "
                           "(msantos/libkeepalive's) ignored: kashim sets keepalive options only; KA_DETECT bounds "
                           "connect() too"),
              std::string::npos)
        << run.err;
    // The control: msantos's 0 (the system default) asks for nothing and hears nothing.
    EXPECT_EQ(probe("tcp4", with_shim({{"TCP_SYNCNT", "0"}, {"TCP_KEEPIDLE", "7"}})).err, "");
}

namespace {

struct NetworkSyscalls {
    int setsockopt_calls = 0, getsockopt_calls = 0;
    std::string trace;
};

// The probe's socket-related system calls, as strace saw them.
NetworkSyscalls traced(const Env& env) {
    char path[] = "/tmp/kashim-strace-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    ChildResult run = run_child({"/usr/bin/strace", "-f", "-qq", "-e", "trace=%network", "-o", path, g_probe, "syscalls"},
                                env);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    std::ifstream file(path);
    NetworkSyscalls result;
    result.trace.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
    unlink(path);
    for (size_t at = 0; (at = result.trace.find("setsockopt(", at)) != std::string::npos; ++at) ++result.setsockopt_calls;
    for (size_t at = 0; (at = result.trace.find("getsockopt(", at)) != std::string::npos; ++at) ++result.getsockopt_calls;
    return result;
}

}  // namespace

TEST_F(Syscalls, OnlyTheSetsockoptCallsTheSettingsNeedAndNothingForOtherSockets) {
    PRELOAD_ONLY("the other engines' costs are not syscalls strace sees; the benchmark measures them");
    if (access("/usr/bin/strace", X_OK) != 0) GTEST_SKIP() << "strace is not installed";
    Env env = {{"KA_IDLE", "10"}, {"KA_INTVL", "5"}, {"KA_CNT", "3"}};
    NetworkSyscalls control = traced(env);
    if (control.trace.find("socket(") == std::string::npos) GTEST_SKIP() << "strace cannot trace here: " << control.trace;
    NetworkSyscalls shimmed = traced(preloaded(env));
    // The program's own SO_REUSEADDR is the only call without kashim; kashim adds exactly
    // SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT on the one TCP socket, and no
    // getsockopt: UDP, UNIX, netlink sockets and the UNIX and UDP connects cost nothing.
    EXPECT_EQ(control.setsockopt_calls, 1) << control.trace;
    EXPECT_EQ(shimmed.setsockopt_calls, 5) << shimmed.trace;
    EXPECT_EQ(shimmed.getsockopt_calls, 0) << shimmed.trace;
    EXPECT_NE(shimmed.trace.find("SO_KEEPALIVE, [1]"), std::string::npos) << shimmed.trace;
    EXPECT_NE(shimmed.trace.find("TCP_KEEPCNT, [3]"), std::string::npos) << shimmed.trace;
}

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    for (int i = 1; i < argc; ++i) {
        std::string argument = argv[i];
        auto value_of = [&](const std::string& flag, std::string& value) {
            if (argument.rfind(flag + "=", 0) != 0) return false;
            value = argument.substr(flag.size() + 1);
            return true;
        };
        if (!value_of("--engine", g_engine) && !value_of("--probe", g_probe) &&
            !value_of("--probe-build", g_probe_build) && !value_of("--kashim", g_kashim) &&
            !value_of("--probe-unavailable", g_probe_unavailable)) {
            std::fprintf(stderr,
                         "unknown argument %s; use --engine=preload|supervisor|cgroup --probe=PATH "
                         "--probe-build=glibc|musl|static --kashim=PATH --probe-unavailable=REASON\n",
                         argv[i]);
            return 2;
        }
    }
    return RUN_ALL_TESTS();
}
