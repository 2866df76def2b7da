import Logging
import NetplayChannels
import NetplayDrivers
import NetplayProtocol
import NetplayWire

/// Settings for a ``NetHost`` or ``NetClient``; the defaults suit a small co-op game.
public struct NetOptions: Sendable {
    /// The game's protocol version; a host refuses clients with another one. Raise it when a
    /// release changes the rules in a way the message types do not show.
    public var version: UInt32 = 1
    /// A client gives up connecting after hearing nothing from the host for this long.
    public var timeout: Duration = .seconds(10)
    /// A connected player silent this long is reported ``NetEvent/interrupted(_:)`` (a dropped
    /// link, a paused process); the session waits for it and carries on when it is heard again.
    public var interruptAfter: Duration = .seconds(1)
    /// A connected player silent this long is gone: ``NetEvent/disconnected(_:_:)`` with
    /// `DisconnectReason.timedOut`. Until then its seat, its id and its queued reliable
    /// messages are kept, and it may come back from another address.
    public var resumeGrace: Duration = .seconds(30)
    /// An idle connection sends a keepalive this often; well under ``interruptAfter``, so a
    /// quiet but healthy link is never reported interrupted.
    public var keepaliveInterval: Duration = .milliseconds(250)
    /// Whether the game survives its host: the host shares a succession order with its
    /// players, and when it leaves (``NetHost/close()``, a crash, a lost link) the longest-
    /// connected remaining player takes over and the others rejoin it, with their seats and
    /// ids, reported by ``NetEvent/hostChanged(to:)``. Off by default: a host silent for
    /// ``hostMigrationAfter`` and a link to it that failed look alike to a client, so a player
    /// cut off alone would leave a healthy game and carry on by itself; turn it on for
    /// player-hosted games, where the host is just another player who may quit.
    public var hostMigration = false
    /// With ``hostMigration``, a host silent this long is left behind and the next player takes
    /// over. Past ``interruptAfter``, so a short stall is only an interruption.
    public var hostMigrationAfter: Duration = .seconds(2)
    /// With ``hostMigration``, where a player who takes over advertises the game, as its old
    /// host did, so new players find it (nil: it stays unlisted; players join by address).
    public var advertiseAfterTakeover: LANDiscoveryConfig? = .lan
    /// Most clients a host serves at once. Only players who completed the handshake count:
    /// a client admitted but not yet heard from holds a seat only until someone needs it.
    public var maxPeers = 16
    /// Most clients a host serves from one network address (one IPv4 address, or one IPv6
    /// /64). The default, 8, lets a LAN party behind one home router join an internet host,
    /// while one address can take at most half of a default host.
    public var maxPeersPerAddress = ProtocolConfig.defaultMaxPeersPerSource
    /// Most clients from one network address a host keeps mid-handshake (admitted, not yet
    /// heard from); a further one from that address replaces its oldest.
    public var maxPendingPerAddress = ProtocolConfig.defaultMaxPendingPerSource
    /// Handshake packets a host answers per second from one network address (after an initial
    /// burst of 1.6 seconds' worth); the rest are dropped before any cryptography. Each connecting
    /// client needs two, plus resends on loss.
    public var handshakesPerSecondPerAddress = ProtocolConfig.defaultHandshakeRatePerSource
    /// A connection ends with `DisconnectReason.unresponsive` when reliable messages sent
    /// to the other side have gone unacknowledged this long: keepalives prove a peer is alive,
    /// not that it receives. Must exceed the worst retransmission back-off a real link needs.
    public var unresponsiveTimeout: Duration = .seconds(10)
    /// The shortest gap between two runs of the protocol's timers (resends, keepalives,
    /// timeouts), which run when the session's next deadline falls due and otherwise sleep.
    /// Sends and received packets are handled as they come, whatever this is. At 5 ms a timer
    /// fires at most a third of a 60 Hz frame late.
    public var tickInterval: Duration = .milliseconds(5)
    /// How long a host's network thread leaves its socket after a read, while more than four
    /// players are connected and the game takes events once a frame (`poll()`, or a
    /// `poll(waitingUpTo:)` that comes back empty-handed): what arrives meanwhile is read
    /// together when the delay is over, or sooner by the game's `poll()` (which reads such a
    /// socket first, unless the network thread is at it) or by a pass of the timers, rather
    /// than each player's packet waking the thread on its own. With 64 players sending 60 Hz
    /// inputs spread over the frame, the host took 6–7 % of a core instead of 10–12 % (see
    /// Benchmarks/HISTORY.md). The price is accuracy: a packet waits up to this long in the
    /// socket, so the players' round-trip figures read up to this much high (1 ms, the clock
    /// granularity the timers already allow for); on a quiet link a read costs a second,
    /// empty pass when the delay is over; and the events a poll's read brings call the
    /// session's observers and ``logger`` inside that poll, on the game's thread. Raise it
    /// for a host that needs less CPU more than exact round trips (4 ms took about 4 %); zero
    /// reads every datagram as it comes. Never applies to a game that answers events as they
    /// come (the `events` sequence, or a `poll(waitingUpTo:)` that returns events), to a
    /// client, to a host of four players or fewer, or in ``NetServicing/gameThread`` mode,
    /// which reads at the game's polls.
    public var readCoalescingDelay: Duration = .milliseconds(1)
    /// How long a thread waiting for datagrams (the network thread, or the game's in a
    /// ``NetServicing/gameThread`` `poll(waitingUpTo:)`) may keep looking at the socket
    /// without sleeping, before it sleeps. It spins only while its waits are that short: the
    /// spin grows while waits end within this long without it catching them, and stops at
    /// the first wait that outlasts it (so, by design, a game at 60 Hz, a peer across a real
    /// network or an idle link never spins). A new session's first waits spin this whole
    /// time, since its handshake's answers come within a round trip and it has no waits yet
    /// to go by; otherwise the spin starts at nothing. Each look yields the processor to any
    /// other thread ready to run. What it buys: a datagram that finds its thread awake costs
    /// no wake-up, which on a machine whose idle processors halt (as virtual machines' often
    /// do) is most of a loopback round trip (see Benchmarks/README.md). What it costs:
    /// the time a thread spends spinning, up to a whole core while datagrams come less than
    /// this far apart, and one spin in vain each time short waits turn long; on Swift's pool
    /// a reliable stream measured a few per cent slower in one session's comparisons (not in
    /// the next's). Zero never spins (ENet's behaviour).
    /// The default is 2–5 times a wake-up's traced cost (20–50 µs) on the machine it was
    /// measured on, and must outlast a round trip that still pays for wake-ups (about 60 µs
    /// there) for the spin to start at all.
    ///
    /// A network thread the process's clients share spins as long as the longest of their
    /// options asks.
    public var spinBeforeSleeping: Duration = .microseconds(100)
    /// Which thread reads the socket, runs the timers and sends: a network thread of the
    /// session's own (the default), or the game's thread whenever it polls, as an ENet game
    /// services its host. ``NetServicing`` says when to choose which.
    public var servicing = NetServicing.networkThread
    /// How long ``NetHost/close()`` and ``NetClient/close()`` keep sending unacknowledged
    /// reliable messages before saying goodbye anyway.
    public var closeFlushTimeout: Duration = .seconds(1)
    /// Most bytes of encoded messages waiting to be sent; past it `send` throws
    /// ``NetSendError/queueFull`` instead of letting memory grow. 1 MiB is seconds of traffic
    /// for a small game. Each message counts as 64 bytes at least, about what the library
    /// keeps for it besides its bytes (so 1 MiB holds 16,384 small messages, or one of the
    /// largest reliable ones; a cap below 64 counts as 64). A message waiting behind several
    /// peers' full channels counts once for each of them.
    public var maxBufferedSendBytes = 1 << 20
    /// Most events waiting for ``NetHost/poll()`` (or the `events` sequence); later ones are
    /// dropped and counted in `droppedEvents`. A game that polls every frame never gets close.
    public var maxQueuedEvents = 65_536
    /// Where the session reports connections, disconnections with their reasons, refused
    /// handshakes and dropped-datagram counts. Silent by default, as SwiftNIO-based libraries
    /// are; pass your own (`Logger(label: "netplay")` with a handler bootstrapped by
    /// `LoggingSystem`) when a connection fails and you want to see why. Nothing is logged per
    /// message, so any level is safe on the data path.
    public var logger = Logger(label: "netplay", factory: { _ in SwiftLogNoOpLogHandler() })
    /// The channels each connection has and their limits.
    package var channels: ChannelConfig = {
        var config = ChannelConfig()
        config.layout = ReplicationChannels.layout
        return config
    }()

    /// The largest reliable message `send` accepts, in bytes (1 MiB by default); larger ones
    /// are refused with ``NetSendError/messageTooLarge(bytes:limit:)``. Raise it to send a
    /// level or a save file in one message; both sides need the same limit. Raising it also
    /// lets each channel hold two messages of the new size.
    public var maxReliableMessageBytes: Int {
        get { channels.maxReliableMessageBytes }
        set {
            channels.maxReliableMessageBytes = newValue
            // Room for two of the largest, so the next one waits whole in the channel while
            // the one before it is in flight. With room for only one, each large message left
            // after the last fragment of the one before was acknowledged: the link idled a
            // round trip per message (a 16 MiB transfer of 1 MiB messages ran at 60 % of ENet).
            let two = newValue.multipliedReportingOverflow(by: 2)
            channels.maxQueuedBytesPerChannel = max(
                channels.maxQueuedBytesPerChannel, two.overflow ? .max : two.partialValue)
        }
    }

    /// The default settings.
    public init() {}
}

extension NetOptions {
    /// The protocol core's configuration for this game.
    package func protocolConfig(game: String, joinCode: String?, registry: MessageRegistry) -> ProtocolConfig {
        ProtocolConfig(
            protocolID: Self.protocolID(game: game),
            gameName: game,
            protocolVersion: version,
            schema: SchemaIdentity(fingerprint: registry.fingerprint.bytes, description: registry.schema.description),
            joinCode: joinCode,
            timeout: timeout,
            interruptAfter: interruptAfter,
            resumeGrace: resumeGrace,
            keepaliveInterval: keepaliveInterval,
            maxPeers: maxPeers,
            maxPeersPerSource: maxPeersPerAddress,
            maxPendingPerSource: maxPendingPerAddress,
            handshakeRatePerSource: handshakesPerSecondPerAddress,
            handshakeBurstPerSource: handshakesPerSecondPerAddress * Self.handshakeBurstSeconds
        )
    }

    /// The protocol id of a game: 32-bit FNV-1a of its name, so two different games on one
    /// LAN (or port) ignore each other's datagrams without anyone picking numbers.
    static func protocolID(game: String) -> UInt32 {
        var hash = fnvOffsetBasis
        for byte in game.utf8 { hash = (hash ^ UInt32(byte)) &* fnvPrime }
        return hash
    }

    /// A source's handshake bucket holds this many seconds' worth of its rate.
    static let handshakeBurstSeconds = 1.6

    /// FNV-1a 32-bit parameters (Fowler, Noll, Vo).
    private static let fnvOffsetBasis: UInt32 = 0x811C_9DC5
    private static let fnvPrime: UInt32 = 0x0100_0193
}
