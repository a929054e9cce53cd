// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title PoolAddress
/// @notice Where a factory deployed a pool, derived by CREATE2 from the factory, the pool's
///         tokens (and fee) and the pool's init code hash, so that a route never names a pool
///         and the executor can trust the address. Written in assembly to hash in scratch or
///         unclaimed memory; each block's Solidity equivalent is in its comment, and
///         test/solidity/libraries/PoolAddress.t.sol checks each against it.
library PoolAddress {
    /// @notice The pair a Uniswap V2-style factory deployed for two tokens, in either order
    ///         (UniswapV2Library.pairFor).
    function v2Pair(address factory, bytes32 initCodeHash, address tokenA, address tokenB)
        internal
        pure
        returns (address)
    {
        (address token0, address token1) = tokenA < tokenB ? (tokenA, tokenB) : (tokenB, tokenA);
        bytes32 salt;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // salt = keccak256(abi.encodePacked(token0, token1)), packed in scratch space.
            mstore(0x14, token1)
            mstore(0x00, token0)
            salt := keccak256(0x0c, 0x28)
        }
        return create2(factory, salt, initCodeHash);
    }

    /// @notice The pool a Uniswap V3 factory deployed for two tokens, in either order, and a
    ///         fee tier (v3-periphery's PoolAddress.computeAddress).
    function v3Pool(address factory, bytes32 initCodeHash, address tokenA, address tokenB, uint24 fee)
        internal
        pure
        returns (address)
    {
        (address token0, address token1) = tokenA < tokenB ? (tokenA, tokenB) : (tokenB, tokenA);
        bytes32 salt;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // salt = keccak256(abi.encode(token0, token1, fee)), in free memory left unclaimed.
            let free := mload(0x40)
            mstore(free, token0)
            mstore(add(free, 0x20), token1)
            mstore(add(free, 0x40), fee)
            salt := keccak256(free, 0x60)
        }
        return create2(factory, salt, initCodeHash);
    }

    /// @notice The address CREATE2 gives `deployer` for `salt` and `initCodeHash`.
    function create2(address deployer, bytes32 salt, bytes32 initCodeHash) internal pure returns (address deployed) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // deployed = address(uint160(uint256(keccak256(abi.encodePacked(bytes1(0xff), deployer,
            //     salt, initCodeHash))))), in free memory left unclaimed.
            let free := mload(0x40)
            mstore(free, deployer)
            mstore8(add(free, 0x0b), 0xff)
            mstore(add(free, 0x20), salt)
            mstore(add(free, 0x40), initCodeHash)
            deployed := and(keccak256(add(free, 0x0b), 0x55), 0xffffffffffffffffffffffffffffffffffffffff)
        }
    }
}
