// The supervisor's seccomp filter, run here through a small interpreter of the classic BPF it is
// made of. The architecture it expects is checked against the one this very program was built
// for, read from its own ELF header (an AUDIT_ARCH_ value is the ELF machine with the class and
// byte order bits): a filter that names another architecture lets every call through unseen,
// which is how `kashim --seccomp` once configured nothing on arm64.
#include "notify_filter.h"

#include <elf.h>
#include <gtest/gtest.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <cstddef>
#include <cstring>
#include <fstream>

namespace kashim {
namespace {

// The architecture the kernel reports for this program's system calls, from its ELF header.
uint32_t architecture_of_this_program() {
    std::ifstream self("/proc/self/exe", std::ios::binary);
    unsigned char identity[EI_NIDENT] = {};
    self.read(reinterpret_cast<char*>(identity), sizeof identity);
    uint16_t machine = 0;
    self.seekg(offsetof(Elf64_Ehdr, e_machine));  // the same offset in 32- and 64-bit headers
    self.read(reinterpret_cast<char*>(&machine), sizeof machine);
    EXPECT_TRUE(self.good()) << "could not read /proc/self/exe's ELF header";
    EXPECT_EQ(std::memcmp(identity, ELFMAG, SELFMAG), 0);
    uint32_t architecture = machine;
    if (identity[EI_CLASS] == ELFCLASS64) architecture |= __AUDIT_ARCH_64BIT;
    if (identity[EI_DATA] == ELFDATA2LSB) architecture |= __AUDIT_ARCH_LE;
    return architecture;
}

// Runs the filter as the kernel would, for the few instructions it is made of.
uint32_t run_filter(const std::vector<sock_filter>& filter, const seccomp_data& call) {
    uint32_t accumulator = 0;
    for (size_t at = 0; at < filter.size(); ++at) {
        const sock_filter& instruction = filter[at];
        switch (instruction.code) {
            case BPF_LD | BPF_W | BPF_ABS:
                EXPECT_LE(instruction.k + sizeof accumulator, sizeof call);
                std::memcpy(&accumulator, reinterpret_cast<const char*>(&call) + instruction.k, sizeof accumulator);
                break;
            case BPF_JMP | BPF_JEQ | BPF_K:
                at += accumulator == instruction.k ? instruction.jt : instruction.jf;
                break;
            case BPF_RET | BPF_K:
                return instruction.k;
            default:
                ADD_FAILURE() << "instruction " << at << " has a code this interpreter does not know: " << instruction.code;
                return 0;
        }
    }
    ADD_FAILURE() << "the filter ran off its end";
    return 0;
}

seccomp_data call(uint32_t architecture, int number, uint64_t level = 0, uint64_t option = 0) {
    seccomp_data data{};
    data.arch = architecture;
    data.nr = number;
    data.args[1] = level;
    data.args[2] = option;
    return data;
}

TEST(NotifyFilter, ExpectsTheArchitectureThisProgramWasBuiltFor) {
    const uint32_t architecture = architecture_of_this_program();
    const auto filter = build_notify_filter();
    EXPECT_EQ(run_filter(filter, call(architecture, __NR_connect)), SECCOMP_RET_USER_NOTIF)
        << "connect() of this architecture (AUDIT_ARCH 0x" << std::hex << architecture << ") is let through";
    EXPECT_EQ(run_filter(filter, call(architecture, __NR_listen)), SECCOMP_RET_USER_NOTIF);
    // The control: the same call under another architecture's number is let through.
    EXPECT_EQ(run_filter(filter, call(architecture ^ __AUDIT_ARCH_64BIT, __NR_connect)), SECCOMP_RET_ALLOW);
}

TEST(NotifyFilter, StopsOnlyTheKeepaliveOptionsOfSetsockopt) {
    const uint32_t architecture = architecture_of_this_program();
    const auto filter = build_notify_filter();
    for (auto [level, option] : {std::pair{SOL_SOCKET, SO_KEEPALIVE}, {IPPROTO_TCP, TCP_KEEPIDLE},
                                 {IPPROTO_TCP, TCP_KEEPINTVL}, {IPPROTO_TCP, TCP_KEEPCNT},
                                 {IPPROTO_TCP, TCP_USER_TIMEOUT}})
        EXPECT_EQ(run_filter(filter, call(architecture, __NR_setsockopt, level, option)), SECCOMP_RET_USER_NOTIF)
            << "level " << level << " option " << option;
    for (auto [level, option] : {std::pair{SOL_SOCKET, SO_RCVBUF}, {IPPROTO_TCP, TCP_NODELAY}, {IPPROTO_IP, IP_TOS}})
        EXPECT_EQ(run_filter(filter, call(architecture, __NR_setsockopt, level, option)), SECCOMP_RET_ALLOW)
            << "level " << level << " option " << option;
    EXPECT_EQ(run_filter(filter, call(architecture, __NR_getpid)), SECCOMP_RET_ALLOW);
}

}  // namespace
}  // namespace kashim
