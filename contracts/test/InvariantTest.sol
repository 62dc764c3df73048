// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Test} from "./Test.sol";

/**
 * @dev The part of forge-std's `StdInvariant` that EDR's invariant runner reads: after `setUp()`
 * it calls `targetContracts()` and `targetSelectors()` on the test contract (by these names and
 * return types) to decide which functions to call in random sequences, then calls every
 * `invariant*` function after each step. A revert of an invariant function fails the test.
 */
abstract contract InvariantTest is Test {
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    address[] private _targetedContracts;
    FuzzSelector[] private _targetedSelectors;

    /// @dev Adds `target` to the contracts the runner calls.
    function targetContract(address target) internal {
        _targetedContracts.push(target);
    }

    /// @dev Limits the calls on `selector.addr` to `selector.selectors`.
    function targetSelector(FuzzSelector memory selector) internal {
        _targetedSelectors.push(selector);
    }

    function targetContracts() public view returns (address[] memory) {
        return _targetedContracts;
    }

    function targetSelectors() public view returns (FuzzSelector[] memory) {
        return _targetedSelectors;
    }
}
