/// A type's name without its module: what `String(describing: type)` writes, and so what
/// every schema fingerprint so far was made of.
///
/// `String(describing:)` takes it from the same `_typeName(_:qualified: false)`, but builds a
/// `Mirror` of the metatype first to find that it has no display style. The first `Mirror`
/// a process makes instantiates the runtime's type-erased collection boxes through its
/// type decoder: tens of KiB of stack (the benchmark's host child, with a 40 KiB main
/// stack, crashed there) and metadata. Without it, a host's first `MessageRegistry` left
/// 52–56 KiB resident in that child, against 100.
func unqualifiedTypeName(_ type: Any.Type) -> String {
    _typeName(type, qualified: false)
}
