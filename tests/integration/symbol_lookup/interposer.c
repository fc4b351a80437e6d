/* A test-only interposer stacked before or after the lookup probe (INTERPOSER_MARK tells them
 * apart). Its functions are never called by the program, only looked up and called by the test. */
#ifndef INTERPOSER_MARK
#error "INTERPOSER_MARK names this interposer's place"
#endif
int socket(int domain, int type, int protocol) { return INTERPOSER_MARK + domain + type + protocol; }
int close(int fd) { return INTERPOSER_MARK + fd; }
int dup2(int from, int to) { return INTERPOSER_MARK + from + to + 2; }
