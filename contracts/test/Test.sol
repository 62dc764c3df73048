// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/**
 * @dev A tiny stand-in for forge-std's `Test` (not installable here; cheatcodes come from `vm` in
 * Vm.sol): assertions that revert with a message naming both values, and {bound}.
 *
 * Hardhat runs every `test*` function of a contract in a `*.t.sol` file, after `setUp()`;
 * a revert fails the test. Functions with parameters are fuzzed.
 */
abstract contract Test {
    /// @dev The assertion `what` failed.
    error AssertionFailed(string what);

    function fail(string memory what) internal pure {
        revert AssertionFailed(what);
    }

    function assertTrue(bool condition, string memory what) internal pure {
        if (!condition) fail(what);
    }

    function assertFalse(bool condition, string memory what) internal pure {
        if (condition) fail(what);
    }

    function assertEq(uint256 left, uint256 right, string memory what) internal pure {
        if (left != right) {
            fail(string.concat(what, ": ", _str(left), " != ", _str(right)));
        }
    }

    function assertEq(address left, address right, string memory what) internal pure {
        if (left != right) {
            fail(string.concat(what, ": ", _hex(uint160(left)), " != ", _hex(uint160(right))));
        }
    }

    function assertEq(bytes32 left, bytes32 right, string memory what) internal pure {
        if (left != right) {
            fail(string.concat(what, ": ", _hex(uint256(left)), " != ", _hex(uint256(right))));
        }
    }

    function assertEq(bool left, bool right, string memory what) internal pure {
        if (left != right) fail(string.concat(what, ": booleans differ"));
    }

    function assertNotEq(bytes32 left, bytes32 right, string memory what) internal pure {
        if (left == right) fail(string.concat(what, ": both are ", _hex(uint256(left))));
    }

    /// @dev Maps `x` into `[min, max]` (inclusive) without rejecting fuzz inputs.
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        if (min > max) fail("bound: min > max");
        uint256 size = max - min;
        if (size == type(uint256).max) return x;
        return min + (x % (size + 1));
    }

    function _str(uint256 value) private pure returns (string memory) {
        if (value == 0) return "0";
        bytes memory out = new bytes(78);
        uint256 i = out.length;
        while (value != 0) {
            out[--i] = bytes1(uint8(48 + (value % 10)));
            value /= 10;
        }
        bytes memory trimmed = new bytes(out.length - i);
        for (uint256 j = 0; j < trimmed.length; ++j) {
            trimmed[j] = out[i + j];
        }
        return string(trimmed);
    }

    function _hex(uint256 value) private pure returns (string memory) {
        bytes memory digits = "0123456789abcdef";
        bytes memory out = new bytes(66);
        out[0] = "0";
        out[1] = "x";
        for (uint256 i = 0; i < 64; ++i) {
            out[65 - i] = digits[value & 0xf];
            value >>= 4;
        }
        return string(out);
    }
}
