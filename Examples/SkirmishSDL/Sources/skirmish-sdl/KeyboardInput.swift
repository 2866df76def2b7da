import CSDL2
import SkirmishCore

/// The local player's input from the keys held now: arrows or WASD move, space shoots.
///
/// Keys are read by scancode (where the key is), not keycode (what it prints), so WASD is the
/// same hand position on AZERTY and Dvorak keyboards. Holding both directions of an axis
/// cancels, as it does in the terminal front end.
enum KeyboardInput {
    static func current() -> PlayerInput {
        guard let keys = SDL_GetKeyboardState(nil) else { return .idle }
        func held(_ scancodes: SDL_Scancode...) -> Bool {
            scancodes.contains { keys[Int($0.rawValue)] != 0 }
        }
        let right: Int8 = held(SDL_SCANCODE_RIGHT, SDL_SCANCODE_D) ? 1 : 0
        let left: Int8 = held(SDL_SCANCODE_LEFT, SDL_SCANCODE_A) ? 1 : 0
        let down: Int8 = held(SDL_SCANCODE_DOWN, SDL_SCANCODE_S) ? 1 : 0
        let up: Int8 = held(SDL_SCANCODE_UP, SDL_SCANCODE_W) ? 1 : 0
        return PlayerInput(moveX: right - left, moveY: down - up, shoot: held(SDL_SCANCODE_SPACE))
    }
}
