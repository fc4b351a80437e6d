#include "target_inspection.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cstdlib>

namespace kashim::cli {
namespace {

// How many "#!" interpreters deep we follow, like the kernel's own limit of nested scripts.
constexpr int kMaxInterpreterDepth = 4;
// glibc's execvp search path when PATH is unset.
constexpr std::string_view kDefaultSearchPath = "/bin:/usr/bin";

class OpenFile {
public:
    explicit OpenFile(const std::string& path) : fd_(open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
    ~OpenFile() {
        if (fd_ >= 0) close(fd_);
    }
    OpenFile(const OpenFile&) = delete;
    OpenFile& operator=(const OpenFile&) = delete;

    bool is_open() const { return fd_ >= 0; }
    ReadAt reader() const {
        return [fd = fd_](uint64_t offset, void* out, size_t length) -> size_t {
            ssize_t got = pread(fd, out, length, static_cast<off_t>(offset));
            return got < 0 ? 0 : static_cast<size_t>(got);
        };
    }

private:
    int fd_;
};

bool is_executable_file(const std::string& path) {
    struct stat status;
    return stat(path.c_str(), &status) == 0 && S_ISREG(status.st_mode) && access(path.c_str(), X_OK) == 0;
}

std::optional<std::string> find_in_path(std::string_view program) {
    if (program.find('/') != std::string_view::npos) return std::string(program);
    const char* variable = std::getenv("PATH");
    std::string_view search = variable != nullptr ? variable : kDefaultSearchPath;
    size_t start = 0;
    while (start <= search.size()) {
        size_t end = std::min(search.find(':', start), search.size());
        std::string_view directory = search.substr(start, end - start);
        std::string candidate = (directory.empty() ? "." : std::string(directory)) + "/" + std::string(program);
        if (is_executable_file(candidate)) return candidate;
        start = end + 1;
    }
    return std::nullopt;
}

FileFacts file_facts(const std::string& path, const OpenFile& file) {
    FileFacts facts;
    facts.elf = read_elf_facts(file.reader());
    struct stat status;
    if (stat(path.c_str(), &status) == 0) {
        facts.set_user_id = (status.st_mode & S_ISUID) != 0;
        facts.set_group_id = (status.st_mode & S_ISGID) != 0 && (status.st_mode & S_IXGRP) != 0;
        facts.owner = status.st_uid;
        facts.group = status.st_gid;
    }
    facts.has_capabilities = getxattr(path.c_str(), "security.capability", nullptr, 0) > 0;
    struct statvfs mount;
    facts.nosuid_mount = statvfs(path.c_str(), &mount) == 0 && (mount.f_flag & ST_NOSUID) != 0;
    return facts;
}

Credentials own_credentials() {
    return {getuid(), getgid(), prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1};
}

std::string elf_description(const ElfFacts& elf) {
    if (!elf.is_elf) return "file that is neither ELF nor a #! script";
    std::string linking = !elf.has_interpreter ? "statically linked"
                          : elf.musl           ? "dynamically linked against musl"
                                               : "dynamically linked";
    return linking + (elf.is_go ? " Go program" : " ELF executable");
}

std::string reason(Barrier barrier, const FileFacts& facts) {
    switch (barrier) {
        case Barrier::StaticallyLinked:
            return "is statically linked (no dynamic loader runs to preload anything)";
        case Barrier::GoProgram:
            return "is a Go program (its runtime makes system calls itself, not through libc)";
        case Barrier::SetUserId:
            return "is setuid (runs as uid " + std::to_string(facts.owner) + "; the loader then ignores LD_PRELOAD)";
        case Barrier::SetGroupId:
            return "is setgid (runs as gid " + std::to_string(facts.group) + "; the loader then ignores LD_PRELOAD)";
        case Barrier::FileCapabilities:
            return "has file capabilities (the loader then ignores LD_PRELOAD)";
    }
    return {};
}

}  // namespace

std::vector<Barrier> barriers_for(const FileFacts& file, const Credentials& who) {
    std::vector<Barrier> barriers;
    if (file.elf.is_elf && !file.elf.has_interpreter) barriers.push_back(Barrier::StaticallyLinked);
    if (file.elf.is_go) barriers.push_back(Barrier::GoProgram);
    if (file.nosuid_mount || who.no_new_privileges) return barriers;
    if (file.set_user_id && file.owner != who.real_uid) barriers.push_back(Barrier::SetUserId);
    if (file.set_group_id && file.group != who.real_gid) barriers.push_back(Barrier::SetGroupId);
    // For root the capabilities add nothing it lacks, so the kernel keeps the normal mode.
    if (file.has_capabilities && who.real_uid != 0) barriers.push_back(Barrier::FileCapabilities);
    return barriers;
}

std::optional<Inspection> inspect_program(std::string_view program) {
    std::optional<std::string> path = find_in_path(program);
    if (!path) return std::nullopt;
    Inspection inspection;
    inspection.path = *path;

    std::string current = *path;
    for (int depth = 0; depth <= kMaxInterpreterDepth; ++depth) {
        OpenFile file(current);
        if (!file.is_open()) return std::nullopt;  // unreadable: nothing to tell
        std::string interpreter = script_interpreter(file.reader());
        if (interpreter.empty()) {
            inspection.facts = file_facts(current, file);
            std::string kind = elf_description(inspection.facts.elf);
            inspection.description = depth == 0 ? kind : "script run by " + current + ", a " + kind;
            inspection.barriers = barriers_for(inspection.facts, own_credentials());
            return inspection;
        }
        // Set-id bits on a script are ignored by Linux; the interpreter is what the loader starts.
        current = interpreter;
    }
    return std::nullopt;
}

bool supervisor_reaches(const Inspection& inspection) {
    for (Barrier barrier : inspection.barriers)
        if (barrier != Barrier::StaticallyLinked && barrier != Barrier::GoProgram) return false;
    return !inspection.barriers.empty();
}

std::string describe_barriers(const Inspection& inspection) {
    std::string line = "LD_PRELOAD cannot reach " + inspection.path + ": it ";
    for (size_t i = 0; i < inspection.barriers.size(); ++i) {
        if (i > 0) line += ", and it ";
        line += reason(inspection.barriers[i], inspection.facts);
    }
    line += "; its TCP sockets keep the kernel's keepalive settings";
    if (supervisor_reaches(inspection)) line += "; kashim --seccomp reaches it";
    return line + " (see LIMITATIONS in kashim(1))";
}

}  // namespace kashim::cli
