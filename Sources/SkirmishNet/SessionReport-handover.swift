extension SessionReport {
    /// A change of host (`NetEvent.hostChanged`), as one player lived it: who hosts now, how
    /// long play stood still, and where the game stood before and after.
    ///
    /// How long play stopped, ``stoppedMs``, runs from the last snapshot this player received
    /// from the old host (the last moment its game moved) to the first moment the game moved
    /// again under the new one: on the player who took over, the first tick its own world ran;
    /// on the others, the first snapshot the new host sent them. After a crash it includes the
    /// 2 s of silence after which players leave a host behind (`NetOptions.hostMigrationAfter`);
    /// after a host that quit, only the handover itself. Times are milliseconds since 1970 on
    /// this machine's clock, like ``SessionReport/interruptedAtMs``.
    public struct Handover: Codable, Sendable, Hashable {
        /// The player who hosts from then on (`PlayerID` raw value).
        public var newHost: UInt32
        /// Whether that is this player.
        public var tookOver: Bool
        /// When the last snapshot from the old host arrived (`nil`: none ever did).
        public var lastFromOldHostMs: UInt64?
        /// When this player learnt the host had changed (the `.hostChanged` event).
        public var changedAtMs: UInt64
        /// When the game moved again under the new host (`nil`: it never did).
        public var playingAgainAtMs: UInt64?
        /// ``playingAgainAtMs`` − ``lastFromOldHostMs``: how long play stood still.
        public var stoppedMs: Int64?
        /// The newest tick of the old host's this player knew at the change.
        public var tick: Int
        /// The wave as the old host last said.
        public var waveBefore: Int
        /// The wave when play went on (the same wave, if nothing was lost).
        public var waveAfter: Int?
        /// The creeps this player last drew before the change.
        public var creepsLastDrawn: [CreepSpot]
        /// On the player who took over: the creeps its world continued with, as inherited.
        public var creepsAtTakeover: [CreepSpot] = []

        /// Records that play went on at `now` in wave `wave`.
        mutating func playing(at now: UInt64, wave: Int) {
            guard playingAgainAtMs == nil else { return }
            playingAgainAtMs = now
            waveAfter = wave
            stoppedMs = lastFromOldHostMs.map { Int64(now) - Int64($0) }
        }
    }

    /// Where a creep was, for comparing two players' pictures of it.
    public struct CreepSpot: Codable, Sendable, Hashable {
        /// The creep's id (the same on every player's screen and across a change of host).
        public var id: UInt32
        /// Centre, world units.
        public var x: Float
        /// Centre, world units.
        public var y: Float

        /// Creates a spot.
        public init(id: UInt32, x: Float, y: Float) {
            self.id = id
            self.x = x
            self.y = y
        }

        init(_ creep: CreepView) { self.init(id: creep.id, x: creep.x, y: creep.y) }
    }
}
