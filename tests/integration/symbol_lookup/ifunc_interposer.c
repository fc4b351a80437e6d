/* A test-only interposer whose dup3 is an indirect function (glibc's IFUNC: the loader calls the
 * resolver and binds what it returns), as glibc's own string functions are; musl has no IFUNC. */
static int dup3_chosen(int from, int to, int flags) { return 3000 + from + to + flags + 2; }
static int (*resolve_dup3(void))(int, int, int) { return dup3_chosen; }
int dup3(int from, int to, int flags) __attribute__((ifunc("resolve_dup3")));
