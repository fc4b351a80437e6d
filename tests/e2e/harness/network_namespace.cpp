#include "network_namespace.h"

#include <dirent.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "harness/child_process.h"

namespace e2e {

using harness::CommandResult;
using harness::find_program;
using harness::run_command;
namespace {

constexpr const char* kPrefix = "kashim-e2e-";
constexpr const char* kNamespaceDirectory = "/run/netns";

// Linux capability numbers (linux/capability.h).
constexpr int kCapNetAdmin = 12;
constexpr int kCapSysAdmin = 21;

bool has_capability(int capability) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("CapEff:", 0) != 0) continue;
        unsigned long long mask = std::stoull(line.substr(7), nullptr, 16);
        return (mask >> capability) & 1;
    }
    return false;
}

void run_ip(const std::vector<std::string>& arguments) {
    std::vector<std::string> argv = {"ip"};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    CommandResult result = run_command(argv);
    if (!result.exit.success()) {
        std::string command;
        for (const std::string& part : argv) command += part + " ";
        throw std::runtime_error(command + "failed (" + result.exit.describe() + "): " + result.output);
    }
}

// Names left by a harness that was killed before its destructors ran (pid no longer exists).
void remove_abandoned_namespaces() {
    DIR* directory = opendir(kNamespaceDirectory);
    if (directory == nullptr) return;
    std::vector<std::string> abandoned;
    while (dirent* entry = readdir(directory)) {
        std::string name = entry->d_name;
        if (name.rfind(kPrefix, 0) != 0) continue;
        long owner = std::strtol(name.c_str() + strlen(kPrefix), nullptr, 10);
        if (owner > 0 && kill(static_cast<pid_t>(owner), 0) != 0 && errno == ESRCH) abandoned.push_back(name);
    }
    closedir(directory);
    // Another harness may be removing the same one: failure here is not this test's problem.
    for (const std::string& name : abandoned) run_command({"ip", "netns", "del", name});
}

std::string unique_name() {
    static std::atomic<unsigned> sequence{0};
    return kPrefix + std::to_string(getpid()) + "-" + std::to_string(sequence++);
}

}  // namespace

std::string NetworkNamespace::unavailable_reason() {
    if (!has_capability(kCapSysAdmin) || !has_capability(kCapNetAdmin))
        return "needs root: creating a network namespace takes CAP_SYS_ADMIN and CAP_NET_ADMIN, "
               "which this process (uid " + std::to_string(getuid()) + ") does not have";
    if (!find_program("ip")) return "needs the ip command (iproute2) to create network namespaces";
    return {};
}

NetworkNamespace::Registration::Registration() : name(unique_name()) {
    remove_abandoned_namespaces();
    run_ip({"netns", "add", name});
}

NetworkNamespace::Registration::~Registration() {
    try {
        CommandResult result = run_command({"ip", "netns", "del", name});
        if (!result.exit.success())
            fprintf(stderr, "warning: ip netns del %s: %s\n", name.c_str(), result.output.c_str());
    } catch (const std::exception& error) {
        fprintf(stderr, "warning: ip netns del %s: %s\n", name.c_str(), error.what());
    }
}

NetworkNamespace::NetworkNamespace() {
    std::string path = std::string(kNamespaceDirectory) + "/" + name();
    fd_.reset(open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd_) throw std::system_error(errno, std::generic_category(), "open " + path);
    control_ = make_socket(AF_INET, SOCK_DGRAM);
    set_loopback_up(true);
}

UniqueFd NetworkNamespace::make_socket(int domain, int type) const {
    // A socket stays in the namespace it was made in. The namespace is switched on a throwaway
    // thread, so the harness's own threads never leave theirs.
    int fd = -1;
    int error = 0;
    std::thread([&] {
        if (setns(fd_.get(), CLONE_NEWNET) != 0) {
            error = errno;
            return;
        }
        fd = ::socket(domain, type | SOCK_CLOEXEC, 0);
        if (fd < 0) error = errno;
    }).join();
    if (fd < 0) throw std::system_error(error, std::generic_category(), "socket in namespace " + name());
    return UniqueFd(fd);
}

void NetworkNamespace::set_loopback_up(bool up) {
    ifreq request{};
    strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
    if (ioctl(control_.get(), SIOCGIFFLAGS, &request) != 0)
        throw std::system_error(errno, std::generic_category(), "SIOCGIFFLAGS lo in " + name());
    if (up) request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP);
    else request.ifr_flags = static_cast<short>(request.ifr_flags & ~IFF_UP);
    if (ioctl(control_.get(), SIOCSIFFLAGS, &request) != 0)
        throw std::system_error(errno, std::generic_category(), "SIOCSIFFLAGS lo in " + name());
}

}  // namespace e2e
