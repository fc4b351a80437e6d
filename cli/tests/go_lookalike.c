/* A dynamically linked program carrying the section only Go's toolchain writes, so the Go check
 * is tested where no Go toolchain is installed. */
__attribute__((used, section(".note.go.buildid"))) static const char go_build_id[] = "not-really-go";

int main(void) { return 0; }
