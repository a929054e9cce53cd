// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IBalancerFlashLoanRecipient, IBalancerVault} from "../../interfaces/external/IBalancerVault.sol";

/// @title BalancerFlashLoanProbe
/// @notice Minimal Balancer V2 flash-loan recipient used to measure what the replica's Vault charges.
contract BalancerFlashLoanProbe is IBalancerFlashLoanRecipient {
    using SafeERC20 for IERC20;

    /// @dev Raised when the callback does not come from the Vault.
    error BalancerFlashLoanProbeUnexpectedCallback(address caller);

    IBalancerVault public immutable vault;
    /// @notice The fee the Vault asked for on the last loan.
    uint256 public lastFee;

    constructor(IBalancerVault vault_) {
        vault = vault_;
    }

    /// @notice Borrows `amount` of `token` and pushes it back with the fee in the same call.
    function borrow(address token, uint256 amount) external {
        address[] memory tokens = new address[](1);
        tokens[0] = token;
        uint256[] memory amounts = new uint256[](1);
        amounts[0] = amount;
        vault.flashLoan(address(this), tokens, amounts, "");
    }

    /// @inheritdoc IBalancerFlashLoanRecipient
    function receiveFlashLoan(
        address[] calldata tokens,
        uint256[] calldata amounts,
        uint256[] calldata feeAmounts,
        bytes calldata
    ) external {
        if (msg.sender != address(vault)) revert BalancerFlashLoanProbeUnexpectedCallback(msg.sender);
        lastFee = feeAmounts[0];
        // Balancer checks its own balance after the call, so repayment is pushed.
        IERC20(tokens[0]).safeTransfer(address(vault), amounts[0] + feeAmounts[0]);
    }
}
