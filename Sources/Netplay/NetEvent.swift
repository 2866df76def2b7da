import NetplayProtocol
import NetplayWire

/// Something that happened in a session, delivered by ``NetHost/poll()`` / ``NetClient/poll()``
/// once a frame, or by their `events` sequence.
///
/// ```swift
/// for event in client.poll() {
///     switch event {
///     case .connected(let peer):                        addPlayer(peer)
///     case .message(let move as Move, from: let peer):  place(peer, move)
///     case .message:                                    break
///     case .disconnected(let peer, let reason):         show("\(peer) left: \(reason)")
///     case .interrupted(let peer):                      show("\(peer) reconnecting…")
///     case .resumed:                                    break
///     }
/// }
/// ```
public enum NetEvent: Sendable {
    /// A player joined. On a host: a client completed the handshake, or (first of all
    /// events) the host's own player, ``NetPeer/host``. On a client: the host accepted us.
    case connected(NetPeer)
    /// A message arrived, already decoded into the type that was sent.
    case message(any NetMessage, from: NetPeer)
    /// A player left, or the session ended. `.disconnected(.host, reason)` is always the last
    /// event of a session, on both sides; `reason` says why in a sentence a player can read.
    case disconnected(NetPeer, DisconnectReason)
    /// Nothing has been heard from this player for ``NetOptions/interruptAfter`` (on a client:
    /// from the host, ``NetPeer/host``): a dropped link, a paused process. The seat is kept
    /// for ``NetOptions/resumeGrace`` and messages sent meanwhile wait; show "reconnecting…".
    case interrupted(NetPeer)
    /// An interrupted player is back; reliable messages queued meanwhile arrive now, once and
    /// in order.
    case resumed(NetPeer)
    /// The host left and another player took over (``NetOptions/hostMigration``): `to` is that
    /// player's id until now. From this event on, ``NetPeer/host`` is that player (and the
    /// player who hosted before is gone); messages to and from `.host` go to and from it. On
    /// the player who took over, `to` is its own former id, and the session is a host's now:
    /// see ``NetClient/host``. It also ends an `.interrupted(.host)`.
    case hostChanged(to: NetPeer)
}
