// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IUniswapV2Pair
/// @notice The part of a Uniswap V2-style pair that direct swappers use.
interface IUniswapV2Pair {
    function getReserves() external view returns (uint112 reserve0, uint112 reserve1, uint32 blockTimestampLast);

    /// @notice Pays out `amount0Out`/`amount1Out` to `to`; the input must already be in the pair.
    function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes calldata data) external;
}
