// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {RoomRegistry} from "./RoomRegistry.sol";
import {InvariantTest} from "./test/InvariantTest.sol";
import {MemberTree} from "./test/MemberTree.sol";
import {Test} from "./test/Test.sol";
import {vm} from "./test/Vm.sol";

/// @dev Unit and fuzz tests of {RoomRegistry}: every revert path by its custom error.
contract RoomRegistryTest is Test {
    event RoomCreated(
        bytes32 indexed roomId, address indexed creator, bytes32 membersRoot, uint64 expiresAt
    );
    event RoomClosed(bytes32 indexed roomId);
    event KeyCommitted(bytes32 indexed roomId, address indexed member, bytes32 commitment);

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
