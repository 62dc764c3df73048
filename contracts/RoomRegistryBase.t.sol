// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {RoomRegistry} from "./RoomRegistry.sol";
import {MemberTree} from "./test/MemberTree.sol";
import {Test} from "./test/Test.sol";
import {vm} from "./test/Vm.sol";

/**
 * @dev The set-up the unit and fuzz tests of {RoomRegistry} share (RoomRegistry.t.sol and
 * RoomRegistryMembers.t.sol): a fresh registry, two callers, five members for members-only rooms,
 * and helpers that open rooms and read commitments. Abstract, so Hardhat runs it only through
 * the tests that inherit it.
 */
abstract contract RoomRegistryBase is Test {
    RoomRegistry internal registry;
    address internal alice = vm.addr(0xA11CE);
    address internal bob = vm.addr(0xB0B);
    address[] internal members;
    bytes32 internal constant SALT = keccak256("salt");
    bytes32 internal constant COMMITMENT = keccak256("commitment");

    function setUp() public {
        registry = new RoomRegistry();
        vm.warp(1_000_000);
        vm.roll(100);
        for (uint256 i = 1; i <= 5; ++i) {
            members.push(vm.addr(i));
        }
    }

    function _openRoom(address creator, bytes32 salt) internal returns (bytes32) {
        vm.prank(creator);
        return registry.createRoom(salt, bytes32(0), 0);
    }

    function _membersRoom() internal returns (bytes32) {
        vm.prank(alice);
        return registry.createRoom(SALT, MemberTree.root(members), 0);
    }

    function _stored(bytes32 roomId, address member) internal view returns (bytes24, uint64) {
        return registry.commitmentOf(roomId, member);
    }
}
