// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {RoomRegistry} from "./RoomRegistry.sol";
import {RoomRegistryBase} from "./RoomRegistryBase.t.sol";
import {InvariantTest} from "./test/InvariantTest.sol";
import {MemberTree} from "./test/MemberTree.sol";
import {vm} from "./test/Vm.sol";

/**
 * @dev Unit and fuzz tests of the member-tree gate of {RoomRegistry-commitKey}: a closed room
 * refuses even a member with a valid proof; members commit with their proofs; outsiders, random
 * proofs and corrupted proofs are refused; an open room ignores the proof. Then the invariant: no
 * outsider ever holds a commitment in a members-only room.
 */
contract RoomRegistryMembersTest is RoomRegistryBase {
    function testFuzz_CommitKey_ClosedRoomAcceptsNothing(address member, bytes32 commitment)
        public
    {
        vm.assume(bytes24(commitment) != bytes24(0));
        bytes32 roomId = _membersRoom();
        vm.prank(alice);
        registry.closeRoom(roomId);
        // Not even a real member with a valid proof.
        vm.expectRevert(abi.encodeWithSelector(RoomRegistry.RegistryRoomClosed.selector, roomId));
        vm.prank(members[0]);
        registry.commitKey(roomId, commitment, MemberTree.proof(members, 0));

        vm.expectRevert(abi.encodeWithSelector(RoomRegistry.RegistryRoomClosed.selector, roomId));
        vm.prank(member);
        registry.commitKey(roomId, commitment, new bytes32[](0));
    }

    function testFuzz_CommitKey_MemberWithProofCommits(uint256 index) public {
        index = bound(index, 0, members.length - 1);
        bytes32 roomId = _membersRoom();
        vm.prank(members[index]);
        registry.commitKey(roomId, COMMITMENT, MemberTree.proof(members, index));
        (, uint64 blockNumber) = _stored(roomId, members[index]);
        assertEq(blockNumber, block.number, "committed");
    }

    function testFuzz_CommitKey_NonMemberIsRefusedEvenWithAMembersProof(
        address outsider,
        uint256 index
    ) public {
        index = bound(index, 0, members.length - 1);
        vm.assume(!_isMember(outsider));
        bytes32 roomId = _membersRoom();
        bytes32[] memory proof = MemberTree.proof(members, index);
        vm.expectRevert(
            abi.encodeWithSelector(RoomRegistry.RegistryNotMember.selector, roomId, outsider)
        );
        vm.prank(outsider);
        registry.commitKey(roomId, COMMITMENT, proof);
    }

    function testFuzz_CommitKey_RandomProofIsRefused(address account, bytes32[] memory proof)
        public
    {
        vm.assume(!_isMember(account));
        bytes32 roomId = _membersRoom();
        vm.expectRevert(
            abi.encodeWithSelector(RoomRegistry.RegistryNotMember.selector, roomId, account)
        );
        vm.prank(account);
        registry.commitKey(roomId, COMMITMENT, proof);
    }

    function testFuzz_CommitKey_MemberWithWrongProofIsRefused(uint256 index, bytes32 noise)
        public
    {
        index = bound(index, 0, members.length - 1);
        bytes32 roomId = _membersRoom();
        bytes32[] memory proof = MemberTree.proof(members, index);
        proof[noise.length % proof.length] ^= noise == 0 ? bytes32(uint256(1)) : noise;
        vm.expectRevert(
            abi.encodeWithSelector(RoomRegistry.RegistryNotMember.selector, roomId, members[index])
        );
        vm.prank(members[index]);
        registry.commitKey(roomId, COMMITMENT, proof);
    }

    function test_CommitKey_OpenRoomIgnoresTheProof() public {
        bytes32 roomId = _openRoom(alice, SALT);
        bytes32[] memory junk = new bytes32[](3);
        junk[0] = keccak256("junk");
        vm.prank(bob);
        registry.commitKey(roomId, COMMITMENT, junk);
        (, uint64 blockNumber) = _stored(roomId, bob);
        assertEq(blockNumber, block.number, "committed");
    }

    function _isMember(address account) internal view returns (bool) {
        for (uint256 i = 0; i < members.length; ++i) {
            if (members[i] == account) return true;
        }
        return false;
    }
}

/**
 * @dev Drives a members-only room with random calls: members commit with valid proofs, outsiders
 * try with random proofs and with proofs stolen from members, the creator closes or reopens
 * nothing. Counts what succeeded, for the invariants.
 */
contract MembersOnlyHandler {
    RoomRegistry public immutable registry;
    bytes32 public immutable roomId;
    address[] public members;
    address[] public outsiders;
    uint256 public memberCommits;
    uint256 public outsiderCommits;

    constructor(RoomRegistry registry_, address[] memory members_, address[] memory outsiders_) {
        registry = registry_;
        members = members_;
        outsiders = outsiders_;
        roomId = registry_.createRoom(keccak256("invariant"), MemberTree.root(members_), 0);
    }

    function commitAsMember(uint256 index, bytes32 commitment) external {
        index %= members.length;
        if (bytes24(commitment) == bytes24(0)) commitment = keccak256(abi.encode(commitment));
        vm.prank(members[index]);
        registry.commitKey(roomId, commitment, MemberTree.proof(members, index));
        ++memberCommits;
    }

    function commitAsOutsiderWithStolenProof(uint256 who, uint256 index, bytes32 commitment)
        external
    {
        _tryOutsider(who, commitment, MemberTree.proof(members, index % members.length));
    }

    function commitAsOutsiderWithRandomProof(
        uint256 who,
        bytes32 commitment,
        bytes32[] calldata proof
    ) external {
        _tryOutsider(who, commitment, proof);
    }

    function outsiderCount() external view returns (uint256) {
        return outsiders.length;
    }

    function _tryOutsider(uint256 who, bytes32 commitment, bytes32[] memory proof) private {
        vm.prank(outsiders[who % outsiders.length]);
        try registry.commitKey(roomId, commitment, proof) {
            ++outsiderCommits;
        } catch {}
    }
}

/// @dev Invariant: no address outside the member tree ever holds a commitment in that room.
contract RoomRegistryInvariantTest is InvariantTest {
    RoomRegistry internal registry;
    MembersOnlyHandler internal handler;

    function setUp() public {
        registry = new RoomRegistry();
        address[] memory members = new address[](4);
        address[] memory outsiders = new address[](4);
        for (uint256 i = 0; i < 4; ++i) {
            members[i] = vm.addr(i + 1);
            outsiders[i] = vm.addr(i + 101);
        }
        handler = new MembersOnlyHandler(registry, members, outsiders);

        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](3);
        selectors[0] = MembersOnlyHandler.commitAsMember.selector;
        selectors[1] = MembersOnlyHandler.commitAsOutsiderWithStolenProof.selector;
        selectors[2] = MembersOnlyHandler.commitAsOutsiderWithRandomProof.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    function invariant_NoOutsiderHoldsACommitment() public view {
        bytes32 roomId = handler.roomId();
        for (uint256 i = 0; i < handler.outsiderCount(); ++i) {
            (bytes24 stored, uint64 blockNumber) =
                registry.commitmentOf(roomId, handler.outsiders(i));
            assertEq(bytes32(stored), bytes32(0), "outsider commitment");
            assertEq(blockNumber, 0, "outsider block");
        }
        assertEq(handler.outsiderCommits(), 0, "outsider commits accepted");
    }
}
