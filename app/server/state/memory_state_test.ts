import { stateCommonCase, TEST_STATE_OPTIONS } from "../../../testing/state_common_case.ts";
import { MemoryState } from "./memory_state.ts";

// One instance: both views are the same state.
stateCommonCase("memory", () => {
  const state = new MemoryState(TEST_STATE_OPTIONS);
  return Promise.resolve({ a: state, b: state, close: () => state.close() });
});
