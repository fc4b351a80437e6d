// The program of the fault-injection tests. It makes sockets while setsockopt fails underneath
// (the failing_setsockopt interposer, or with "seccomp" a filter the program installs that makes
// the kernel refuse TCP_USER_TIMEOUT), and prints what it saw of its own calls: results and
// errno, which kashim must leave exactly as they are without it.
// Usage: kashim_fault_probe [seccomp]
#include <arpa/inet.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "audit_architecture.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace {

const char* name_of(int error) { return error == 0 ? "-" : strerrorname_np(error); }

int option(int fd, int level, int name) {
    int value = -1;
    socklen_t length = sizeof value;
    return getsockopt(fd, level, name, &value, &length) == 0 ? value : -1;
}

void own_call(const char* label, int fd, int level, int name, int value) {
    errno = 0;
    int result = setsockopt(fd, level, name, &value, sizeof value);
    std::printf("%s ret=%d errno=%s\n", label, result, name_of(result == 0 ? 0 : errno));
}

// The kernel refuses setsockopt(IPPROTO_TCP, TCP_USER_TIMEOUT) with EPERM from here on.
bool deny_user_timeout() {
    sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kashim::kAuditArchitecture, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_setsockopt, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[1])),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[2])),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TCP_USER_TIMEOUT, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    sock_fprog program = {static_cast<unsigned short>(sizeof filter / sizeof filter[0]), filter};
    return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
           syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &program) == 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 1 && std::strcmp(argv[1], "seccomp") == 0 && !deny_user_timeout()) {
        std::perror("seccomp");
        return 3;
    }
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (bind(listener, reinterpret_cast<sockaddr*>(&address), length) != 0 || listen(listener, 64) != 0 ||
        getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0)
        return 3;
    sockaddr_in closed = address;
    closed.sin_port = htons(1);

    // kashim's own calls fail inside these; the program's errno must not show it.
    int errno_kept = 0, sockets = 0;
    for (int i = 0; i < 50; ++i) {
        errno = EXDEV;
        int fd = socket(i % 2 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
        if (fd >= 0) ++sockets;
        if (errno == EXDEV) ++errno_kept;
        if (i % 2 == 0) {
            errno = EXDEV;
            if (connect(fd, reinterpret_cast<sockaddr*>(&address), length) == 0 && errno == EXDEV) ++errno_kept;
            close(accept(listener, nullptr, nullptr));
        }
        close(fd);
    }
    std::printf("sockets=%d calls-with-errno-kept=%d\n", sockets, errno_kept);
    int refused = socket(AF_INET, SOCK_STREAM, 0);
    errno = 0;
    int result = connect(refused, reinterpret_cast<sockaddr*>(&closed), sizeof closed);
    std::printf("connect-refused ret=%d errno=%s\n", result, name_of(errno));

    // The program's own calls, then what the kernel holds.
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    std::printf("before ka=%d idle=%d intvl=%d cnt=%d ut=%d\n", option(fd, SOL_SOCKET, SO_KEEPALIVE),
                option(fd, IPPROTO_TCP, TCP_KEEPIDLE), option(fd, IPPROTO_TCP, TCP_KEEPINTVL),
                option(fd, IPPROTO_TCP, TCP_KEEPCNT), option(fd, IPPROTO_TCP, TCP_USER_TIMEOUT));
    own_call("own-user-timeout", fd, IPPROTO_TCP, TCP_USER_TIMEOUT, 5000);
    own_call("own-keepcnt", fd, IPPROTO_TCP, TCP_KEEPCNT, 4);
    own_call("own-nodelay", fd, IPPROTO_TCP, TCP_NODELAY, 1);
    own_call("own-keepidle", fd, IPPROTO_TCP, TCP_KEEPIDLE, 60);
    std::printf("after ka=%d idle=%d intvl=%d cnt=%d ut=%d\n", option(fd, SOL_SOCKET, SO_KEEPALIVE),
                option(fd, IPPROTO_TCP, TCP_KEEPIDLE), option(fd, IPPROTO_TCP, TCP_KEEPINTVL),
                option(fd, IPPROTO_TCP, TCP_KEEPCNT), option(fd, IPPROTO_TCP, TCP_USER_TIMEOUT));
    return 0;
}
