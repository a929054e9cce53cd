// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IWETH
/// @notice The part of WETH9 (and its clones on other chains) that unwraps.
interface IWETH {
    /// @notice Burns `amount` of the caller's WETH and sends it as much ETH (WETH9 forwards
    ///         2,300 gas with it, so the caller's `receive` must be cheap).
    function withdraw(uint256 amount) external;
}
