// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IBalancerVault
/// @notice The part of Balancer V2's Vault that flash borrowers and swappers use.
interface IBalancerVault {
    /// @notice Sends `amounts` of `tokens` to `recipient`, calls its `receiveFlashLoan`, and
    ///         then checks that its own balances grew back by at least the fees.
    function flashLoan(
        address recipient,
        address[] calldata tokens,
        uint256[] calldata amounts,
        bytes calldata userData
    ) external;
}

/// @title IBalancerFlashLoanRecipient
/// @notice Called by Balancer V2's Vault during `flashLoan`; the loan must be pushed back.
interface IBalancerFlashLoanRecipient {
    function receiveFlashLoan(
        address[] calldata tokens,
        uint256[] calldata amounts,
        uint256[] calldata feeAmounts,
        bytes calldata userData
    ) external;
}

/// @title IBalancerVaultSwaps
/// @notice Balancer V2 Vault's single-swap entry.
interface IBalancerVaultSwaps {
    enum SwapKind {
        GIVEN_IN,
        GIVEN_OUT
    }

    struct SingleSwap {
        bytes32 poolId;
        SwapKind kind;
        address assetIn;
        address assetOut;
        uint256 amount;
        bytes userData;
    }

    struct FundManagement {
        address sender;
        bool fromInternalBalance;
        address payable recipient;
        bool toInternalBalance;
    }

    /// @return amountCalculated For GIVEN_IN, the amount paid out.
    function swap(SingleSwap memory singleSwap, FundManagement memory funds, uint256 limit, uint256 deadline)
        external
        payable
        returns (uint256 amountCalculated);
}
