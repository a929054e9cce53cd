// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IUniswapV3Pool
/// @notice The part of a Uniswap V3 pool that flash borrowers and swappers use.
interface IUniswapV3Pool {
    function token0() external view returns (address);
    function token1() external view returns (address);
    /// @notice The pool's fee tier in hundredths of a basis point (500 = 0.05%).
    function fee() external view returns (uint24);

    /// @notice Sends `amount0`/`amount1` to `recipient`, calls back `uniswapV3FlashCallback`,
    ///         and requires each balance to have grown by the amount's fee.
    function flash(address recipient, uint256 amount0, uint256 amount1, bytes calldata data) external;
}

/// @title IUniswapV3FlashCallback
interface IUniswapV3FlashCallback {
    function uniswapV3FlashCallback(uint256 fee0, uint256 fee1, bytes calldata data) external;
}

/// @title IUniswapV3SwapPool
/// @notice A Uniswap V3 pool's swap entry.
interface IUniswapV3SwapPool {
    /// @return amount0 The pool's change in token0 (positive: it received).
    /// @return amount1 The pool's change in token1.
    function swap(
        address recipient,
        bool zeroForOne,
        int256 amountSpecified,
        uint160 sqrtPriceLimitX96,
        bytes calldata data
    ) external returns (int256 amount0, int256 amount1);
}

/// @title IUniswapV3SwapCallback
interface IUniswapV3SwapCallback {
    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata data) external;
}
