// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title RouteCodec
/// @notice Reads the executor's packed route, the one byte layout `src/executor/route.ts`
///         writes. A route is hops back to back; each starts with its kind byte and ends with its
///         16-byte minimum output:
///         - Uniswap V2 (41): kind · factory index (1) · token out (20) · fee in millionths (3)
///           · minimum (16)
///         - Uniswap V3 (40): kind · token out (20) · fee tier (3) · minimum (16)
///         - Balancer V2 (69): kind · pool id (32) · token out (20) · minimum (16)
///         - Curve (59): kind · pool (20) · token out (20) · i (1) · j (1) · minimum (16)
///         - Uniswap V4 (43): kind · token out (20) · fee (3) · tick spacing (3) · minimum (16)
///         Reads are unchecked: a caller bounds a hop (kind known, hop inside the route) before
///         reading its fields. The route's fuzz test against the encoder is
///         test/executor/route.test.ts, through the executor's `decodeRoute`.
library RouteCodec {
    /// @dev Hop sizes and where each kind keeps its output token, one byte per kind, indexed
    ///      by kind: V2 41 / 2, V3 40 / 1, Balancer 69 / 33, Curve 59 / 21, V4 43 / 1.
    uint256 internal constant HOP_SIZES = 0x2b3b452829;
    uint256 internal constant TOKEN_OUT_AT = 0x0115210102;

    /// @notice The 32 bytes of `data` from `at`, unchecked: bytes past the end are whatever
    ///         calldata follows.
    function word(bytes calldata data, uint256 at) internal pure returns (bytes32 value) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // value = bytes32(data[at:at + 32]), without the bounds check.
            value := calldataload(add(data.offset, at))
        }
    }

    /// @notice The hop kind byte at `offset`, as read (it may be no known kind).
    function kindAt(bytes calldata route, uint256 offset) internal pure returns (uint256) {
        return uint256(word(route, offset)) >> 248;
    }

    /// @notice A hop's size in bytes, kind byte included; zero for an unknown kind.
    function hopSize(uint256 kind) internal pure returns (uint256) {
        return (HOP_SIZES >> (kind << 3)) & 0xff;
    }

    /// @notice Where the hop after a hop of `kind` at `offset` starts.
    function nextHop(uint256 offset, uint256 kind) internal pure returns (uint256) {
        // Offsets are bounded by the calldata's length, far from overflowing.
        unchecked {
            return offset + hopSize(kind);
        }
    }

    /// @notice The hop's output token: after the factory index (V2), first (V3, V4), after the
    ///         pool id (Balancer) or after the pool (Curve).
    function tokenOut(bytes calldata route, uint256 offset, uint256 kind) internal pure returns (address) {
        unchecked {
            return address(bytes20(word(route, offset + ((TOKEN_OUT_AT >> (kind << 3)) & 0xff))));
        }
    }

    /// @notice The hop's minimum output, its last 16 bytes.
    function minAmountOut(bytes calldata route, uint256 offset, uint256 size) internal pure returns (uint128) {
        unchecked {
            return uint128(bytes16(word(route, offset + size - 16)));
        }
    }

    /// @notice A V2 hop's factory index, from the hop's first word.
    function v2FactoryIndex(uint256 head) internal pure returns (uint8) {
        return uint8(head >> 240);
    }

    /// @notice A V2 hop's output token, from the hop's first word.
    function v2TokenOut(uint256 head) internal pure returns (address) {
        return address(uint160(head >> 80));
    }

    /// @notice A V2 hop's fee in millionths, from the hop's first word.
    function v2Fee(uint256 head) internal pure returns (uint24) {
        return uint24(head >> 56);
    }

    /// @notice A V3 hop's fee tier.
    function v3Fee(bytes calldata route, uint256 offset) internal pure returns (uint24) {
        return uint24(bytes3(word(route, offset + 21)));
    }

    /// @notice A V4 hop's LP fee and tick spacing (the spacing is a positive int24, stored as
    ///         its three bytes).
    function v4FeeAndSpacing(bytes calldata route, uint256 offset)
        internal
        pure
        returns (uint24 fee, int24 tickSpacing)
    {
        uint256 value = uint256(word(route, offset + 21));
        fee = uint24(value >> 232);
        tickSpacing = int24(uint24(value >> 208));
    }

    /// @notice A Balancer hop's pool id.
    function balancerPoolId(bytes calldata route, uint256 offset) internal pure returns (bytes32) {
        return word(route, offset + 1);
    }

    /// @notice A Curve hop's pool.
    function curvePool(bytes calldata route, uint256 offset) internal pure returns (address) {
        return address(bytes20(word(route, offset + 1)));
    }

    /// @notice A Curve hop's coin indices, input then output.
    function curveIndices(bytes calldata route, uint256 offset) internal pure returns (int8 i, int8 j) {
        bytes32 value = word(route, offset + 41);
        i = int8(uint8(value[0]));
        j = int8(uint8(value[1]));
    }
}
