#include "elf_facts.h"

#include <elf.h>

#include <cstring>
#include <string_view>

namespace kashim::cli {
namespace {

// Sections only a Go toolchain writes: the build id note, and the build information that
// `go version` reads (kept even in stripped binaries).
constexpr std::string_view kGoSections[] = {".note.go.buildid", ".go.buildinfo"};

// Bounds that no sane executable reaches; anything beyond is treated as unreadable.
constexpr size_t kMaxHeaders = 4096;
constexpr size_t kMaxSectionNames = 1 << 20;

bool read_exactly(const ReadAt& read, uint64_t offset, void* out, size_t length) {
    return read(offset, out, length) == length;
}

struct Elf32Types {
    using Ehdr = Elf32_Ehdr;
    using Phdr = Elf32_Phdr;
    using Shdr = Elf32_Shdr;
};
struct Elf64Types {
    using Ehdr = Elf64_Ehdr;
    using Phdr = Elf64_Phdr;
    using Shdr = Elf64_Shdr;
};

constexpr size_t kMaxInterpreterPath = 4096;

struct Interpreter {
    bool present = false;
    std::string path;  // empty when unreadable
};

template <typename Types>
Interpreter read_interpreter(const ReadAt& read, const typename Types::Ehdr& header) {
    if (header.e_phentsize != sizeof(typename Types::Phdr) || header.e_phnum > kMaxHeaders) return {};
    for (size_t i = 0; i < header.e_phnum; ++i) {
        typename Types::Phdr program;
        if (!read_exactly(read, header.e_phoff + i * sizeof program, &program, sizeof program)) return {};
        if (program.p_type != PT_INTERP) continue;
        Interpreter interpreter{true, {}};
        if (program.p_filesz > 0 && program.p_filesz <= kMaxInterpreterPath) {
            std::string path(program.p_filesz, '\0');
            if (read_exactly(read, program.p_offset, path.data(), path.size())) interpreter.path = path.c_str();
        }
        return interpreter;
    }
    return {};
}

bool is_musl_loader(std::string_view path) {
    std::string_view name = path.substr(path.rfind('/') + 1);
    return name.rfind("ld-musl-", 0) == 0;
}

template <typename Types>
bool has_go_section(const ReadAt& read, const typename Types::Ehdr& header) {
    using Shdr = typename Types::Shdr;
    if (header.e_shentsize != sizeof(Shdr) || header.e_shnum > kMaxHeaders || header.e_shstrndx >= header.e_shnum)
        return false;
    Shdr names_section;
    uint64_t names_header = header.e_shoff + header.e_shstrndx * sizeof(Shdr);
    if (!read_exactly(read, names_header, &names_section, sizeof names_section)) return false;
    if (names_section.sh_size > kMaxSectionNames) return false;
    std::string names(names_section.sh_size, '\0');
    if (!read_exactly(read, names_section.sh_offset, names.data(), names.size())) return false;

    for (size_t i = 0; i < header.e_shnum; ++i) {
        Shdr section;
        if (!read_exactly(read, header.e_shoff + i * sizeof section, &section, sizeof section)) return false;
        if (section.sh_name >= names.size()) continue;
        std::string_view name(names.c_str() + section.sh_name);
        for (std::string_view go_section : kGoSections)
            if (name == go_section) return true;
    }
    return false;
}

template <typename Types>
ElfFacts facts_for(const ReadAt& read) {
    typename Types::Ehdr header;
    if (!read_exactly(read, 0, &header, sizeof header)) return {};
    ElfFacts facts;
    facts.is_elf = true;
    Interpreter interpreter = read_interpreter<Types>(read, header);
    facts.has_interpreter = interpreter.present;
    facts.musl = is_musl_loader(interpreter.path);
    facts.is_go = has_go_section<Types>(read, header);
    return facts;
}

bool native_byte_order(unsigned char data) {
    return data == (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? ELFDATA2LSB : ELFDATA2MSB);
}

}  // namespace

ElfFacts read_elf_facts(const ReadAt& read) {
    unsigned char ident[EI_NIDENT];
    if (!read_exactly(read, 0, ident, sizeof ident) || std::memcmp(ident, ELFMAG, SELFMAG) != 0) return {};
    if (!native_byte_order(ident[EI_DATA])) return {};
    if (ident[EI_CLASS] == ELFCLASS64) return facts_for<Elf64Types>(read);
    if (ident[EI_CLASS] == ELFCLASS32) return facts_for<Elf32Types>(read);
    return {};
}

std::string script_interpreter(const ReadAt& read) {
    char line[256];  // the kernel too reads no more of the "#!" line than this
    std::string_view text(line, read(0, line, sizeof line));
    if (text.substr(0, 2) != "#!") return {};
    text.remove_prefix(2);
    size_t start = text.find_first_not_of(" \t");
    if (start == std::string_view::npos) return {};
    text.remove_prefix(start);
    return std::string(text.substr(0, text.find_first_of(" \t\n")));
}

}  // namespace kashim::cli
