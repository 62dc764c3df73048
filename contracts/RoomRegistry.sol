// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/**
 * @title RoomRegistry
 * @dev Rooms of the Mesh3 chat and each member's commitment to the ephemeral keys of their
 * current session (ECDH public key and DTLS fingerprint, see docs/PROTOCOL.md). The chain is the
 * root of trust for "which keys belong to which wallet in which room, now": peers and the
 * signaling server accept an offer only when its keys hash to the sender's stored commitment.
 *
 * A room id is `keccak256(abi.encode(creator, salt))`, so nobody can take another creator's id by
 * front-running their `createRoom`. A room is open (`membersRoot == 0`) or limited to the leaves
 * of an OpenZeppelin standard Merkle tree of member addresses (leaf encoding `["address"]`).
 *
 * Storage layout (see docs/CONTRACT.md): a room's creator, expiry and both flags share one slot,
 * so `commitKey` on an open room reads a single slot; the Merkle root has a slot of its own that
 * is written and read only for members-only rooms. A commitment is stored as its leading 192 bits
 * packed with the 64-bit number of the block it was made in, one slot per (room, member).
 */
contract RoomRegistry {
    /// @dev A room's fixed facts, packed into one storage slot (160 + 64 + 8 + 8 bits).
    struct Room {
        address creator;
        uint64 expiresAt;
        bool closed;
        bool membersOnly;
    }

    /// @dev Mask of the low 64 bits of a stored commitment, where the block number lives.
    uint256 private constant _BLOCK_MASK = type(uint64).max;

    mapping(bytes32 roomId => Room) private _rooms;
    mapping(bytes32 roomId => bytes32 membersRoot) private _membersRoots;
    mapping(bytes32 roomId => mapping(address member => uint256 packed)) private _commitments;

    /// @dev Emitted when `creator` creates the room `roomId`.
    event RoomCreated(
        bytes32 indexed roomId, address indexed creator, bytes32 membersRoot, uint64 expiresAt
    );

    /// @dev Emitted when the creator closes the room `roomId`.
    event RoomClosed(bytes32 indexed roomId);

    /// @dev Emitted when `member` commits to the keys of a new session in `roomId`.
    event KeyCommitted(bytes32 indexed roomId, address indexed member, bytes32 commitment);

    /// @dev The room `roomId` already exists.
    error RegistryRoomExists(bytes32 roomId);

    /// @dev The expiry `expiresAt` is not in the future (and not zero, which means "never").
    error RegistryInvalidExpiry(uint64 expiresAt);

    /// @dev No room has the id `roomId`.
    error RegistryUnknownRoom(bytes32 roomId);

    /// @dev `account` is not the creator of `roomId`.
    error RegistryUnauthorizedAccount(bytes32 roomId, address account);

    /// @dev The room `roomId` was closed by its creator.
    error RegistryRoomClosed(bytes32 roomId);

    /// @dev The room `roomId` expired at `expiresAt`.
    error RegistryRoomExpired(bytes32 roomId, uint64 expiresAt);

    /// @dev The proof does not show that `account` is a member of `roomId`.
    error RegistryNotMember(bytes32 roomId, address account);

    /// @dev The leading 192 bits of `commitment`, the part that is stored, are zero.
    error RegistryEmptyCommitment(bytes32 commitment);

    /**
     * @dev Creates a room owned by the caller and returns its id,
     * `keccak256(abi.encode(msg.sender, salt))`.
     *
     * `membersRoot` is zero for an open room, or the root of a standard Merkle tree of member
     * addresses. `expiresAt` is a unix time after which the room accepts no commitments, or zero
     * for no expiry.
     *
     * Requirements:
     *
     * - The caller has not created a room with `salt` before.
     * - `expiresAt` is zero or later than the current block's timestamp.
     *
     * Emits a {RoomCreated} event.
     */
    function createRoom(bytes32 salt, bytes32 membersRoot, uint64 expiresAt)
        external
        returns (bytes32 roomId)
    {
        roomId = keccak256(abi.encode(msg.sender, salt));
        if (_rooms[roomId].creator != address(0)) revert RegistryRoomExists(roomId);
        if (expiresAt != 0 && expiresAt <= block.timestamp) revert RegistryInvalidExpiry(expiresAt);

        bool membersOnly = membersRoot != bytes32(0);
        _rooms[roomId] = Room({
            creator: msg.sender, expiresAt: expiresAt, closed: false, membersOnly: membersOnly
        });
        // Open rooms skip this slot entirely: a zero root needs no write and is never read.
        if (membersOnly) _membersRoots[roomId] = membersRoot;
        emit RoomCreated(roomId, msg.sender, membersRoot, expiresAt);
    }

    /**
     * @dev Closes the room `roomId` for good: it accepts no further commitments. Commitments
     * already stored stay readable.
     *
     * Requirements:
     *
     * - The room exists and is not closed yet.
     * - The caller is its creator.
     *
     * Emits a {RoomClosed} event.
     */
    function closeRoom(bytes32 roomId) external {
        Room storage room = _rooms[roomId];
        address creator = room.creator;
        if (creator == address(0)) revert RegistryUnknownRoom(roomId);
        if (creator != msg.sender) revert RegistryUnauthorizedAccount(roomId, msg.sender);
        if (room.closed) revert RegistryRoomClosed(roomId);

        room.closed = true;
        emit RoomClosed(roomId);
    }

    /**
     * @dev Records `commitment` as the caller's key commitment in `roomId`, replacing any earlier
     * one (a new session). Only the leading 192 bits are stored, with the current block number;
     * the event carries all 256.
     *
     * For a members-only room `proof` is the standard Merkle tree proof of the caller's address;
     * for an open room it is ignored.
     *
     * Requirements:
     *
     * - The leading 192 bits of `commitment` are not all zero.
     * - The room exists, is not closed, and has not expired.
     * - For a members-only room, `proof` shows the caller is a member.
     *
     * Emits a {KeyCommitted} event.
     */
    function commitKey(bytes32 roomId, bytes32 commitment, bytes32[] calldata proof) external {
        if (bytes24(commitment) == bytes24(0)) revert RegistryEmptyCommitment(commitment);
        Room memory room = _rooms[roomId];
        if (room.creator == address(0)) revert RegistryUnknownRoom(roomId);
        if (room.closed) revert RegistryRoomClosed(roomId);
        if (room.expiresAt != 0 && block.timestamp >= room.expiresAt) {
            revert RegistryRoomExpired(roomId, room.expiresAt);
        }
        if (room.membersOnly && !_isMember(_membersRoots[roomId], msg.sender, proof)) {
            revert RegistryNotMember(roomId, msg.sender);
        }

        _commitments[roomId][msg.sender] =
            (uint256(commitment) & ~_BLOCK_MASK) | uint256(uint64(block.number));
        emit KeyCommitted(roomId, msg.sender, commitment);
    }

    /**
     * @dev Returns the stored commitment of `member` in `roomId` (its leading 192 bits) and the
     * block it was made in; both zero when there is none.
     */
    function commitmentOf(bytes32 roomId, address member)
        external
        view
        returns (bytes24 commitment, uint64 blockNumber)
    {
        uint256 packed = _commitments[roomId][member];
        return (bytes24(bytes32(packed)), uint64(packed));
    }

    /**
     * @dev Returns the room `roomId`: its creator (zero when there is no such room), Merkle root
     * of members (zero for an open room), expiry (zero for none) and whether it was closed.
     */
    function rooms(bytes32 roomId)
        external
        view
        returns (address creator, bytes32 membersRoot, uint64 expiresAt, bool closed)
    {
        Room memory room = _rooms[roomId];
        return (room.creator, _membersRoots[roomId], room.expiresAt, room.closed);
    }

    /// @dev Whether `proof` shows `account` is a leaf of the standard Merkle tree with `root`.
    function _isMember(bytes32 root, address account, bytes32[] calldata proof)
        private
        pure
        returns (bool)
    {
        // Standard Merkle tree leaf: keccak256(bytes.concat(keccak256(abi.encode(account)))).
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(account))));
        return MerkleProof.verifyCalldata(proof, root, leaf);
    }
}
