// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title ICurvePool
/// @notice A classic Curve StableSwap pool (such as 3pool). Its `exchange` returns nothing,
///         so callers measure the output from balances.
interface ICurvePool {
    function exchange(int128 i, int128 j, uint256 dx, uint256 minDy) external;
}
