// The program the security tests run under kashim. Usage: kashim_security_probe MODE [PATH]
//   report          whether this is secure execution (AT_SECURE), and a TCP socket's settings
//   log-facts PATH  how the log file PATH is open in this process (flags from /proc), then exec
//                   of "list-fds PATH" with kashim's logging off, and a descriptor of its own
//                   open on PATH without close-on-exec as the control that must be inherited
//   list-fds PATH   the descriptors open on PATH (after exec: inherited ones)
//   chatty [MARKER] a known text on stdout around sockets and a connection; with MARKER, also
//                   whether its listening socket has keepalive on, written there: stdout must read
//                   the same with kashim and without, and this shows whether kashim was there
//   own-file PATH   creates PATH as an ordinary program would (0666 before the umask)
//   no-socket       closes a descriptor and makes no socket
//   threads N       N threads released at once each make their first TCP socket; how many of
//                   those sockets have keepalive on with an idle time of 20 s
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/auxv.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

int option(int fd, int level, int name) {
    int value = -1;
    socklen_t length = sizeof value;
    return getsockopt(fd, level, name, &value, &length) == 0 ? value : -1;
}

std::vector<int> fds_open_on(const char* path) {
    std::vector<int> found;
    DIR* dir = opendir("/proc/self/fd");
    while (dirent* entry = dir ? readdir(dir) : nullptr) {
        if (entry->d_name[0] == '.') continue;
        std::string link = std::string("/proc/self/fd/") + entry->d_name;
        char target[4096];
        ssize_t length = readlink(link.c_str(), target, sizeof target - 1);
        if (length <= 0) continue;
        target[length] = '\0';
        if (std::strcmp(target, path) == 0) found.push_back(std::atoi(entry->d_name));
    }
    if (dir) closedir(dir);
    return found;
}

std::string fd_flags(int fd) {
    std::string path = "/proc/self/fdinfo/" + std::to_string(fd);
    FILE* file = std::fopen(path.c_str(), "r");
    char line[256];
    std::string flags = "?";
    while (file && std::fgets(line, sizeof line, file))
        if (std::strncmp(line, "flags:", 6) == 0) flags = std::string(line + 6, std::strcspn(line + 6, "\n"));
    if (file) std::fclose(file);
    size_t start = flags.find_first_not_of(" \t");
    return start == std::string::npos ? flags : flags.substr(start);
}

int report() {
    std::printf("at_secure=%lu ruid=%d euid=%d rgid=%d egid=%d\n", getauxval(AT_SECURE), getuid(), geteuid(), getgid(),
                getegid());
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    std::printf("ka=%d idle=%d\n", option(fd, SOL_SOCKET, SO_KEEPALIVE), option(fd, IPPROTO_TCP, TCP_KEEPIDLE));
    return 0;
}

int log_facts(const char* path, const char* self) {
    close(socket(AF_INET, SOCK_STREAM, 0));  // a debug line, so the file has been written
    for (int fd : fds_open_on(path)) std::printf("log-fd=%d flags=%s\n", fd, fd_flags(fd).c_str());
    int control = open(path, O_RDONLY);
    std::printf("control-fd=%d\n", control);
    std::fflush(stdout);
    std::vector<std::string> env;
    for (char** entry = environ; *entry; ++entry)
        if (std::strncmp(*entry, "KA_LOG=", 7) != 0) env.push_back(*entry);
    env.push_back("KA_LOG=off");
    std::vector<char*> env_pointers;
    for (std::string& entry : env) env_pointers.push_back(entry.data());
    env_pointers.push_back(nullptr);
    char* args[] = {const_cast<char*>(self), const_cast<char*>("list-fds"), const_cast<char*>(path), nullptr};
    execve("/proc/self/exe", args, env_pointers.data());
    std::perror("execve");
    return 1;
}

int list_fds(const char* path) {
    for (int fd : fds_open_on(path)) std::printf("inherited-fd=%d\n", fd);
    std::printf("listed\n");
    return 0;
}

int chatty(const char* marker) {
    std::printf("chatty: one\n");
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    bind(listener, reinterpret_cast<sockaddr*>(&address), length);
    listen(listener, 4);
    getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
    std::printf("chatty: two\n");
    std::fflush(stdout);
    for (int i = 0; i < 10; ++i) {
        int client = socket(i % 2 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
        if (i % 2 == 0) connect(client, reinterpret_cast<sockaddr*>(&address), length);
        int one = 1;
        setsockopt(client, IPPROTO_TCP, TCP_KEEPIDLE, &one, sizeof one);
        close(client);
    }
    std::printf("chatty: three\n");
    if (marker == nullptr) return 0;
    FILE* file = std::fopen(marker, "w");
    if (file == nullptr) return 1;
    std::fprintf(file, "listener-keepalive=%d\n", option(listener, SOL_SOCKET, SO_KEEPALIVE));
    return std::fclose(file) == 0 ? 0 : 1;
}

int own_file(const char* path) {
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
    return fd >= 0 ? 0 : 1;
}

int no_socket() {
    close(dup(STDOUT_FILENO));
    std::printf("no socket made\n");
    return 0;
}

int threads(int count) {
    std::atomic<bool> go{false};
    std::atomic<int> configured{0};
    std::vector<std::thread> racing;
    for (int i = 0; i < count; ++i)
        racing.emplace_back([&] {
            while (!go.load()) {
            }
            int fd = socket(AF_INET, SOCK_STREAM, 0);
            if (option(fd, SOL_SOCKET, SO_KEEPALIVE) == 1 && option(fd, IPPROTO_TCP, TCP_KEEPIDLE) == 20) ++configured;
            close(fd);
        });
    go = true;
    for (std::thread& thread : racing) thread.join();
    std::printf("configured=%d of %d\n", configured.load(), count);
    return 0;
}

}  // namespace

// In the ASan build: a setuid or setgid process is not dumpable, so LeakSanitizer's tracer
// cannot attach to it, and the runtime cannot read ASAN_OPTIONS from /proc/self/environ.
extern "C" const char* __asan_default_options() { return "detect_leaks=0"; }

int main(int argc, char** argv) {
    std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "report") return report();
    if (mode == "log-facts" && argc > 2) return log_facts(argv[2], argv[0]);
    if (mode == "list-fds" && argc > 2) return list_fds(argv[2]);
    if (mode == "chatty") return chatty(argc > 2 ? argv[2] : nullptr);
    if (mode == "own-file" && argc > 2) return own_file(argv[2]);
    if (mode == "no-socket") return no_socket();
    if (mode == "threads" && argc > 2) return threads(std::atoi(argv[2]));
    std::fprintf(stderr, "usage: kashim_security_probe report|log-facts PATH|list-fds PATH|chatty [MARKER]|own-file PATH\n");
    return 2;
}
