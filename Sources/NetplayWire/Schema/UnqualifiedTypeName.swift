/// A type's name without its module: what `String(describing: type)` writes, and so what
/// every schema fingerprint so far was made of.
///
/// `String(describing:)` takes it from the same `_typeName(_:qualified: false)`, but builds a
/// `Mirror` of the metatype first to find that it has no display style. The first `Mirror`
/// a process makes instantiates the runtime's type-erased collection boxes through its
/// type decoder: some 36 KiB of stack and, with the rest of a registry's reflection, most
/// of the 100 KiB a host's first `MessageRegistry` left resident (measured in the
/// benchmark's host child).
func unqualifiedTypeName(_ type: Any.Type) -> String {
    _typeName(type, qualified: false)
}
