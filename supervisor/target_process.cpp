#include "target_process.h"

#include <sys/syscall.h>
#include <sys/uio.h>

#include <fstream>
#include <string>

namespace kashim {

pid_t process_of_thread(pid_t thread) {
    std::ifstream status("/proc/" + std::to_string(thread) + "/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("Tgid:", 0) == 0) return static_cast<pid_t>(std::stol(line.substr(5)));
    return -1;
}

UniqueFd open_process(pid_t process) {
    return UniqueFd(static_cast<int>(syscall(SYS_pidfd_open, process, 0)));
}

UniqueFd take_descriptor(int process_fd, int fd) {
    return UniqueFd(static_cast<int>(syscall(SYS_pidfd_getfd, process_fd, fd, 0)));
}

bool read_memory(pid_t thread, uint64_t address, void* buffer, size_t length) {
    iovec local{buffer, length};
    iovec remote{reinterpret_cast<void*>(address), length};
    return process_vm_readv(thread, &local, 1, &remote, 1, 0) == static_cast<ssize_t>(length);
}

}  // namespace kashim
