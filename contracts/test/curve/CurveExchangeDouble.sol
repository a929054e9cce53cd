// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title CurveExchangeDouble
/// @notice A test double of a classic Curve pool's `exchange(int128,int128,uint256,uint256)`
///         interface, for exercising the executor's Curve adapter where no Curve bytecode exists
///         (none ships on npm). It is not Curve: it prices at a fixed rate and can misbehave on
///         purpose. Curve's own behaviour is tested on a mainnet fork.
contract CurveExchangeDouble {
    using SafeERC20 for IERC20;

    /// @dev Raised for a coin index outside the pool's two coins, or the same coin twice.
    error CurveExchangeDoubleBadIndex(int128 i, int128 j);
    /// @dev Raised, as Curve does, when the output is below the caller's minimum.
    error CurveExchangeDoubleSlippage(uint256 minDy, uint256 dy);

    /// @notice The pool's two coins.
    IERC20[2] public coins;
    /// @notice Output per unit of input, as a fraction `rateNumerator / rateDenominator`, per direction.
    uint256[2] public rateNumerator;
    uint256[2] public rateDenominator;
    /// @notice The share of `dx` actually pulled, in basis points (10,000: all of it). Less leaves
    ///         part of the caller's allowance unspent, as a pool that takes less than approved.
    uint256 public pullBps = 10_000;

    constructor(IERC20 coin0, IERC20 coin1) {
        coins = [coin0, coin1];
        rateNumerator = [uint256(1), uint256(1)];
        rateDenominator = [uint256(1), uint256(1)];
    }

    /// @notice Sets the output per unit of input when selling coin `i`.
    function setRate(uint256 i, uint256 numerator, uint256 denominator) external {
        rateNumerator[i] = numerator;
        rateDenominator[i] = denominator;
    }

    /// @notice Sets the share of `dx` pulled from the caller.
    function setPullBps(uint256 bps) external {
        pullBps = bps;
    }

    /// @notice Sells `dx` of coin `i` for coin `j` at the fixed rate; returns nothing, like
    ///         3pool and the other classic pools.
    function exchange(int128 i, int128 j, uint256 dx, uint256 minDy) external {
        if (i == j || i < 0 || j < 0 || i > 1 || j > 1) revert CurveExchangeDoubleBadIndex(i, j);
        uint256 pulled = (dx * pullBps) / 10_000;
        uint256 dy = (pulled * rateNumerator[uint128(i)]) / rateDenominator[uint128(i)];
        if (dy < minDy) revert CurveExchangeDoubleSlippage(minDy, dy);
        coins[uint128(i)].safeTransferFrom(msg.sender, address(this), pulled);
        coins[uint128(j)].safeTransfer(msg.sender, dy);
    }
}
