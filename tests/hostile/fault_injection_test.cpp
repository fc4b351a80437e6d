// Fault injection: setsockopt failing under kashim, through an interposer placed after
// it (failing_setsockopt) or a seccomp filter in the program. kashim must leave the program's own
// calls and errno exactly as they are with the same fault and no kashim (the control run), and
// say so once per failing option, however many sockets meet it.
#include <gtest/gtest.h>

#include <sstream>

#include "harness/child.h"

namespace {

using robustness::ChildOptions;
using robustness::ChildResult;
using Env = std::map<std::string, std::string>;

const Env kSettings = {{"KA_IDLE", "10"}, {"KA_INTVL", "5"}, {"KA_CNT", "3"}, {"KA_USER_TIMEOUT", "auto"}};

ChildResult run(std::vector<std::string> preload, Env env, std::vector<std::string> args = {}) {
    ChildOptions options;
    options.argv = {FAULT_PROBE};
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    options.preload = std::move(preload);
    options.env = std::move(env);
    ChildResult result = robustness::run_child(options);
    EXPECT_EQ(result.exit_code, 0) << result.describe();
    return result;
}

std::string line(const std::string& output, const std::string& label) {
    std::istringstream lines(output);
    std::string text;
    while (std::getline(lines, text))
        if (text.rfind(label + " ", 0) == 0 || text.rfind(label + "=", 0) == 0) return text;
    return "(no line " + label + ")";
}

std::string failed(const std::string& option, const std::string& error) {
    return "kashim: setsockopt " + option + " failed: " + error + "; such sockets keep the kernel's value (reported once)\n";
}

int kernel_count() {
    FILE* file = fopen("/proc/sys/net/ipv4/tcp_keepalive_probes", "r");
    int value = -1;
    if (file && fscanf(file, "%d", &value) != 1) value = -1;
    if (file) fclose(file);
    return value;
}

Env with(Env env, const std::string& name, const std::string& value) {
    env[name] = value;
    return env;
}

TEST(FaultInjection, FailingSetsockoptLeavesTheProgramsCallsAndErrnoAloneAndIsLoggedOncePerCause) {
    Env faulty = with(kSettings, "KASHIM_TEST_FAIL", "TCP_USER_TIMEOUT:ENOPROTOOPT,TCP_KEEPCNT:EPERM");
    ChildResult shimmed = run({robustness::shim_library(), FAILING_SETSOCKOPT}, faulty);
    ChildResult control = run({FAILING_SETSOCKOPT}, faulty);

    // 51 sockets met both faults; one line each.
    EXPECT_EQ(shimmed.err, failed("TCP_KEEPCNT=3", "Operation not permitted") +
                               failed("TCP_USER_TIMEOUT=25000", "Protocol not available"));
    EXPECT_EQ(line(shimmed.out, "sockets"), "sockets=50 calls-with-errno-kept=75");
    EXPECT_EQ(line(control.out, "sockets"), "sockets=50 calls-with-errno-kept=75");
    EXPECT_EQ(line(shimmed.out, "connect-refused"), "connect-refused ret=-1 errno=ECONNREFUSED");
    for (const char* call : {"own-user-timeout", "own-keepcnt", "own-nodelay"})
        EXPECT_EQ(line(shimmed.out, call), line(control.out, call)) << call;
    EXPECT_EQ(line(control.out, "own-keepcnt"), "own-keepcnt ret=-1 errno=EPERM");
    // What could be set was; what could not keeps the kernel's value.
    EXPECT_EQ(line(shimmed.out, "before"),
              "before ka=1 idle=10 intvl=5 cnt=" + std::to_string(kernel_count()) + " ut=0");
    // The operator's idle still stands against the program's (the override policy).
    EXPECT_EQ(line(shimmed.out, "own-keepidle"), "own-keepidle ret=0 errno=-");
    EXPECT_EQ(line(shimmed.out, "after"), "after ka=1 idle=10 intvl=5 cnt=" + std::to_string(kernel_count()) + " ut=0");

    // The controls: without the faults kashim sets everything and says nothing; without kashim
    // the faults leave sockets untouched.
    ChildResult healthy = run({robustness::shim_library()}, kSettings);
    EXPECT_EQ(healthy.err, "");
    EXPECT_EQ(line(healthy.out, "before"), "before ka=1 idle=10 intvl=5 cnt=3 ut=25000");
    EXPECT_EQ(line(control.out, "before").substr(0, 11), "before ka=0");
}

TEST(FaultInjection, WithRulesTheFailuresComeInsideConnectAndItsErrnoIsTheKernelsOwn) {
    Env faulty = with(with(kSettings, "KA_RULES", "dir=out idle=20"), "KASHIM_TEST_FAIL",
                      "TCP_KEEPIDLE:EACCES,SO_KEEPALIVE:ENOMEM");
    ChildResult shimmed = run({robustness::shim_library(), FAILING_SETSOCKOPT}, faulty);
    ChildResult control = run({FAILING_SETSOCKOPT}, faulty);
    // First met on the listener, which no rule here looks at (the global idle, 10 s); the
    // rule's 20 s on the connections is the same cause, and not said again.
    EXPECT_EQ(shimmed.err, failed("SO_KEEPALIVE=1", "Cannot allocate memory") +
                               failed("TCP_KEEPIDLE=10", "Permission denied"));
    EXPECT_EQ(line(shimmed.out, "sockets"), "sockets=50 calls-with-errno-kept=75");
    EXPECT_EQ(line(shimmed.out, "connect-refused"), "connect-refused ret=-1 errno=ECONNREFUSED");
    for (const char* call : {"own-user-timeout", "own-keepcnt", "own-nodelay", "own-keepidle"})
        EXPECT_EQ(line(shimmed.out, call), line(control.out, call)) << call;
}

TEST(FaultInjection, AKernelThatRefusesTheUserTimeoutThroughSeccomp) {
    ChildResult shimmed = run({robustness::shim_library()}, kSettings, {"seccomp"});
    ChildResult control = run({}, kSettings, {"seccomp"});
    EXPECT_EQ(shimmed.err, failed("TCP_USER_TIMEOUT=25000", "Operation not permitted"));
    EXPECT_EQ(line(shimmed.out, "sockets"), "sockets=50 calls-with-errno-kept=75");
    EXPECT_EQ(line(control.out, "own-user-timeout"), "own-user-timeout ret=-1 errno=EPERM");
    EXPECT_EQ(line(shimmed.out, "own-user-timeout"), line(control.out, "own-user-timeout"));
    EXPECT_EQ(line(shimmed.out, "before"), "before ka=1 idle=10 intvl=5 cnt=3 ut=0");
}

}  // namespace
