package dev.airlock.policy;

import dev.airlock.ToolCall;

/** A policy with a name given by the application, usually around a lambda. */
record NamedPolicy(String name, Policy delegate) implements Policy {
  @Override
  public Vote vote(ToolCall call, PolicyContext context) {
    return delegate.vote(call, context);
  }
}
