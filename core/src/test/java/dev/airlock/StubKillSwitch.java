package dev.airlock;

import java.util.Optional;
import java.util.function.Supplier;

/** A kill switch for tests whose answer is scripted; engaging and releasing it does nothing. */
class StubKillSwitch implements KillSwitch {
  private final Supplier<Optional<Engagement>> answer;

  StubKillSwitch(Supplier<Optional<Engagement>> answer) {
    this.answer = answer;
  }

  static StubKillSwitch released() {
    return new StubKillSwitch(Optional::empty);
  }

  @Override public void engage(String reason, String by) {}

  @Override public void engageForAgent(String agent, String reason, String by) {}

  @Override public void release(String by) {}

  @Override public void releaseForAgent(String agent, String by) {}

  @Override
  public Optional<Engagement> engagementFor(String agent) {
    return answer.get();
  }
}
