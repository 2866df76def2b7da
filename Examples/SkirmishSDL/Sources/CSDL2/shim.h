// The one header Swift sees of SDL2; pkg-config (`sdl2`) supplies the include path.
// SDL_MAIN_HANDLED: Swift owns `main`, so SDL must not rename it (it would on some platforms).
#define SDL_MAIN_HANDLED 1
#include <SDL.h>
