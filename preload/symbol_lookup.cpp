#include "symbol_lookup.h"

#include <elf.h>
#include <errno.h>
#include <link.h>
#include <stdint.h>
#include <sys/auxv.h>
#if defined(__aarch64__)
#include <sys/ifunc.h>
#endif

namespace kashim {
namespace {

struct LoadedObject {
    ElfW(Addr) base;  // what the object's addresses are relative to
    const ElfW(Dyn)* dynamic;
};

// A name with both its hashes, worked out once for a walk over every object.
struct WantedName {
    const char* text;
    uint32_t gnu_hash;
    uint32_t sysv_hash;
};

struct SymbolTables {
    const ElfW(Sym)* symbols = nullptr;
    const char* names = nullptr;
    const uint32_t* gnu_hash = nullptr;
    const ElfW(Word)* sysv_hash = nullptr;
    const ElfW(Half)* versions = nullptr;
};

// glibc rewrites the addresses in an object's dynamic section to absolute ones as it loads it
// (not where the section is read-only, as in the vDSO); musl leaves them relative to the base.
uintptr_t absolute(const LoadedObject& object, ElfW(Addr) address) {
    return address < object.base ? object.base + address : address;
}

SymbolTables tables_of(const LoadedObject& object) {
    SymbolTables tables;
    for (const ElfW(Dyn)* entry = object.dynamic; entry->d_tag != DT_NULL; ++entry) {
        uintptr_t where = absolute(object, entry->d_un.d_ptr);
        switch (entry->d_tag) {
            case DT_SYMTAB: tables.symbols = reinterpret_cast<const ElfW(Sym)*>(where); break;
            case DT_STRTAB: tables.names = reinterpret_cast<const char*>(where); break;
            case DT_GNU_HASH: tables.gnu_hash = reinterpret_cast<const uint32_t*>(where); break;
            case DT_HASH: tables.sysv_hash = reinterpret_cast<const ElfW(Word)*>(where); break;
            case DT_VERSYM: tables.versions = reinterpret_cast<const ElfW(Half)*>(where); break;
            default: break;
        }
    }
    return tables;
}

uint32_t gnu_hash(const char* name) {
    uint32_t hash = 5381;
    for (; *name != '\0'; ++name) hash = hash * 33 + static_cast<unsigned char>(*name);
    return hash;
}

uint32_t sysv_hash(const char* name) {
    uint32_t hash = 0;
    for (; *name != '\0'; ++name) {
        hash = (hash << 4) + static_cast<unsigned char>(*name);
        uint32_t high = hash & 0xf0000000u;
        hash ^= high >> 24;
        hash &= ~high;
    }
    return hash;
}

// The same for 32- and 64-bit symbols (ELF32_ST_TYPE and ELF64_ST_TYPE agree).
unsigned type_of(const ElfW(Sym)& symbol) { return symbol.st_info & 0xf; }
unsigned binding_of(const ElfW(Sym)& symbol) { return symbol.st_info >> 4; }

WantedName wanted(const char* name) { return {name, gnu_hash(name), sysv_hash(name)}; }

bool same_name(const char* a, const char* b) {
    while (*a != '\0' && *a == *b) ++a, ++b;
    return *a == *b;
}

// What both loaders take as a definition of `name` for a lookup without a version. An undefined
// symbol with a value counts, as in dlsym: a program's PLT entry standing for a function whose
// address it takes. Thread-local symbols are left out: their address is per thread.
bool defines(const SymbolTables& tables, uint32_t index, const char* name) {
    const ElfW(Sym)& symbol = tables.symbols[index];
    if (symbol.st_value == 0 && symbol.st_shndx != SHN_ABS) return false;
    unsigned type = type_of(symbol);
    if (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE && type != STT_GNU_IFUNC && type != STT_COMMON)
        return false;
    unsigned binding = binding_of(symbol);
    if (binding != STB_GLOBAL && binding != STB_WEAK && binding != STB_GNU_UNIQUE) return false;
    if (tables.versions != nullptr && (tables.versions[index] & 0x8000) != 0) return false;  // not the default version
    return same_name(name, tables.names + symbol.st_name);
}

const ElfW(Sym)* find_in_gnu_hash(const SymbolTables& tables, const char* name, uint32_t hash) {
    const uint32_t buckets = tables.gnu_hash[0], first_hashed = tables.gnu_hash[1];
    const uint32_t bloom_words = tables.gnu_hash[2], bloom_shift = tables.gnu_hash[3];
    if (buckets == 0 || bloom_words == 0) return nullptr;
    const auto* bloom = reinterpret_cast<const ElfW(Addr)*>(tables.gnu_hash + 4);
    const auto* bucket = reinterpret_cast<const uint32_t*>(bloom + bloom_words);
    const uint32_t* chain = bucket + buckets;
    constexpr unsigned kBits = sizeof(ElfW(Addr)) * 8;
    ElfW(Addr) mask = ElfW(Addr){1} << (hash % kBits) | ElfW(Addr){1} << ((hash >> bloom_shift) % kBits);
    if ((bloom[(hash / kBits) % bloom_words] & mask) != mask) return nullptr;
    uint32_t index = bucket[hash % buckets];
    if (index < first_hashed) return nullptr;
    for (;; ++index) {
        uint32_t chained = chain[index - first_hashed];
        if ((chained | 1) == (hash | 1) && defines(tables, index, name)) return &tables.symbols[index];
        if ((chained & 1) != 0) return nullptr;  // the last of its bucket
    }
}

const ElfW(Sym)* find_in_sysv_hash(const SymbolTables& tables, const char* name, uint32_t hash) {
    const ElfW(Word) buckets = tables.sysv_hash[0];
    if (buckets == 0) return nullptr;
    const ElfW(Word)* bucket = tables.sysv_hash + 2;
    const ElfW(Word)* chain = bucket + buckets;
    for (ElfW(Word) index = bucket[hash % buckets]; index != STN_UNDEF; index = chain[index])
        if (defines(tables, index, name)) return &tables.symbols[index];
    return nullptr;
}

// dlsym gives what an indirect function's resolver picks for this machine, called as glibc calls it.
void* chosen_by_resolver(uintptr_t resolver) {
#if defined(__x86_64__)
    return reinterpret_cast<void* (*)()>(resolver)();
#elif defined(__aarch64__)
    __ifunc_arg_t capabilities{};
    capabilities._size = sizeof capabilities;
    capabilities._hwcap = getauxval(AT_HWCAP);
    capabilities._hwcap2 = getauxval(AT_HWCAP2);
    return reinterpret_cast<void* (*)(uint64_t, const __ifunc_arg_t*)>(resolver)(capabilities._hwcap | _IFUNC_ARG_HWCAP,
                                                                                &capabilities);
#else
#error "call an indirect function's resolver as this architecture's glibc does"
#endif
}

void* definition_in(const LoadedObject& object, const WantedName& name) {
    SymbolTables tables = tables_of(object);
    if (tables.symbols == nullptr || tables.names == nullptr) return nullptr;
    const ElfW(Sym)* symbol = nullptr;
    if (tables.gnu_hash != nullptr)
        symbol = find_in_gnu_hash(tables, name.text, name.gnu_hash);
    else if (tables.sysv_hash != nullptr)
        symbol = find_in_sysv_hash(tables, name.text, name.sysv_hash);
    if (symbol == nullptr) return nullptr;
    uintptr_t address = symbol->st_shndx == SHN_ABS ? symbol->st_value : object.base + symbol->st_value;
    return type_of(*symbol) == STT_GNU_IFUNC ? chosen_by_resolver(address) : reinterpret_cast<void*>(address);
}

// The loader's list of objects in load order. The main program's DT_DEBUG entry points at the
// loader's r_debug (glibc and musl both fill it in, for debuggers); reading the list takes no lock.
const link_map* loaded_objects() {
    const auto* headers = reinterpret_cast<const ElfW(Phdr)*>(getauxval(AT_PHDR));
    unsigned long count = getauxval(AT_PHNUM);
    const ElfW(Phdr)* program_headers = nullptr;
    const ElfW(Phdr)* dynamic = nullptr;
    for (unsigned long i = 0; headers != nullptr && i < count; ++i) {
        if (headers[i].p_type == PT_PHDR) program_headers = &headers[i];
        if (headers[i].p_type == PT_DYNAMIC) dynamic = &headers[i];
    }
    if (program_headers == nullptr || dynamic == nullptr) return nullptr;
    uintptr_t bias = reinterpret_cast<uintptr_t>(headers) - program_headers->p_vaddr;
    for (const auto* entry = reinterpret_cast<const ElfW(Dyn)*>(bias + dynamic->p_vaddr); entry->d_tag != DT_NULL; ++entry)
        if (entry->d_tag == DT_DEBUG) {
            const auto* debug = reinterpret_cast<const r_debug*>(entry->d_un.d_ptr);
            return debug != nullptr ? debug->r_map : nullptr;
        }
    return nullptr;
}

// The kernel's vDSO is in the loaders' lists but outside the scope dlsym searches; its image also
// says nothing of where the loader put it (older x86-64 kernels link it at a kernel address).
struct Span {
    uintptr_t start = 0, end = 0;
    bool holds(const void* address) const {
        auto at = reinterpret_cast<uintptr_t>(address);
        return start <= at && at < end;
    }
};

Span vdso_image() {
    const auto* header = reinterpret_cast<const ElfW(Ehdr)*>(getauxval(AT_SYSINFO_EHDR));
    if (header == nullptr) return {};
    const auto* segments = reinterpret_cast<const ElfW(Phdr)*>(reinterpret_cast<uintptr_t>(header) + header->e_phoff);
    ElfW(Addr) lowest = ~ElfW(Addr){0}, highest = 0;
    for (ElfW(Half) i = 0; i < header->e_phnum; ++i)
        if (segments[i].p_type == PT_LOAD) {
            if (segments[i].p_vaddr < lowest) lowest = segments[i].p_vaddr;
            if (segments[i].p_vaddr + segments[i].p_memsz > highest) highest = segments[i].p_vaddr + segments[i].p_memsz;
        }
    if (highest <= lowest) return {};
    auto start = reinterpret_cast<uintptr_t>(header);
    return {start, start + (highest - lowest)};
}

// Calls `visit` with each loaded object in load order, the vDSO left out, until it returns true.
template <typename Visit>
void for_each_loaded_object(Visit& visit) {
    Span vdso = vdso_image();
    if (const link_map* object = loaded_objects()) {
        for (; object != nullptr; object = object->l_next)
            if (object->l_ld != nullptr && !vdso.holds(object->l_ld) && visit(LoadedObject{object->l_addr, object->l_ld}))
                return;
        return;
    }
    // A main program linked without DT_DEBUG: the loader's own walk of the same list, which
    // takes its lock (so never reached from a program that has the entry, as all linkers write it).
    struct Walk {
        Visit& visit;
        Span vdso;
    } walk{visit, vdso};
    dl_iterate_phdr(
        [](dl_phdr_info* info, size_t, void* data) -> int {
            auto& [visit_object, vdso_span] = *static_cast<Walk*>(data);
            for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i)
                if (info->dlpi_phdr[i].p_type == PT_DYNAMIC) {
                    const auto* dynamic = reinterpret_cast<const ElfW(Dyn)*>(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
                    return !vdso_span.holds(dynamic) && visit_object(LoadedObject{info->dlpi_addr, dynamic}) ? 1 : 0;
                }
            return 0;
        },
        &walk);
}

// Hooks look names up in the middle of the program's calls, whose errno must come through as the
// kernel left it; getauxval sets errno for an entry the kernel did not give (no vDSO under qemu-user).
class ErrnoKept {
public:
    ErrnoKept() : saved_(errno) {}
    ~ErrnoKept() { errno = saved_; }
    ErrnoKept(const ErrnoKept&) = delete;
    ErrnoKept& operator=(const ErrnoKept&) = delete;

private:
    int saved_;
};

}  // namespace

void* next_definition(const char* text) {
    ErrnoKept errno_kept;
    const WantedName name = wanted(text);
    bool after_this_object = false;
    void* found = nullptr;
    auto visit = [&](const LoadedObject& object) {
        if (object.dynamic == _DYNAMIC) {  // link.h declares this object's own dynamic section
            after_this_object = true;
            return false;
        }
        return after_this_object && (found = definition_in(object, name)) != nullptr;
    };
    for_each_loaded_object(visit);
    if (after_this_object) return found;
    // Not in the list (loaded into another namespace): the first definition outside this object.
    auto elsewhere = [&](const LoadedObject& object) {
        return object.dynamic != _DYNAMIC && (found = definition_in(object, name)) != nullptr;
    };
    for_each_loaded_object(elsewhere);
    return found;
}

void* first_definition(const char* text) {
    ErrnoKept errno_kept;
    const WantedName name = wanted(text);
    void* found = nullptr;
    auto visit = [&](const LoadedObject& object) { return (found = definition_in(object, name)) != nullptr; };
    for_each_loaded_object(visit);
    return found;
}

}  // namespace kashim
