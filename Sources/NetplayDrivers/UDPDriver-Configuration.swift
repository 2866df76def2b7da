extension UDPDriver {
    /// How a ``UDPDriver`` socket is set up.
    package struct Configuration: Sendable, Hashable {
        /// Largest datagram accepted; bigger ones are dropped and counted, never passed up.
        /// The protocol's own packets are far smaller, so anything bigger is an attack or a
        /// stranger, and capping here bounds every later allocation.
        var maxDatagramBytes: Int
        /// Datagrams read per wake-up before the loop serves other work: high enough to drain
        /// a burst of a few players' packets in one go, low enough to keep timers on time
        /// (SwiftNIO's reads and the handler's own together, see `UDPDatagramHandler`'s drain).
        /// Also how often a long burst is answered, and how many reads in a row of one sender's
        /// equal datagrams turn receive offload on.
        var maxDatagramsPerRead: Int
        /// Datagrams fetched per system call with Linux `recvmmsg` by SwiftNIO (ignored
        /// elsewhere). At 1, the default, SwiftNIO reads a burst's first two datagrams and the
        /// handler the rest, up to 4 a call (see `UDPDatagramHandler`'s drain); above 1,
        /// SwiftNIO reads them all, in vectors of this many (the handler reading in the middle
        /// of a vector would deliver newer datagrams before older ones). The game-thread socket
        /// batches its reads whatever this says.
        var datagramsPerSystemCall: Int
        /// Allows sending to broadcast addresses (`SO_BROADCAST`), for LAN discovery.
        var allowsBroadcast: Bool
        /// Lets several sockets share the port (`SO_REUSEADDR`), for multicast listeners.
        /// Leave it off for game traffic: on Linux it would let another socket steal datagrams.
        var reusesAddress: Bool
        /// Sends each run of equal-size datagrams to one destination in one system call where
        /// the system can (Linux's UDP segmentation offload); off, one call per datagram.
        /// Receivers cannot tell the difference.
        var segmentsSends: Bool

        /// Creates a configuration.
        package init(
            maxDatagramBytes: Int = UDPDriver.ethernetPayloadBytes,
            maxDatagramsPerRead: Int = 16,
            datagramsPerSystemCall: Int = 1,
            allowsBroadcast: Bool = false,
            reusesAddress: Bool = false,
            segmentsSends: Bool = true
        ) {
            self.maxDatagramBytes = maxDatagramBytes
            self.maxDatagramsPerRead = maxDatagramsPerRead
            self.datagramsPerSystemCall = datagramsPerSystemCall
            self.allowsBroadcast = allowsBroadcast
            self.reusesAddress = reusesAddress
            self.segmentsSends = segmentsSends
        }
    }

    /// 1500-byte Ethernet MTU: a larger UDP payload would have been IP-fragmented on the way,
    /// which games must never depend on (one lost fragment loses the datagram).
    static let ethernetPayloadBytes = 1500

    /// The largest UDP payload over IPv4: 65,535 minus the 20-byte IP and 8-byte UDP headers.
    /// ``Configuration/maxDatagramBytes`` is clamped to it.
    static let largestUDPPayloadBytes = 65_507

    /// What a ``UDPDriver`` has done so far.
    package struct Statistics: Sendable, Hashable {
        /// Datagrams written to the socket.
        var datagramsSent = 0
        /// Payload bytes written to the socket.
        package var bytesSent = 0
        /// Datagrams read from the socket (including those dropped afterwards).
        var datagramsReceived = 0
        /// Payload bytes read from the socket.
        package var bytesReceived = 0
        /// Inbound datagrams over ``Configuration/maxDatagramBytes``.
        var droppedOversize = 0
        /// Datagrams whose address was not IPv4 or IPv6 (or could not be used on this socket).
        var droppedUnsupportedAddress = 0
        /// Outbound datagrams dropped because the socket's send buffer was full.
        var droppedNotWritable = 0
        /// Outbound datagrams the system refused (`ENETUNREACH` while a link is down,
        /// `EADDRNOTAVAIL` while an address changes, `EPERM` from a firewall…). The socket stays
        /// open: each refusal concerns one datagram, and the link may come back.
        package var refusedSends = 0
        /// The `errno` of the latest refusal, for diagnostics.
        package var lastRefusal: CInt?
        /// System calls made to send: one a datagram, or one a batch where the system takes
        /// batches (see `DatagramBatchWriter`).
        var sendCalls = 0
        /// Runs of datagrams sent as one message (UDP segmentation offload) and taken whole.
        var segmentedSends = 0
        /// System calls made to read where the driver reads the socket itself: the game-thread
        /// socket's, and the rest of a burst after SwiftNIO's first reads (SwiftNIO's are not
        /// counted).
        var receiveCalls = 0
        /// Reads that brought several datagrams at once (UDP receive offload).
        var coalescedReads = 0
        /// Whether receive offload is on: the socket once fell behind, on a system that has it.
        var offloadsReceive = false
        /// Socket errors reported by the event loop or met by the handler's own reads (for
        /// example ICMP port unreachable).
        var socketErrors = 0
    }
}

extension UDPDriver.Statistics {
    /// Counts one send's outcome, for each of the `datagrams` it carried.
    mutating func count(_ outcome: UDPSocket.SendOutcome, datagrams: Int = 1, bytes: Int) {
        switch outcome {
        case .sent:
            datagramsSent += datagrams
            bytesSent += bytes
        case .bufferFull:
            droppedNotWritable += datagrams
        case .refused(let code):
            // The datagram is lost, as on the wire; the session's resends and resume cover it.
            refusedSends += datagrams
            lastRefusal = code
        }
    }
}
