// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";

/**
 * @dev Builds Merkle trees of member addresses in Solidity for tests, with the leaf of
 * OpenZeppelin's StandardMerkleTree (`["address"]`) and its sorted-pair hashing, so proofs verify
 * with `MerkleProof` exactly as proofs made by the JS merkle-tree library do. Odd nodes are
 * carried up unhashed; the shape differs from the JS library's but the proofs are equally valid.
 */
library MemberTree {
    /// @dev The StandardMerkleTree leaf of `account`.
    function leaf(address account) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(account))));
    }

    /// @dev The root of the tree of `members` (at least one).
    function root(address[] memory members) internal pure returns (bytes32) {
        bytes32[] memory level = _leaves(members);
        while (level.length > 1) level = _up(level);
        return level[0];
    }

    /// @dev The proof that `members[index]` is in the tree of `members`.
    function proof(address[] memory members, uint256 index)
        internal
        pure
        returns (bytes32[] memory out)
    {
        bytes32[] memory level = _leaves(members);
        bytes32[] memory path = new bytes32[](256);
        uint256 length = 0;
        while (level.length > 1) {
            uint256 sibling = index ^ 1;
            if (sibling < level.length) path[length++] = level[sibling];
            level = _up(level);
            index /= 2;
        }
        out = new bytes32[](length);
        for (uint256 i = 0; i < length; ++i) {
            out[i] = path[i];
        }
    }

    function _leaves(address[] memory members) private pure returns (bytes32[] memory level) {
        level = new bytes32[](members.length);
        for (uint256 i = 0; i < members.length; ++i) {
            level[i] = leaf(members[i]);
        }
    }

    function _up(bytes32[] memory level) private pure returns (bytes32[] memory next) {
        next = new bytes32[]((level.length + 1) / 2);
        for (uint256 i = 0; i < next.length; ++i) {
            uint256 left = 2 * i;
            next[i] = left + 1 < level.length
                ? Hashes.commutativeKeccak256(level[left], level[left + 1])
                : level[left];
        }
    }
}
