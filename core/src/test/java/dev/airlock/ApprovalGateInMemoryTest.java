package dev.airlock;

import dev.airlock.approval.ApprovalStore;

/** The approval bypasses, on the in-memory store. */
class ApprovalGateInMemoryTest extends ApprovalGateContract {
  private final ApprovalStore store = ApprovalStore.inMemory();

  @Override
  protected ApprovalStore store() {
    return store;
  }
}
