package dev.airlock.approval;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The approval store contract, held by the in-memory store. */
class InMemoryApprovalStoreTest extends ApprovalStoreContract {

  @Override
  ApprovalStore newStore() {
    return ApprovalStore.inMemory();
  }

  @Test
  void eachCallMakesANewStore() {
    store.create(pending("r1", call("DELETE FROM orders WHERE id = 7"), T0));

    assertThat(ApprovalStore.inMemory().find("r1")).isEmpty();
  }
}
