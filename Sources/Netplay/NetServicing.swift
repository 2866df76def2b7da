/// Which thread reads the socket, runs the timers and sends: see ``NetOptions/servicing``.
public enum NetServicing: Sendable, Hashable {
    /// A network thread of the session's own does it all, at once, whatever the game is
    /// doing; the game takes events with ``NetHost/poll()`` once a frame or iterates
    /// ``NetHost/events``, and its sends leave as soon as that thread is free. The default:
    /// nothing waits on the game's frame rate, and timers run while the game is busy loading.
    /// Async code that answers events can run on that thread (``NetHost/executor``): then a
    /// message wakes only the thread that receives it, as with `gameThread`. A host of more
    /// than four players whose game polls once a frame leaves its socket out of the thread's
    /// wait for ``NetOptions/readCoalescingDelay`` after each read (the timers' passes and
    /// each poll still read it), so its players' packets do not each wake the thread.
    case networkThread
    /// No thread of its own: the game's thread does the work when it calls ``NetHost/poll()``
    /// (once a frame) or ``NetHost/poll(waitingUpTo:)``, as an ENet game calls
    /// `enet_host_service`; ``NetHost/flush()`` sends and runs the timers but reads nothing, as
    /// `enet_host_flush`. A message then crosses two thread wake-ups on its way (the
    /// receiver's, and the sender's for the reply) instead of six, so a round trip is two to
    /// four times shorter on a busy machine; in exchange nothing is received, resent or
    /// acknowledged between two calls, so a game must keep calling: every frame, also while
    /// it loads. Sends wait for the next call: call ``NetHost/flush()`` after a frame's sends.
    /// The `events` sequence is for the network-thread mode only.
    case gameThread
}
