package dev.referee.engine.snapshot;

/** Told of each object a snapshot must hold, as the engine's object graph is walked. */
@FunctionalInterface
public interface ObjectVisitor
{
    /** {@code object} may be null (ignored) or already seen (ignored). */
    void visit(Object object);
}
