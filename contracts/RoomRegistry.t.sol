// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {RoomRegistry} from "./RoomRegistry.sol";
import {RoomRegistryBase} from "./RoomRegistryBase.t.sol";
import {MemberTree} from "./test/MemberTree.sol";
import {vm} from "./test/Vm.sol";

/**
 * @dev Unit and fuzz tests of {RoomRegistry}: creating and closing rooms, the commitments stored
 * in them and the views; every revert path by its custom error. The member-tree gate of
 * {RoomRegistry-commitKey} is tested in RoomRegistryMembers.t.sol.
 */
contract RoomRegistryTest is RoomRegistryBase {
    event RoomCreated(
        bytes32 indexed roomId, address indexed creator, bytes32 membersRoot, uint64 expiresAt
    );
    event RoomClosed(bytes32 indexed roomId);
    event KeyCommitted(bytes32 indexed roomId, address indexed member, bytes32 commitment);

    // createRoom

    function test_CreateRoom_StoresOpenRoomAndEmits() public {
        bytes32 expected = keccak256(abi.encode(alice, SALT));
        vm.expectEmit(address(registry));
        emit RoomCreated(expected, alice, bytes32(0), 2_000_000);
        vm.prank(alice);
        bytes32 roomId = registry.createRoom(SALT, bytes32(0), 2_000_000);

        assertEq(roomId, expected, "room id");
        (address creator, bytes32 root, uint64 expiresAt, bool closed) = registry.rooms(roomId);
        assertEq(creator, alice, "creator");
        assertEq(root, bytes32(0), "root");
        assertEq(expiresAt, 2_000_000, "expiresAt");
        assertFalse(closed, "closed");
    }

    function test_CreateRoom_StoresMembersRoot() public {
        bytes32 roomId = _membersRoom();
        (, bytes32 root,,) = registry.rooms(roomId);
        assertEq(root, MemberTree.root(members), "root");
    }

    function testFuzz_CreateRoom_IdIsHashOfCreatorAndSalt(address creator, bytes32 salt) public {
        vm.assume(creator != address(0));
        bytes32 roomId = _openRoom(creator, salt);
        assertEq(roomId, keccak256(abi.encode(creator, salt)), "room id");
        (address stored,,,) = registry.rooms(roomId);
        assertEq(stored, creator, "creator");
    }

    function test_CreateRoom_RevertsOnExistingId() public {
        bytes32 roomId = _openRoom(alice, SALT);
        vm.expectRevert(abi.encodeWithSelector(RoomRegistry.RegistryRoomExists.selector, roomId));
        vm.prank(alice);
        registry.createRoom(SALT, keccak256("other root"), 0);
    }

    function testFuzz_CreateRoom_RevertsOnExpiryNotInFuture(uint64 expiresAt) public {
        expiresAt = uint64(bound(expiresAt, 1, block.timestamp));
        vm.expectRevert(
            abi.encodeWithSelector(RoomRegistry.RegistryInvalidExpiry.selector, expiresAt)
        );
        vm.prank(alice);
        registry.createRoom(SALT, bytes32(0), expiresAt);
    }

    function testFuzz_CreateRoom_IdsDoNotCollideAcrossCreators(
        address a,
        address b,
        bytes32 salt
    ) public {
        vm.assume(a != address(0) && b != address(0) && a != b);
        bytes32 idA = _openRoom(a, salt);
        bytes32 idB = _openRoom(b, salt);
        assertNotEq(idA, idB, "ids");
        (address creatorA,,,) = registry.rooms(idA);
        (address creatorB,,,) = registry.rooms(idB);
        assertEq(creatorA, a, "creator a");
        assertEq(creatorB, b, "creator b");
    }

    function testFuzz_CreateRoom_FrontRunningCannotTakeTheId(address attacker, bytes32 salt)
        public
    {
        vm.assume(attacker != address(0) && attacker != alice);
        // The attacker sees alice's pending createRoom and sends the same arguments first.
        bytes32 stolen = _openRoom(attacker, salt);
        bytes32 roomId = _openRoom(alice, salt);

        assertEq(roomId, keccak256(abi.encode(alice, salt)), "alice's id");
        assertNotEq(stolen, roomId, "attacker's id");
        (address creator,,,) = registry.rooms(roomId);
        assertEq(creator, alice, "creator");
    }

    // closeRoom

    function test_CloseRoom_ByCreatorEmitsAndKeepsCommitments() public {
        bytes32 roomId = _openRoom(alice, SALT);
        vm.prank(bob);
        registry.commitKey(roomId, COMMITMENT, new bytes32[](0));

        vm.expectEmit(address(registry));
        emit RoomClosed(roomId);
        vm.prank(alice);
        registry.closeRoom(roomId);

        (,,, bool closed) = registry.rooms(roomId);
        assertTrue(closed, "closed");
        (bytes24 stored,) = _stored(roomId, bob);
        assertEq(bytes32(stored), bytes32(bytes24(COMMITMENT)), "commitment kept");
    }

    function testFuzz_CloseRoom_RevertsOnUnknownRoom(bytes32 roomId) public {
        vm.expectRevert(abi.encodeWithSelector(RoomRegistry.RegistryUnknownRoom.selector, roomId));
        vm.prank(alice);
        registry.closeRoom(roomId);
    }

    function testFuzz_CloseRoom_RevertsForOthersThanCreator(address caller) public {
        vm.assume(caller != alice);
        bytes32 roomId = _openRoom(alice, SALT);
        vm.expectRevert(
            abi.encodeWithSelector(
                RoomRegistry.RegistryUnauthorizedAccount.selector, roomId, caller
            )
        );
        vm.prank(caller);
        registry.closeRoom(roomId);
    }

    function test_CloseRoom_RevertsWhenAlreadyClosed() public {
        bytes32 roomId = _openRoom(alice, SALT);
        vm.prank(alice);
        registry.closeRoom(roomId);
        vm.expectRevert(abi.encodeWithSelector(RoomRegistry.RegistryRoomClosed.selector, roomId));
        vm.prank(alice);
        registry.closeRoom(roomId);
    }

    // commitKey

    function testFuzz_CommitKey_StoresLeading192BitsAndBlock(
        address member,
        bytes32 commitment,
        uint64 height
    ) public {
        vm.assume(bytes24(commitment) != bytes24(0));
        height = uint64(bound(height, 1, type(uint64).max));
        bytes32 roomId = _openRoom(alice, SALT);
        vm.roll(height);

        vm.expectEmit(address(registry));
        emit KeyCommitted(roomId, member, commitment);
        vm.prank(member);
        registry.commitKey(roomId, commitment, new bytes32[](0));

        (bytes24 stored, uint64 blockNumber) = _stored(roomId, member);
        assertEq(bytes32(stored), bytes32(bytes24(commitment)), "stored commitment");
        assertEq(blockNumber, height, "block number");
    }

    function test_CommitKey_ReplacementOverwrites() public {
        bytes32 roomId = _openRoom(alice, SALT);
        vm.prank(bob);
        registry.commitKey(roomId, COMMITMENT, new bytes32[](0));
        vm.roll(200);
        bytes32 next = keccak256("next session");
        vm.prank(bob);
        registry.commitKey(roomId, next, new bytes32[](0));

        (bytes24 stored, uint64 blockNumber) = _stored(roomId, bob);
        assertEq(bytes32(stored), bytes32(bytes24(next)), "replaced commitment");
        assertEq(blockNumber, 200, "block number");
    }

    function test_CommitKey_IsPerRoomAndPerMember() public {
        bytes32 roomA = _openRoom(alice, SALT);
        bytes32 roomB = _openRoom(alice, keccak256("other"));
        vm.prank(bob);
        registry.commitKey(roomA, COMMITMENT, new bytes32[](0));

        (bytes24 inB, uint64 blockB) = _stored(roomB, bob);
        (bytes24 ofAlice, uint64 blockAlice) = _stored(roomA, alice);
        assertEq(bytes32(inB) | bytes32(ofAlice), bytes32(0), "no commitment elsewhere");
        assertEq(blockB + blockAlice, 0, "no block elsewhere");
    }

    function testFuzz_CommitKey_RevertsOnEmptyCommitment(uint64 low) public {
        bytes32 roomId = _openRoom(alice, SALT);
        bytes32 commitment = bytes32(uint256(low));
        vm.expectRevert(
            abi.encodeWithSelector(RoomRegistry.RegistryEmptyCommitment.selector, commitment)
        );
        vm.prank(bob);
        registry.commitKey(roomId, commitment, new bytes32[](0));
    }

    function testFuzz_CommitKey_RevertsOnUnknownRoom(bytes32 roomId) public {
        vm.expectRevert(abi.encodeWithSelector(RoomRegistry.RegistryUnknownRoom.selector, roomId));
        vm.prank(bob);
        registry.commitKey(roomId, COMMITMENT, new bytes32[](0));
    }

    function testFuzz_CommitKey_ExpiredRoomAcceptsNothing(uint64 expiresAt, uint256 later)
        public
    {
        expiresAt = uint64(bound(expiresAt, block.timestamp + 1, type(uint64).max));
        vm.prank(alice);
        bytes32 roomId = registry.createRoom(SALT, bytes32(0), expiresAt);

        vm.warp(expiresAt - 1);
        vm.prank(bob);
        registry.commitKey(roomId, COMMITMENT, new bytes32[](0));

        vm.warp(bound(later, expiresAt, type(uint64).max));
        vm.expectRevert(
            abi.encodeWithSelector(RoomRegistry.RegistryRoomExpired.selector, roomId, expiresAt)
        );
        vm.prank(bob);
        registry.commitKey(roomId, COMMITMENT, new bytes32[](0));
    }

    // views

    function testFuzz_Views_ZeroForUnknown(bytes32 roomId, address member) public view {
        (address creator, bytes32 root, uint64 expiresAt, bool closed) = registry.rooms(roomId);
        assertEq(creator, address(0), "creator");
        assertEq(root, bytes32(0), "root");
        assertEq(expiresAt, 0, "expiresAt");
        assertFalse(closed, "closed");
        (bytes24 stored, uint64 blockNumber) = _stored(roomId, member);
        assertEq(bytes32(stored), bytes32(0), "commitment");
        assertEq(blockNumber, 0, "block");
    }
}
