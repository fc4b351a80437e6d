// Reports the socket that libctor_socket's constructor made before main().
#include "probe_report.h"

extern "C" int socket_made_in_constructor;

int main() {
    report_socket("constructor", socket_made_in_constructor);
    return 0;
}
