import Netplay
import NetplayWire

/// What one player does in one tick: the keys held and, optionally, where they aim.
///
/// This is what a client sends each tick, so it is small: two 2-bit-ish varints, a bit to
/// shoot and, when aiming, a presence bit and a 12-bit angle.
/// ```swift
/// let input = PlayerInput(moveX: 1, moveY: 0, shoot: true)           // keyboard: fire ahead
/// let aimed = PlayerInput(moveX: 0, moveY: -1, shoot: true, aim: 0.5) // mouse or bot
/// ```
@NetMessage
public struct PlayerInput: Hashable {
    /// Horizontal direction held: −1 left, 0 none, 1 right (other values count as their sign).
    public var moveX: Int8
    /// Vertical direction held: −1 up, 0 none, 1 down (y grows down the screen).
    public var moveY: Int8
    /// Whether the fire key is held; a shot leaves when the player's cooldown allows.
    public var shoot: Bool
    private var aimStorage: AimAngle?

    /// Where the player aims, in radians (0 is +x, π/2 is +y, i.e. down); `nil` fires where the
    /// player last moved. Stored already rounded to the 12 bits it crosses the wire in, so the
    /// sender simulates exactly what the receiver will.
    public var aim: Float? {
        get { aimStorage?.radians }
        set { aimStorage = newValue.map { AimAngle(radians: FineAngle.snapped($0)) } }
    }

    /// An input: no keys held unless given.
    public init(moveX: Int8 = 0, moveY: Int8 = 0, shoot: Bool = false, aim: Float? = nil) {
        self.moveX = moveX
        self.moveY = moveY
        self.shoot = shoot
        self.aim = aim
    }

    /// Holding nothing.
    public static let idle = PlayerInput()

    /// The horizontal direction as −1, 0 or 1, whatever a peer sent.
    var stepX: Float { Float(moveX.signum()) }
    /// The vertical direction as −1, 0 or 1, whatever a peer sent.
    var stepY: Float { Float(moveY.signum()) }
}

/// An aim angle on the wire: 12 bits per turn (0.09°), so a bullet lands where it was aimed
/// even across the whole arena (an error under 1.3 units at 960).
@NetMessage
struct AimAngle: Hashable {
    @QuantizedAngleWith<FineAngle> var radians: Float
}
