#include "target_process.h"

#include <errno.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace kashim {
namespace {

constexpr unsigned kPidfdThread = O_EXCL;  // PIDFD_THREAD, Linux 6.9

// The thread group (process) a thread id belongs to, from /proc; -1 when it is gone.
pid_t process_of_thread(pid_t thread) {
    UniqueFd status(open(("/proc/" + std::to_string(thread) + "/status").c_str(), O_RDONLY | O_CLOEXEC));
    char text[1024];
    ssize_t length = status ? read(status.get(), text, sizeof text - 1) : -1;
    if (length <= 0) return -1;
    text[length] = '\0';
    const char* field = std::strstr(text, "\nTgid:");
    return field != nullptr ? static_cast<pid_t>(std::strtol(field + 6, nullptr, 10)) : -1;
}

}  // namespace

UniqueFd open_process(pid_t process) { return UniqueFd(static_cast<int>(syscall(SYS_pidfd_open, process, 0))); }

UniqueFd open_thread(pid_t thread) {
    UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, thread, kPidfdThread)));
    if (pidfd || errno != EINVAL) return pidfd;
    pid_t process = process_of_thread(thread);
    return process < 0 ? UniqueFd() : open_process(process);
}

UniqueFd take_descriptor(int process_fd, int fd) {
    return UniqueFd(static_cast<int>(syscall(SYS_pidfd_getfd, process_fd, fd, 0)));
}

bool read_memory(pid_t thread, uint64_t address, void* buffer, size_t length) {
    iovec local{buffer, length};
    iovec remote{reinterpret_cast<void*>(address), length};
    return process_vm_readv(thread, &local, 1, &remote, 1, 0) == static_cast<ssize_t>(length);
}

bool TakenSocket::read_option(int level, int name, int& value) const {
    socklen_t length = sizeof value;
    return getsockopt(socket, level, name, &value, &length) == 0;
}

int TakenSocket::write_option(const SocketOption& option) const {
    return setsockopt(socket, option.level, option.name, &option.value, sizeof option.value) == 0 ? 0 : errno;
}

}  // namespace kashim
