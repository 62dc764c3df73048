// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @dev The one call of ENS's registry this contract makes (EIP-137).
interface IEnsRegistry {
    function resolver(bytes32 node) external view returns (address);
}

/// @dev The reverse resolver's profile (EIP-181).
interface INameResolver {
    function name(bytes32 node) external view returns (string memory);
}

/**
 * @dev A test stand-in for ENS's UniversalResolver, in front of ENS's real registry and resolvers
 * (deployed from the npm package ens-archived-contracts on the local chain): the UniversalResolver's
 * artifacts are not on the npm registry this project reaches. It implements the two calls viem's
 * ENS actions make, with the UniversalResolver's signatures and error names (ENSIP-10 resolution,
 * ENSIP-19 reverse), without CCIP-Read (the gateways are ignored) and, unlike the real one,
 * WITHOUT checking a primary name's forward record: Mesh3 checks that itself
 * (app/client/ens_names.ts), and its tests show the check holds against a resolver that does not.
 */
contract UniversalResolverStandIn {
    /// @dev namehash("addr.reverse").
    bytes32 private constant ADDR_REVERSE_NODE =
        0x91d1777781884d03a6757a803996e38de2a42967fb37eeaca72729271025a9e2;

    IEnsRegistry private immutable _registry;

    error ResolverNotFound(bytes name);
    error ResolverError(bytes errorData);
    error DNSDecodingFailed(bytes dns);

    constructor(IEnsRegistry registry) {
        _registry = registry;
    }

    /**
     * @dev Resolves `data` (a resolver call, e.g. `addr(node)`) for the DNS-encoded `name` at the
     * resolver the registry names for it (no wildcard: the exact node).
     */
    function resolveWithGateways(bytes calldata name, bytes calldata data, string[] calldata)
        external
        view
        returns (bytes memory result, address resolver)
    {
        resolver = _registry.resolver(_namehash(name, 0));
        if (resolver == address(0)) revert ResolverNotFound(name);
        bool ok;
        (ok, result) = resolver.staticcall(data);
        if (!ok) revert ResolverError(result);
    }

    /**
     * @dev The name the reverse record of `lookupAddress` (20 bytes, coin type 60) gives, or "".
     * The forward record is NOT checked here.
     */
    function reverseWithGateways(bytes calldata lookupAddress, uint256 coinType, string[] calldata)
        external
        view
        returns (string memory resolvedName, address resolver, address reverseResolver)
    {
        if (coinType != 60 || lookupAddress.length != 20) return ("", address(0), address(0));
        bytes32 node = keccak256(abi.encodePacked(ADDR_REVERSE_NODE, _hexLabelHash(lookupAddress)));
        reverseResolver = _registry.resolver(node);
        if (reverseResolver == address(0)) return ("", address(0), address(0));
        resolvedName = INameResolver(reverseResolver).name(node);
        resolver = address(0);
    }

    /// @dev EIP-137 namehash of a DNS-encoded name from `offset`.
    function _namehash(bytes calldata name, uint256 offset) private pure returns (bytes32) {
        if (offset >= name.length) revert DNSDecodingFailed(name);
        uint256 len = uint8(name[offset]);
        if (len == 0) return bytes32(0);
        if (offset + 1 + len > name.length) revert DNSDecodingFailed(name);
        bytes32 label = keccak256(name[offset + 1:offset + 1 + len]);
        return keccak256(abi.encodePacked(_namehash(name, offset + 1 + len), label));
    }

    /// @dev keccak256 of the lower-case hex of 20 address bytes (the reverse label, EIP-181).
    function _hexLabelHash(bytes calldata a) private pure returns (bytes32) {
        bytes memory hexChars = "0123456789abcdef";
        bytes memory out = new bytes(40);
        for (uint256 i = 0; i < 20; i++) {
            out[2 * i] = hexChars[uint8(a[i]) >> 4];
            out[2 * i + 1] = hexChars[uint8(a[i]) & 0x0f];
        }
        return keccak256(out);
    }
}
