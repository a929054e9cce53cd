// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IMorphoFlashLoans
/// @notice The part of Morpho Blue that flash borrowers use.
interface IMorphoFlashLoans {
    /// @notice Sends `assets` of `token` to the caller, calls the caller's `onMorphoFlashLoan`,
    ///         then pulls `assets` back with `transferFrom`. No fee.
    function flashLoan(address token, uint256 assets, bytes calldata data) external;
}

/// @title IMorphoFlashLoanCallback
/// @notice Called by Morpho Blue on the account that called `flashLoan`, and only on it.
interface IMorphoFlashLoanCallback {
    function onMorphoFlashLoan(uint256 assets, bytes calldata data) external;
}
