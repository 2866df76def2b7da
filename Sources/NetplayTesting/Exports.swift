// A game's tests that import NetplayTesting get the link conditioner's vocabulary
// (`LinkImpairment`) with it.
@_exported import NetplayLinkConditioner
