extension World {
    /// Seats player `id` in the lowest free seat and returns the seat, or `nil` when the game
    /// is full. Adding a player who is already in returns their seat and changes nothing.
    ///
    /// The first player to join starts the game; a player joining later comes in with full
    /// lives and a moment of invulnerability. Every peer must add and remove players at the same
    /// ticks (in a replicated game the host decides and tells the others).
    @discardableResult
    public mutating func addPlayer(_ id: PlayerID) -> Int? {
        if let existing = seat(of: id) { return existing }
        guard let free = seats.firstIndex(where: { $0 == nil }) else { return nil }
        seats[free] = Player(id: id, slot: free)
        if phase == .waitingForPlayers {
            phase = .playing
            waveCountdown = SkirmishRules.firstWaveDelayTicks
        }
        return free
    }

    /// Removes player `id` and frees their seat; returns whether they were in the game.
    ///
    /// Their bullets in flight keep flying (they no longer score). When the last player leaves
    /// the world empties and waits for players again.
    @discardableResult
    public mutating func removePlayer(_ id: PlayerID) -> Bool {
        guard let index = seat(of: id) else { return false }
        seats[index] = nil
        if players.isEmpty { resetToWaiting() }
        return true
    }

    /// Starts the game again from wave 1: every player back at their seat's spot with full
    /// lives and no score, no creeps, no bullets. The tick keeps counting (peers and the
    /// network rely on it), and so does the random stream.
    public mutating func restart() {
        for index in seats.indices {
            if let player = seats[index] { seats[index] = Player(id: player.id, slot: index) }
        }
        clearRound()
        if players.isEmpty {
            phase = .waitingForPlayers
        } else {
            phase = .playing
            waveCountdown = SkirmishRules.firstWaveDelayTicks
        }
    }

    private mutating func resetToWaiting() {
        clearRound()
        phase = .waitingForPlayers
    }

    private mutating func clearRound() {
        creeps = []
        flights = []
        wave = 0
        creepsToSpawn = 0
        spawnCountdown = 0
        waveCountdown = 0
    }
}
