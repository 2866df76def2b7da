import BenchmarkKit
import CENet

/// ENet 1.3 (Debian's libenet-dev): reliable UDP as most small C/C++ games ship it.
struct ENetContender: Contender {
    let name = "ENet 1.3"
}
