// ENet 1.3 (Debian's libenet-dev), the C library most small games use: the benchmarks'
// reliable-UDP reference.
#include <enet/enet.h>
