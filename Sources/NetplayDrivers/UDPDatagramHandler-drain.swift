import NIOCore
import NetplayBase

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension UDPDatagramHandler {
    /// SwiftNIO's reads in a burst when the handler drains the rest (its `maxMessagesPerRead`,
    /// see `UDPDriver.bootstrap`): the second one says a burst has more than one datagram.
    static let swiftNIOReadsPerBurst = 2

    /// Reads what else waits on the socket, itself, after SwiftNIO read a burst's first two
    /// datagrams, until the socket is empty or the burst has taken `datagramsPerAnswer`.
    ///
    /// SwiftNIO builds a `SocketAddress` for every datagram it reads, and that formats the
    /// address as text (`inet_ntop`, `sprintf`): 2,888 of the 19,472 instructions a
    /// network-thread host spent per input (two datagrams an input; callgrind, 16 clients), for
    /// a text nobody here reads, and its envelope and buffer cost about as much again. Read
    /// here, `recvmmsg` takes up to 4 at a time into buffers kept for it, and the address is
    /// converted from its bytes. SwiftNIO's burst ends with its second read, and its
    /// `channelReadComplete` answers everything as before; what the budget left waiting is read
    /// at the loop's next turn.
    func drainSocket(context: ChannelHandlerContext) {
        let reader = drainReader ?? DatagramBatchReader(maxDatagramBytes: maxDatagramBytes)
        drainReader = reader
        // `isOpen` again at every call: a datagram handed up may have closed the channel, and
        // SwiftNIO closes the descriptor at once (its number may be reused).
        while isOpen, readThisBurst < datagramsPerAnswer {
            let asked = min(datagramsPerAnswer - readThisBurst, reader.capacity)
            let read = reader.read(on: socket, limit: asked)
            statistics.receiveCalls += 1
            guard read > 0 else {
                let error = errno
                if error == EINTR { continue }
                // ICMP errors reported on a read (a peer's port closed) and a short memory
                // concern one datagram: counted, as SwiftNIO's own reads count them, and the
                // burst goes on. Anything else (EAGAIN: the socket is empty) ends the drain;
                // SwiftNIO's next read meets a lasting error and decides about the channel.
                guard read < 0, error == ECONNREFUSED || error == ENOMEM else { return }
                statistics.socketErrors += 1
                readThisBurst += 1
                continue
            }
            for slot in 0..<read {
                guard isOpen else { return }
                let size = reader.length(of: slot)
                let source = reader.sourceAddress(of: slot)
                receive(UnsafeRawBufferPointer(reader.bytes(of: slot, length: size)), from: source, context: context)
                answerLongBurst()
                if mayOffloadReceive { noteRead(from: source, bytes: size) }
            }
            readThisBurst += read
            // Fewer than asked: the socket was empty when the call returned.
            if read < asked { return }
        }
    }
}
