#include "elf_facts.h"

#include <elf.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace kashim::cli {
namespace {

ReadAt reader(const std::vector<unsigned char>& bytes) {
    return [&bytes](uint64_t offset, void* out, size_t length) -> size_t {
        if (offset >= bytes.size()) return 0;
        size_t available = std::min<size_t>(length, bytes.size() - offset);
        std::memcpy(out, bytes.data() + offset, available);
        return available;
    };
}

template <typename T>
void put(std::vector<unsigned char>& bytes, size_t offset, const T& value) {
    if (bytes.size() < offset + sizeof value) bytes.resize(offset + sizeof value);
    std::memcpy(bytes.data() + offset, &value, sizeof value);
}

// A minimal 64-bit executable: program headers of the given types, then sections named `sections`.
std::vector<unsigned char> elf64(std::vector<uint32_t> segment_types, std::vector<std::string> sections,
                                 const std::string& interpreter = "") {
    std::vector<unsigned char> bytes;
    Elf64_Ehdr header{};
    std::memcpy(header.e_ident, ELFMAG, SELFMAG);
    header.e_ident[EI_CLASS] = ELFCLASS64;
    header.e_ident[EI_DATA] = ELFDATA2LSB;
    header.e_type = ET_EXEC;
    header.e_phoff = sizeof header;
    header.e_phentsize = sizeof(Elf64_Phdr);
    header.e_phnum = static_cast<Elf64_Half>(segment_types.size());
    for (size_t i = 0; i < segment_types.size(); ++i) {
        Elf64_Phdr segment{};
        segment.p_type = segment_types[i];
        put(bytes, header.e_phoff + i * sizeof segment, segment);
    }
    size_t interpreter_offset = header.e_phoff + segment_types.size() * sizeof(Elf64_Phdr);
    for (size_t i = 0; i < segment_types.size() && !interpreter.empty(); ++i) {
        if (segment_types[i] != PT_INTERP) continue;
        Elf64_Phdr segment{};
        segment.p_type = PT_INTERP;
        segment.p_offset = interpreter_offset;
        segment.p_filesz = interpreter.size() + 1;
        put(bytes, header.e_phoff + i * sizeof segment, segment);
        for (size_t j = 0; j <= interpreter.size(); ++j) put(bytes, interpreter_offset + j, interpreter.c_str()[j]);
    }
    std::string names(1, '\0');
    std::vector<Elf64_Shdr> headers(1);  // section 0 is always empty
    sections.push_back(".shstrtab");
    for (const std::string& name : sections) {
        Elf64_Shdr section{};
        section.sh_name = static_cast<Elf64_Word>(names.size());
        headers.push_back(section);
        names += name + '\0';
    }
    size_t names_offset = std::max<size_t>(bytes.size(), sizeof header);
    headers.back().sh_offset = names_offset;
    headers.back().sh_size = names.size();
    for (size_t i = 0; i < names.size(); ++i) put(bytes, names_offset + i, names[i]);
    header.e_shoff = bytes.size();
    header.e_shentsize = sizeof(Elf64_Shdr);
    header.e_shnum = static_cast<Elf64_Half>(headers.size());
    header.e_shstrndx = static_cast<Elf64_Half>(headers.size() - 1);
    for (size_t i = 0; i < headers.size(); ++i) put(bytes, header.e_shoff + i * sizeof(Elf64_Shdr), headers[i]);
    put(bytes, 0, header);
    return bytes;
}

TEST(ElfFacts, DynamicExecutableHasAnInterpreter) {
    std::vector<unsigned char> image = elf64({PT_PHDR, PT_INTERP, PT_LOAD}, {".text", ".dynamic"});
    ElfFacts facts = read_elf_facts(reader(image));
    EXPECT_TRUE(facts.is_elf);
    EXPECT_TRUE(facts.has_interpreter);
    EXPECT_FALSE(facts.is_go);
}

TEST(ElfFacts, MuslIsKnownByItsLoader) {
    auto musl = [](const std::string& loader) {
        return read_elf_facts(reader(elf64({PT_PHDR, PT_INTERP, PT_LOAD}, {".text"}, loader))).musl;
    };
    EXPECT_TRUE(musl("/lib/ld-musl-x86_64.so.1"));
    EXPECT_TRUE(musl("/lib/ld-musl-aarch64.so.1"));
    EXPECT_FALSE(musl("/lib64/ld-linux-x86-64.so.2"));
    EXPECT_FALSE(musl("/lib/musl/ld-linux.so"));
    EXPECT_FALSE(musl(""));
}

TEST(ElfFacts, StaticExecutableHasNone) {
    std::vector<unsigned char> image = elf64({PT_LOAD, PT_LOAD, PT_NOTE}, {".text"});
    ElfFacts facts = read_elf_facts(reader(image));
    EXPECT_TRUE(facts.is_elf);
    EXPECT_FALSE(facts.has_interpreter);
}

TEST(ElfFacts, GoIsKnownByItsSections) {
    EXPECT_TRUE(read_elf_facts(reader(elf64({PT_LOAD}, {".text", ".note.go.buildid"}))).is_go);
    EXPECT_TRUE(read_elf_facts(reader(elf64({PT_INTERP, PT_LOAD}, {".go.buildinfo"}))).is_go);
    EXPECT_FALSE(read_elf_facts(reader(elf64({PT_LOAD}, {".go", ".note.gnu.build-id"}))).is_go);
}

TEST(ElfFacts, NotElfOrDamaged) {
    std::vector<unsigned char> script = {'#', '!', '/', 'b', 'i', 'n', '/', 's', 'h', '\n'};
    EXPECT_FALSE(read_elf_facts(reader(script)).is_elf);
    std::vector<unsigned char> image = elf64({PT_INTERP}, {});
    image.resize(20);  // cut inside the header
    EXPECT_FALSE(read_elf_facts(reader(image)).is_elf);
    std::vector<unsigned char> big_endian = elf64({PT_INTERP}, {});
    big_endian[EI_DATA] = ELFDATA2MSB;
    EXPECT_FALSE(read_elf_facts(reader(big_endian)).is_elf);
}

TEST(ElfFacts, HeadersPointingPastTheEndAreNotBelieved) {
    std::vector<unsigned char> image = elf64({PT_INTERP}, {".go.buildinfo"});
    Elf64_Ehdr header;
    std::memcpy(&header, image.data(), sizeof header);
    header.e_phoff = 1 << 20;
    header.e_shoff = 1 << 20;
    put(image, 0, header);
    ElfFacts facts = read_elf_facts(reader(image));
    EXPECT_TRUE(facts.is_elf);
    EXPECT_FALSE(facts.has_interpreter);
    EXPECT_FALSE(facts.is_go);
}

TEST(ElfFacts, ThisTestProgramIsDynamic) {
    FILE* self = std::fopen("/proc/self/exe", "rb");
    ASSERT_NE(self, nullptr);
    ElfFacts facts = read_elf_facts([self](uint64_t offset, void* out, size_t length) -> size_t {
        std::fseek(self, static_cast<long>(offset), SEEK_SET);
        return std::fread(out, 1, length, self);
    });
    std::fclose(self);
    EXPECT_TRUE(facts.is_elf);
    EXPECT_TRUE(facts.has_interpreter);
    EXPECT_FALSE(facts.is_go);
}

TEST(ScriptInterpreter, FirstWordAfterHashBang) {
    auto interpreter = [](std::string text) {
        std::vector<unsigned char> bytes(text.begin(), text.end());
        return script_interpreter(reader(bytes));
    };
    EXPECT_EQ(interpreter("#!/bin/sh\necho\n"), "/bin/sh");
    EXPECT_EQ(interpreter("#! /usr/bin/env python3\n"), "/usr/bin/env");
    EXPECT_EQ(interpreter("#!/bin/bash -e"), "/bin/bash");
    EXPECT_EQ(interpreter("#!\n"), "");
    EXPECT_EQ(interpreter("echo hi\n"), "");
    EXPECT_EQ(interpreter(""), "");
}

}  // namespace
}  // namespace kashim::cli
